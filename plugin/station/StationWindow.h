#pragma once
// The workstation's main window: one tab per loaded module, the shared exam timeline
// beneath, the exam context and the decision-support notice always visible, and a
// Modules dialog that says which modules were loaded and why others were not.
#include <QLabel>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QTabWidget>

#include "ModuleCatalog.h"
#include "StationServicesImpl.h"

namespace ft::station {

class StationWindow : public QMainWindow {
  Q_OBJECT
 public:
  StationWindow(StationServicesImpl& services, ModuleCatalog& catalog);
  ~StationWindow() override;
  QTabWidget* modules_tabs() const { return tabs_; }
  QString modules_report() const;

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void show_modules();
  void show_exam();
  StationServicesImpl& services_;
  ModuleCatalog& catalog_;
  QTabWidget* tabs_ = nullptr;
  QLabel* exam_label_ = nullptr;
  QPlainTextEdit* log_view_ = nullptr;
  int exam_subscription_ = 0;
  bool shut_down_ = false;
};

}  // namespace ft::station
