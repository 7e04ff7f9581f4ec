#pragma once
// What waits in the outbox, object by object (destination, attempts, the peer's last
// answer), and a retry now, in the background.
#include <QDialog>
#include <QFutureWatcher>
#include <QLabel>
#include <QTableWidget>

#include "ft/ui/WorkspaceHost.h"

namespace ft::ui {

class OutboxDialog : public QDialog {
  Q_OBJECT
 public:
  OutboxDialog(const WorkspaceHost& host, QWidget* parent = nullptr);
  ~OutboxDialog() override;
  void refresh();
  void retry();
  int waiting() const { return table_->rowCount(); }
  bool busy() const { return watcher_.isRunning(); }

 private:
  const WorkspaceHost& host_;
  QTableWidget* table_ = nullptr;
  QLabel* status_ = nullptr;
  QFutureWatcher<QString> watcher_;
};

}  // namespace ft::ui
