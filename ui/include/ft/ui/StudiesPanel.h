#pragma once
// Studies: the local study store (what was retrieved or imported), and a PACS query with
// retrieve into it. Opening an instance shows it in the review.
#include <QComboBox>
#include <QFutureWatcher>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <atomic>
#include <memory>
#include <QTableWidget>
#include <QTreeWidget>

#include "ft/dicom/QueryScu.h"
#include "ft/ui/Outcome.h"
#include "ft/ui/WorkspaceHost.h"

namespace ft::ui {

class StudiesPanel : public QWidget {
  Q_OBJECT
 public:
  StudiesPanel(WorkspaceHost& host, QWidget* parent = nullptr);
  ~StudiesPanel() override;

  void refresh_local();
  void reload_nodes();  // after the network settings changed
  void query(const QString& node);
  void retrieve(const QString& node, const QString& study_uid);  // in the background
  void cancel_retrieve();
  int local_study_count() const { return local_->topLevelItemCount(); }
  int query_result_count() const { return results_->rowCount(); }
  bool busy() const { return query_watcher_.isRunning() || retrieve_watcher_.isRunning(); }
  QString status() const { return status_->text(); }

 signals:
  void open_requested(const QString& path);
  void retrieve_finished();
  void query_finished();

 private:
  void show_matches();
  WorkspaceHost& host_;
  QTreeWidget* local_ = nullptr;
  QComboBox* node_ = nullptr;
  QLineEdit* patient_id_ = nullptr;
  QLineEdit* study_date_ = nullptr;
  QTableWidget* results_ = nullptr;
  QLabel* status_ = nullptr;
  QFutureWatcher<Outcome<std::vector<dicom::StudyMatch>>> query_watcher_;
  QFutureWatcher<QString> retrieve_watcher_;
  std::shared_ptr<std::atomic<bool>> retrieve_cancel_;
  QPushButton* cancel_retrieve_ = nullptr;
};

}  // namespace ft::ui
