#include "ft/ui/OutboxDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrent>

#include "ft/dicom/Outbox.h"

namespace ft::ui {

OutboxDialog::OutboxDialog(const WorkspaceHost& host, QWidget* parent) : QDialog(parent), host_(host) {
  setWindowTitle("Outbox");
  setObjectName("outboxDialog");
  table_ = new QTableWidget(0, 4, this);
  table_->setObjectName("outboxJobs");
  table_->setHorizontalHeaderLabels({"to", "attempts", "last answer", "object"});
  table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
  status_ = new QLabel(this);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  auto* retry_button = buttons->addButton("Retry now", QDialogButtonBox::ActionRole);
  connect(retry_button, &QPushButton::clicked, this, &OutboxDialog::retry);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(&watcher_, &QFutureWatcher<QString>::finished, this, [this] {
    refresh();
    status_->setText(watcher_.result());
  });
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(table_, 1);
  layout->addWidget(status_);
  layout->addWidget(buttons);
  resize(820, 360);
  refresh();
}

OutboxDialog::~OutboxDialog() { watcher_.waitForFinished(); }

void OutboxDialog::refresh() {
  table_->setRowCount(0);
  try {
    const dicom::Outbox outbox(network_settings(host_).outbox_directory);
    for (const dicom::OutboxJob& j : outbox.jobs()) {
      const int r = table_->rowCount();
      table_->insertRow(r);
      int c = 0;
      for (const std::string& v : {j.destination, std::to_string(j.attempts), j.last_error.empty() ? "waiting" : j.last_error,
                                   j.original_file})
        table_->setItem(r, c++, new QTableWidgetItem(QString::fromStdString(v)));
    }
    status_->setText(QString("%1 object(s) waiting").arg(table_->rowCount()));
  } catch (const std::exception& e) {
    status_->setText(QString("outbox: ") + e.what());
  }
}

void OutboxDialog::retry() {
  if (watcher_.isRunning()) return;
  status_->setText("sending…");
  dicom::DicomSettings settings;
  try {
    settings = network_settings(host_);
  } catch (const std::exception& e) {
    status_->setText(QString("settings: ") + e.what());
    return;
  }
  watcher_.setFuture(QtConcurrent::run([settings]() -> QString {
    try {
      dicom::Outbox outbox(settings.outbox_directory);
      outbox.use_nodes(settings.nodes);  // credentials are never kept in the outbox
      const std::size_t before = outbox.jobs().size();
      const std::size_t left = outbox.deliver(settings.network, /*ignore_backoff=*/true).size();
      return QString("%1 sent, %2 still waiting").arg(before - std::min(before, left)).arg(left);
    } catch (const std::exception& e) {
      return QString("retry failed: ") + e.what();
    }
  }));
}

}  // namespace ft::ui
