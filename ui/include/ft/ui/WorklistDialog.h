#pragma once
// Starting an exam from the modality worklist: query a worklist node, pick the scheduled
// step; the station's exam context (and the next recording) takes its patient, accession
// and Study Instance UID.
#include <QComboBox>
#include <QDialog>
#include <QLabel>
#include <QTableWidget>
#include <vector>

#include "ft/dicom/WorklistScu.h"
#include "ft/ui/WorkspaceHost.h"

namespace ft::ui {

class WorklistDialog : public QDialog {
  Q_OBJECT
 public:
  WorklistDialog(const WorkspaceHost& host, QWidget* parent = nullptr);
  void query(const QString& node);
  int entries() const { return int(items_.size()); }
  // The chosen entry's exam (the first when none is selected); empty when there is none.
  dicom::ExamContext chosen() const;

 private:
  const WorkspaceHost& host_;
  QComboBox* node_ = nullptr;
  QTableWidget* table_ = nullptr;
  QLabel* status_ = nullptr;
  std::vector<dicom::WorklistItem> items_;
};

}  // namespace ft::ui
