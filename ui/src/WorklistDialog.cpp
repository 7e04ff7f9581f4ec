#include "ft/ui/WorklistDialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrent>

#include "ft/dicom/DicomSettings.h"

namespace ft::ui {

WorklistDialog::WorklistDialog(const WorkspaceHost& host, QWidget* parent) : QDialog(parent), host_(host) {
  setWindowTitle("Start an exam from the worklist");
  setObjectName("worklistDialog");
  node_ = new QComboBox(this);
  node_->setEditable(true);
  try {
    for (const auto& [name, node] : network_settings(host_).nodes)
      node_->addItem(QString::fromStdString(name));
  } catch (const std::exception&) {
  }
  auto* query_button = new QPushButton("Query", this);
  table_ = new QTableWidget(0, 5, this);
  table_->setObjectName("worklistEntries");
  table_->setHorizontalHeaderLabels({"scheduled", "patient", "ID", "accession", "procedure step"});
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  status_ = new QLabel(this);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText("Start exam");
  auto* row = new QHBoxLayout();
  row->addWidget(node_, 1);
  row->addWidget(query_button);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(row);
  layout->addWidget(table_, 1);
  layout->addWidget(status_);
  layout->addWidget(buttons);
  connect(query_button, &QPushButton::clicked, this, [this] { query(node_->currentText()); });
  connect(&watcher_, &QFutureWatcher<Outcome<std::vector<dicom::WorklistItem>>>::finished, this, &WorklistDialog::show_entries);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  resize(760, 420);
}

WorklistDialog::~WorklistDialog() { watcher_.waitForFinished(); }

// Off the GUI thread: a worklist server that does not answer takes the whole timeout.
void WorklistDialog::query(const QString& node_text) {
  if (watcher_.isRunning()) return;
  table_->setRowCount(0);
  items_.clear();
  try {
    const dicom::DicomSettings settings = network_settings(host_);
    const dicom::DicomNode node = dicom::resolve_node(node_text.toStdString(), settings);
    status_->setText("querying…");
    watcher_.setFuture(QtConcurrent::run(
        [settings, node] { return outcome_of([&] { return dicom::find_worklist(node, {}, settings.network); }); }));
  } catch (const std::exception& e) {
    status_->setText(QString("worklist query failed: ") + e.what());
  }
}

void WorklistDialog::show_entries() {
  const Outcome<std::vector<dicom::WorklistItem>> outcome = watcher_.result();
  if (!outcome.value) {
    status_->setText(QString::fromStdString("worklist query failed: " + outcome.error));
    return;
  }
  items_ = *outcome.value;
  for (const auto& w : items_) {
    const int r = table_->rowCount();
    table_->insertRow(r);
    int c = 0;
    for (const std::string& v : {w.scheduled_date + " " + w.scheduled_time, w.exam.patient_name, w.exam.patient_id,
                                 w.exam.accession_number, w.step_description})
      table_->setItem(r, c++, new QTableWidgetItem(QString::fromStdString(v)));
  }
  if (!items_.empty()) table_->selectRow(0);
  status_->setText(QString("%1 scheduled exam(s)").arg(items_.size()));
}

dicom::ExamContext WorklistDialog::chosen() const {
  if (items_.empty()) return {};
  const int row = std::max(0, table_->currentRow());
  return items_[std::size_t(std::min(row, int(items_.size()) - 1))].exam;
}

}  // namespace ft::ui
