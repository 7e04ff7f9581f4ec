#include "ft/ui/StudiesPanel.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrent>

#include "ft/dicom/DicomSettings.h"
#include "ft/dicom/RetrieveScu.h"
#include "ft/dicom/StudyStore.h"

namespace ft::ui {
namespace {

// Retrieve into the store (what arrives before a failure is kept): off the GUI thread.
QString retrieve_in_background(dicom::DicomSettings settings, dicom::DicomNode node, std::string study_uid,
                               std::shared_ptr<std::atomic<bool>> cancel) {
  try {
    dicom::StudyStore store(settings.study_store_directory);
    const dicom::StoreRetrieveResult r =
        dicom::retrieve_into_store(node, study_uid, store, settings.network, [cancel] { return !cancel->load(); });
    QString text = QString("%1 instance(s) retrieved by %2").arg(r.imported).arg(QString::fromStdString(r.retrieve.method));
    if (!r.error.empty()) text = QString("%1 instance(s) kept; retrieve failed: %2").arg(r.imported).arg(QString::fromStdString(r.error));
    return text;
  } catch (const std::exception& e) {
    return QString("retrieve failed: ") + e.what();
  }
}

}  // namespace

StudiesPanel::StudiesPanel(WorkspaceHost& host, QWidget* parent) : QWidget(parent), host_(host) {
  setObjectName("studiesPanel");
  auto* local_box = new QGroupBox("Local study store", this);
  auto* local_layout = new QVBoxLayout(local_box);
  local_ = new QTreeWidget(local_box);
  local_->setObjectName("localStudies");
  local_->setHeaderLabels({"study / series / instance", "date", "count"});
  local_->header()->setStretchLastSection(false);
  local_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  auto* refresh = new QPushButton("Refresh", local_box);
  local_layout->addWidget(local_);
  local_layout->addWidget(refresh);
  connect(refresh, &QPushButton::clicked, this, &StudiesPanel::refresh_local);
  connect(local_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    const QString path = item->data(0, Qt::UserRole).toString();
    if (!path.isEmpty()) emit open_requested(path);
  });

  auto* pacs_box = new QGroupBox("PACS", this);
  auto* pacs_layout = new QVBoxLayout(pacs_box);
  auto* form = new QHBoxLayout();
  node_ = new QComboBox(pacs_box);
  node_->setObjectName("queryNode");
  node_->setEditable(true);
  node_->setMinimumWidth(200);
  patient_id_ = new QLineEdit(pacs_box);
  patient_id_->setPlaceholderText("patient ID (wildcards * ?)");
  study_date_ = new QLineEdit(pacs_box);
  study_date_->setPlaceholderText("date YYYYMMDD[-YYYYMMDD]");
  auto* query_button = new QPushButton("Query", pacs_box);
  query_button->setObjectName("query");
  auto* retrieve_button = new QPushButton("Retrieve selected", pacs_box);
  retrieve_button->setObjectName("retrieve");
  cancel_retrieve_ = new QPushButton("Cancel", pacs_box);
  cancel_retrieve_->setObjectName("cancelRetrieve");
  cancel_retrieve_->setEnabled(false);
  connect(cancel_retrieve_, &QPushButton::clicked, this, &StudiesPanel::cancel_retrieve);
  for (QWidget* w : std::initializer_list<QWidget*>{node_, patient_id_, study_date_, query_button, retrieve_button, cancel_retrieve_})
    form->addWidget(w);
  results_ = new QTableWidget(0, 4, pacs_box);
  results_->setObjectName("queryResults");
  results_->setHorizontalHeaderLabels({"patient", "date", "description", "study UID"});
  results_->horizontalHeader()->setStretchLastSection(true);
  results_->setSelectionBehavior(QAbstractItemView::SelectRows);
  status_ = new QLabel(pacs_box);
  status_->setObjectName("studiesStatus");
  pacs_layout->addLayout(form);
  pacs_layout->addWidget(results_);
  pacs_layout->addWidget(status_);
  connect(query_button, &QPushButton::clicked, this, [this] { query(node_->currentText()); });
  connect(retrieve_button, &QPushButton::clicked, this, [this] {
    const int row = results_->currentRow();
    if (row >= 0) retrieve(node_->currentText(), results_->item(row, 3)->text());
  });
  connect(&query_watcher_, &QFutureWatcher<Outcome<std::vector<dicom::StudyMatch>>>::finished, this, &StudiesPanel::show_matches);
  connect(&retrieve_watcher_, &QFutureWatcher<QString>::finished, this, [this] {
    cancel_retrieve_->setEnabled(false);
    status_->setText(retrieve_watcher_.result());
    host_.log_info(status_->text().toStdString());
    refresh_local();
    emit retrieve_finished();
  });

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(local_box, 1);
  layout->addWidget(pacs_box, 1);
  reload_nodes();
  refresh_local();
}

void StudiesPanel::cancel_retrieve() {
  if (retrieve_cancel_) retrieve_cancel_->store(true);  // what arrived so far is kept
}

StudiesPanel::~StudiesPanel() {
  cancel_retrieve();
  query_watcher_.waitForFinished();
  retrieve_watcher_.waitForFinished();
}

void StudiesPanel::reload_nodes() {
  node_->clear();
  try {
    for (const auto& [name, node] : network_settings(host_).nodes) node_->addItem(QString::fromStdString(name));
  } catch (const std::exception& e) {
    status_->setText(QString("settings: ") + e.what());
  }
}

void StudiesPanel::refresh_local() {
  local_->clear();
  try {
    const dicom::StudyStore store(network_settings(host_).study_store_directory);
    for (const auto& s : store.studies()) {
      auto* study = new QTreeWidgetItem(local_, {QString::fromStdString(s.patient_name + " (" + s.patient_id + ")"),
                                                 QString::fromStdString(s.study_date), QString::number(s.instances)});
      for (const auto& r : store.series(s.study_instance_uid)) {
        auto* series = new QTreeWidgetItem(study, {QString::fromStdString(r.modality + " #" + r.series_number + " " + r.series_description),
                                                   {}, QString::number(r.instances)});
        for (const auto& i : store.instances(r.series_instance_uid)) {
          auto* instance = new QTreeWidgetItem(series, {QString::fromStdString(i.sop_instance_uid), {}, QString::number(i.frames)});
          instance->setData(0, Qt::UserRole, QString::fromStdString(i.path));
        }
      }
    }
    local_->expandAll();
  } catch (const std::exception& e) {
    status_->setText(QString("study store: ") + e.what());
  }
}

// The query runs off the GUI thread (an unreachable PACS takes the whole timeout).
void StudiesPanel::query(const QString& node_text) {
  if (query_watcher_.isRunning()) return;
  results_->setRowCount(0);
  try {
    const dicom::DicomSettings settings = network_settings(host_);
    dicom::StudyQuery q;
    q.patient_id = patient_id_->text().toStdString();
    q.study_date = study_date_->text().toStdString();
    const dicom::DicomNode node = dicom::resolve_node(node_text.toStdString(), settings);
    status_->setText("querying…");
    query_watcher_.setFuture(QtConcurrent::run(
        [settings, node, q] { return outcome_of([&] { return dicom::find_studies(node, q, settings.network); }); }));
  } catch (const std::exception& e) {
    status_->setText(QString("query failed: ") + e.what());
  }
}

void StudiesPanel::show_matches() {
  const Outcome<std::vector<dicom::StudyMatch>> outcome = query_watcher_.result();
  if (!outcome.value) {
    status_->setText(QString::fromStdString("query failed: " + outcome.error));
    emit query_finished();
    return;
  }
  for (const auto& m : *outcome.value) {
    const int row = results_->rowCount();
    results_->insertRow(row);
    int column = 0;
    for (const std::string& v : {m.patient_name + " (" + m.patient_id + ")", m.study_date, m.study_description, m.study_instance_uid})
      results_->setItem(row, column++, new QTableWidgetItem(QString::fromStdString(v)));
  }
  status_->setText(QString("%1 stud%2 found").arg(outcome.value->size()).arg(outcome.value->size() == 1 ? "y" : "ies"));
  emit query_finished();
}

void StudiesPanel::retrieve(const QString& node_text, const QString& study_uid) {
  if (retrieve_watcher_.isRunning()) return;
  try {
    const dicom::DicomSettings settings = network_settings(host_);
    const dicom::DicomNode node = dicom::resolve_node(node_text.toStdString(), settings);
    status_->setText("retrieving…");
    retrieve_cancel_ = std::make_shared<std::atomic<bool>>(false);
    cancel_retrieve_->setEnabled(true);
    retrieve_watcher_.setFuture(
        QtConcurrent::run(retrieve_in_background, settings, node, study_uid.toStdString(), retrieve_cancel_));
  } catch (const std::exception& e) {
    status_->setText(QString("retrieve failed: ") + e.what());
    emit retrieve_finished();
  }
}

}  // namespace ft::ui
