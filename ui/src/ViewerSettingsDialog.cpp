#include "ft/ui/ViewerSettingsDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QMessageBox>

#include "ft/core/Error.h"

namespace ft::ui {

ViewerSettingsDialog::ViewerSettingsDialog(std::string settings_file, QWidget* parent)
    : QDialog(parent), file_(std::move(settings_file)) {
  setWindowTitle("Viewer settings");
  setObjectName("viewerSettings");
  ViewerSettings s;
  try {
    s = load_viewer_settings(file_);
  } catch (const Error& e) {
    QMessageBox::warning(this, "Viewer settings", QString("%1 — starting from the defaults").arg(e.what()));
  }
  sources_ = new QPlainTextEdit(this);
  for (const std::string& uri : s.sources) sources_->appendPlainText(QString::fromStdString(uri));
  preset_ = new QComboBox(this);
  for (const std::string& p : tracking_presets()) preset_->addItem(QString::fromStdString(p));
  preset_->setCurrentText(QString::fromStdString(s.tracking_preset));
  backend_ = new QComboBox(this);
  backend_->addItems({"auto", "cpu", "cuda"});
  backend_->setCurrentText(QString::fromStdString(s.backend));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, [this] {
    if (save()) accept();
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* form = new QFormLayout(this);
  form->addRow("Live sources (one URI a line)", sources_);
  form->addRow("Tracking preset", preset_);
  form->addRow("Tracking backend", backend_);
  form->addRow(buttons);
  resize(560, 380);
}

bool ViewerSettingsDialog::save() {
  ViewerSettings s;
  s.sources.clear();
  for (const QString& line : sources_->toPlainText().split('\n', Qt::SkipEmptyParts))
    if (!line.trimmed().isEmpty()) s.sources.push_back(line.trimmed().toStdString());
  s.tracking_preset = preset_->currentText().toStdString();
  s.backend = backend_->currentText().toStdString();
  try {
    save_viewer_settings(s, file_);
  } catch (const std::exception& e) {  // disk full, no permission
    QMessageBox::warning(this, "Viewer settings not saved", e.what());
    return false;
  }
  return true;
}

}  // namespace ft::ui
