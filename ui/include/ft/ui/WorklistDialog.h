#pragma once
// Starting an exam from the modality worklist: query a worklist node, pick the scheduled
// step; the station's exam context (and the next recording) takes its patient, accession
// and Study Instance UID.
#include <QComboBox>
#include <QDialog>
#include <QFutureWatcher>
#include <QLabel>
#include <QTableWidget>
#include <vector>

#include "ft/dicom/WorklistScu.h"
#include "ft/ui/Outcome.h"
#include "ft/ui/WorkspaceHost.h"

namespace ft::ui {

class WorklistDialog : public QDialog {
  Q_OBJECT
 public:
  WorklistDialog(const WorkspaceHost& host, QWidget* parent = nullptr);
  ~WorklistDialog() override;
  void query(const QString& node);  // in the background; busy() until the entries are shown
  bool busy() const { return watcher_.isRunning() || status_->text() == "querying…"; }
  int entries() const { return int(items_.size()); }
  // The chosen entry's exam (the first when none is selected); empty when there is none.
  dicom::ExamContext chosen() const;

 private:
  void show_entries();
  const WorkspaceHost& host_;
  QComboBox* node_ = nullptr;
  QTableWidget* table_ = nullptr;
  QLabel* status_ = nullptr;
  std::vector<dicom::WorklistItem> items_;
  QFutureWatcher<Outcome<std::vector<dicom::WorklistItem>>> watcher_;
};

}  // namespace ft::ui
