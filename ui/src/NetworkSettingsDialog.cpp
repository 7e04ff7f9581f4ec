#include "ft/ui/NetworkSettingsDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

#include "ft/core/Error.h"

namespace ft::ui {
namespace {
// A node as the table shows it: AET@host:port, or the URL without user:password@.
std::string where_of(const dicom::DicomNode& node) {
  return node.is_dicomweb() ? node.text() : node.ae_title + "@" + node.host + ":" + std::to_string(node.port);
}
}  // namespace


NetworkSettingsDialog::NetworkSettingsDialog(std::string settings_file, QWidget* parent)
    : QDialog(parent), file_(std::move(settings_file)) {
  setWindowTitle("Network settings");
  setObjectName("networkSettings");
  try {
    settings_ = dicom::load_settings(file_);
  } catch (const Error& e) {
    QMessageBox::warning(this, "Settings", QString("%1 — starting from the defaults").arg(e.what()));
  }
  ae_title_ = new QLineEdit(QString::fromStdString(settings_.network.local_ae_title), this);
  ae_title_->setMaxLength(16);
  timeout_ = new QSpinBox(this);
  timeout_->setRange(1, 600);
  timeout_->setValue(settings_.network.timeout_s);
  timeout_->setSuffix(" s");
  retrieve_port_ = new QSpinBox(this);
  retrieve_port_->setRange(0, 65535);
  retrieve_port_->setValue(settings_.network.retrieve_port);
  retrieve_port_->setSpecialValueText("none (C-GET)");
  nodes_ = new QTableWidget(0, 3, this);
  nodes_->setHorizontalHeaderLabels({"name", "AET@host:port or DICOMweb URL", "TLS"});
  nodes_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  for (const auto& [name, node] : settings_.nodes) {
    const int r = nodes_->rowCount();
    nodes_->insertRow(r);
    auto* name_item = new QTableWidgetItem(QString::fromStdString(name));
    name_item->setData(Qt::UserRole, QString::fromStdString(name));  // the node as saved, even if renamed
    nodes_->setItem(r, 0, name_item);
    nodes_->setItem(r, 1, new QTableWidgetItem(QString::fromStdString(where_of(node))));
    auto* tls = new QTableWidgetItem();
    tls->setCheckState(node.tls ? Qt::Checked : Qt::Unchecked);
    nodes_->setItem(r, 2, tls);
  }
  auto* add = new QPushButton("Add node", this);
  connect(add, &QPushButton::clicked, this, [this] {
    nodes_->insertRow(nodes_->rowCount());
    auto* tls = new QTableWidgetItem();
    tls->setCheckState(Qt::Unchecked);
    nodes_->setItem(nodes_->rowCount() - 1, 2, tls);
  });
  auto* remove = new QPushButton("Remove node", this);
  connect(remove, &QPushButton::clicked, this, [this] {
    if (nodes_->currentRow() >= 0) nodes_->removeRow(nodes_->currentRow());
  });
  auto* form = new QFormLayout();
  form->addRow("Our AE title", ae_title_);
  form->addRow("Timeout", timeout_);
  form->addRow("Retrieve port (C-MOVE)", retrieve_port_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, [this] {
    if (save()) accept();
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(nodes_, 1);
  auto* row = new QHBoxLayout();
  row->addWidget(add);
  row->addWidget(remove);
  row->addStretch(1);
  layout->addLayout(row);
  layout->addWidget(buttons);
  resize(640, 420);
}

bool NetworkSettingsDialog::save() {
  dicom::DicomSettings s = settings_;
  s.network.local_ae_title = ae_title_->text().toStdString();
  s.network.timeout_s = timeout_->value();
  s.network.retrieve_port = retrieve_port_->value();
  s.nodes.clear();
  try {
    for (int r = 0; r < nodes_->rowCount(); ++r) {
      const QString name = nodes_->item(r, 0) ? nodes_->item(r, 0)->text().trimmed() : QString();
      const QString where = nodes_->item(r, 1) ? nodes_->item(r, 1)->text().trimmed() : QString();
      if (name.isEmpty() && where.isEmpty()) continue;
      if (name.isEmpty()) throw Error(ErrorCode::InvalidArgument, "row " + std::to_string(r + 1) + " has no name");
      // A row left as it was shown keeps the node as saved: the URL's credentials (never
      // shown) and settings the table has no column for (tls_name).
      const QString was = nodes_->item(r, 0) ? nodes_->item(r, 0)->data(Qt::UserRole).toString() : QString();
      const auto saved = settings_.nodes.find((was.isEmpty() ? name : was).toStdString());
      dicom::DicomNode node = saved != settings_.nodes.end() && where.toStdString() == where_of(saved->second)
                                  ? saved->second
                                  : dicom::parse_node(where.toStdString());
      node.name = name.toStdString();
      node.tls = !node.is_dicomweb() && nodes_->item(r, 2) && nodes_->item(r, 2)->checkState() == Qt::Checked;
      s.nodes[node.name] = node;
    }
    dicom::save_settings(s, file_);
  } catch (const std::exception& e) {
    QMessageBox::warning(this, "Settings not saved", e.what());
    return false;
  }
  settings_ = s;
  return true;
}

}  // namespace ft::ui
