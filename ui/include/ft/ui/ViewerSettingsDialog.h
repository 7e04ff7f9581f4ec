#pragma once
// Edits the viewer settings: the live sources offered, the tracking preset, the backend.
#include <QComboBox>
#include <QDialog>
#include <QPlainTextEdit>

#include "ft/ui/ViewerSettings.h"

namespace ft::ui {

class ViewerSettingsDialog : public QDialog {
  Q_OBJECT
 public:
  ViewerSettingsDialog(std::string settings_file, QWidget* parent = nullptr);
  bool save();  // false (with the reason shown) when the file cannot be written

 private:
  std::string file_;
  QPlainTextEdit* sources_ = nullptr;
  QComboBox* preset_ = nullptr;
  QComboBox* backend_ = nullptr;
};

}  // namespace ft::ui
