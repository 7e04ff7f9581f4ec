#include "StationWindow.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <stdexcept>

#include "TimelineWidget.h"

namespace ft::station {
using fibretrack::module::LogLevel;

namespace {
constexpr char kNotice[] =
    "FibreTrack is decision support for trained sonographers and physicians. It is not a certified medical device; "
    "every finding must be confirmed on the images.";
}

StationWindow::StationWindow(StationServicesImpl& services, ModuleCatalog& catalog)
    : services_(services), catalog_(catalog) {
  setWindowTitle("FibreTrack Station");  // the notice: the status bar, once per screen
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName("moduleTabs");
  setCentralWidget(tabs_);
  for (const ModuleRecord& m : catalog_.modules()) {
    if (!m.instance) {
      services_.log(LogLevel::Warning, "station", "module " + m.file + " not loaded: " + m.problem);
      continue;
    }
    try {  // a module that fails to start is reported; the station and the other modules go on
      m.instance->attach(services_);
      QWidget* view = m.instance->create_view(tabs_);
      if (!view) throw std::runtime_error("it made no view");
      tabs_->addTab(view, m.name);
      services_.log(LogLevel::Info, "station", "module " + m.id + " " + m.version + " loaded");
    } catch (const std::exception& e) {
      services_.log(LogLevel::Error, "station", "module " + m.id + " failed to start: " + e.what());
    }
  }
  auto* timeline_dock = new QDockWidget("Exam timeline", this);
  timeline_dock->setObjectName("timelineDock");
  timeline_dock->setWidget(new TimelineWidget(services_.timeline(), timeline_dock));
  timeline_dock->setMaximumHeight(130);
  addDockWidget(Qt::BottomDockWidgetArea, timeline_dock);
  auto* log_dock = new QDockWidget("Log", this);
  log_dock->setObjectName("logDock");
  log_view_ = new QPlainTextEdit(log_dock);
  log_view_->setReadOnly(true);
  for (const LogEntry& e : services_.log_entries()) log_view_->appendPlainText(e.module_id + ": " + e.message);
  services_.on_log([this](const LogEntry& e) { log_view_->appendPlainText(e.module_id + ": " + e.message); });
  log_dock->setWidget(log_view_);
  log_dock->setMaximumHeight(130);
  addDockWidget(Qt::BottomDockWidgetArea, log_dock);
  tabifyDockWidget(timeline_dock, log_dock);
  timeline_dock->raise();

  exam_label_ = new QLabel(this);
  exam_label_->setObjectName("examContext");
  statusBar()->addWidget(exam_label_, 1);
  auto* notice = new QLabel("Decision support — not a certified medical device", this);
  notice->setObjectName("decisionSupportNotice");
  notice->setStyleSheet("color: #ffb000; font-weight: bold;");
  notice->setToolTip(kNotice);
  statusBar()->addPermanentWidget(notice);
  exam_subscription_ = services_.subscribe_exam_context([this] { show_exam(); });
  show_exam();

  QMenu* station = menuBar()->addMenu("&Station");
  station->addAction("&Modules…", this, &StationWindow::show_modules);
  station->addSeparator();
  station->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);
  QMenu* help = menuBar()->addMenu("&Help");
  help->addAction("&About FibreTrack", this, [this] { QMessageBox::about(this, "FibreTrack Station", kNotice); });
  resize(1280, 900);
}

StationWindow::~StationWindow() {
  services_.unsubscribe_exam_context(exam_subscription_);
  services_.on_log({});
}

QString StationWindow::modules_report() const { return station::modules_report(catalog_); }

void StationWindow::show_modules() { QMessageBox::information(this, "Modules", modules_report()); }

void StationWindow::show_exam() {
  const auto exam = services_.exam_context();
  exam_label_->setText(exam.accession_number.isEmpty() && exam.patient_id.isEmpty()
                           ? "No exam selected (start one from the worklist)"
                           : "Exam: " + exam.patient_name + " (" + exam.patient_id + "), accession " + exam.accession_number);
}

void StationWindow::closeEvent(QCloseEvent* event) {
  if (!shut_down_) {
    shut_down_ = true;
    for (const ModuleRecord& m : catalog_.modules())
      if (m.instance) m.instance->shutdown();
  }
  event->accept();
}

}  // namespace ft::station
