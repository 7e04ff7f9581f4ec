#include "ft/ui/MsusWorkspace.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>
#include <exception>

#include "ft/ui/ComparisonPanel.h"
#include "ft/ui/NetworkSettingsDialog.h"
#include "ft/ui/OutboxDialog.h"
#include "ft/ui/ViewerSettingsDialog.h"
#include "ft/ui/WorklistDialog.h"

namespace ft::ui {

MsusWorkspace::MsusWorkspace(WorkspaceHost host, QWidget* parent) : QWidget(parent), host_(std::move(host)) {
  setObjectName("msusWorkspace");
  auto* bar = new QHBoxLayout();
  auto* worklist = new QPushButton("Worklist…", this);
  worklist->setObjectName("worklist");
  worklist->setShortcut(QKeySequence("Ctrl+W"));
  auto* settings = new QPushButton("Network settings…", this);
  settings->setObjectName("networkSettings");
  auto* viewer = new QPushButton("Viewer settings…", this);
  viewer->setObjectName("viewerSettings");
  auto* outbox = new QPushButton("Outbox…", this);
  outbox->setObjectName("outbox");
  bar->addWidget(worklist);
  bar->addWidget(settings);
  bar->addWidget(viewer);
  bar->addWidget(outbox);
  bar->addStretch(1);  // the decision-support notice is the station's status bar: once per screen
  unverified_tls_ = new QLabel(this);
  unverified_tls_->setObjectName("unverifiedTls");
  unverified_tls_->setStyleSheet("QLabel { color: white; background: #b00020; padding: 2px 6px; }");
  bar->addWidget(unverified_tls_);
  show_network_trust();
  connect(worklist, &QPushButton::clicked, this, &MsusWorkspace::start_from_worklist);
  connect(settings, &QPushButton::clicked, this, &MsusWorkspace::edit_settings);
  connect(outbox, &QPushButton::clicked, this, [this] { OutboxDialog(host_, this).exec(); });
  connect(viewer, &QPushButton::clicked, this, [this] {
    ViewerSettingsDialog dialog(viewer_settings_file(host_), this);
    if (dialog.exec() == QDialog::Accepted) live_->reload_settings();
  });

  tabs_ = new QTabWidget(this);
  live_ = new LivePanel(host_, tabs_);
  review_ = new ReviewPanel(host_, tabs_);
  studies_ = new StudiesPanel(host_, tabs_);
  compare_ = new ComparisonPanel(host_, tabs_);
  tabs_->addTab(live_, "Live exam");
  tabs_->addTab(review_, "Review");
  tabs_->addTab(compare_, "Compare");
  tabs_->addTab(studies_, "Studies");
  // The clip under review is the first one compared, until another is opened there.
  connect(tabs_, &QTabWidget::currentChanged, this, [this] {
    if (tabs_->currentWidget() == compare_ && compare_->first()->clip_path().isEmpty() && !review_->clip_path().isEmpty())
      compare_->first()->open_clip(review_->clip_path());
  });
  // Like a scanner: leaving the live view freezes acquisition (a recording keeps going).
  connect(tabs_, &QTabWidget::currentChanged, this, [this] {
    if (tabs_->currentWidget() != live_ && live_->running() && live_->last_recording_in_progress().isEmpty()) live_->stop();
  });
  connect(live_, &LivePanel::recording_saved, this, [this](const QString& clip) {
    review_->open_clip(clip);
    show_review();
  });
  connect(studies_, &StudiesPanel::open_requested, this, [this](const QString& path) {
    if (review_->open_clip(path)) show_review();
  });
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(tabs_, 1);
  add_shortcuts();
}

// The panels hold a reference to host_: they go first.
void MsusWorkspace::show_comparison() { tabs_->setCurrentWidget(compare_); }

MsusWorkspace::~MsusWorkspace() {
  shutdown();
  disconnect(tabs_, nullptr, this, nullptr);
  delete tabs_;
}

void MsusWorkspace::shutdown() {
  live_->stop();              // a recording is written as a clip
  review_->cancel_analysis();  // an unsent object stays in the outbox
}

// Space: freeze (live) or play/pause (review); R: record; arrows: step; Ctrl+O: open.
void MsusWorkspace::add_shortcuts() {
  const auto key = [this](const QKeySequence& k, auto action) {
    auto* s = new QShortcut(k, this);
    s->setContext(Qt::WidgetWithChildrenShortcut);
    connect(s, &QShortcut::activated, this, action);
  };
  // Playback keys move the clip of the tab in view (Compare: its first clip; the second follows).
  const auto pane = [this] { return tabs_->currentWidget() == compare_ ? compare_->first() : review_; };
  key(Qt::Key_Space, [this, pane] { tabs_->currentWidget() == live_ ? live_->toggle_freeze() : pane()->toggle_play(); });
  key(Qt::Key_R, [this] {
    show_live();  // recording is always seen
    live_->toggle_record();
  });
  key(Qt::Key_Left, [pane] { pane()->step(-1); });
  key(Qt::Key_Right, [pane] { pane()->step(1); });
  key(QKeySequence::Open, [this] {
    show_review();
    review_->findChild<QPushButton*>("openClip")->click();
  });
}

void MsusWorkspace::start_from_worklist() {
  if (!live_->last_recording_in_progress().isEmpty()) {
    QMessageBox::information(this, "Worklist", "Stop the recording before starting another exam.");
    return;
  }
  WorklistDialog dialog(host_, this);
  if (dialog.exec() != QDialog::Accepted) return;
  const dicom::ExamContext exam = dialog.chosen();
  if (exam.accession_number.empty() && exam.patient_id.empty()) return;
  host_.set_exam(exam);
  host_.log_info("exam started from the worklist");  // no identifiers in the log
  show_live();
}

void MsusWorkspace::edit_settings() {
  NetworkSettingsDialog dialog(network_settings_file(host_), this);
  if (dialog.exec() == QDialog::Accepted) {
    studies_->reload_nodes();
    studies_->refresh_local();
  }
  show_network_trust();
}

// The command line warns on every connection made with peer verification off; the station's
// connections run behind panels and the outbox, so the warning stays on screen instead, for as
// long as the settings say so (they are a file: it is read again after the settings dialog).
void MsusWorkspace::show_network_trust() {
  bool verify_peer = true;
  try {
    verify_peer = network_settings(host_).network.tls.verify_peer;
  } catch (const std::exception&) {
    // Unreadable settings (ft::Error, or a folder we may not look into): the panels that use them
    // say so; nothing is connected with them.
  }
  unverified_tls_->setText("TLS peer verification is off (settings: tls.verify_peer): any server can pose as your PACS");
  unverified_tls_->setVisible(!verify_peer);
}

}  // namespace ft::ui
