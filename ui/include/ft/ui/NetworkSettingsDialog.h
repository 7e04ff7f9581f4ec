#pragma once
// The station's network settings: our AE title, timeout, retrieve port, and the named
// nodes (PACS, worklist, DICOMweb), written to the same settings file as the CLI reads.
#include <QDialog>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableWidget>

#include "ft/dicom/DicomSettings.h"

namespace ft::ui {

class NetworkSettingsDialog : public QDialog {
  Q_OBJECT
 public:
  NetworkSettingsDialog(std::string settings_file, QWidget* parent = nullptr);
  // Writes the file; false (with the reason shown) when a node is malformed.
  bool save();

 private:
  std::string file_;
  dicom::DicomSettings settings_;
  QLineEdit* ae_title_ = nullptr;
  QSpinBox* timeout_ = nullptr;
  QSpinBox* retrieve_port_ = nullptr;
  QTableWidget* nodes_ = nullptr;
};

}  // namespace ft::ui
