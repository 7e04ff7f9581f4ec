#include "ft/ui/LivePanel.h"

#include <QDateTime>
#include <QDir>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrent>
#include <QHBoxLayout>
#include <QSplitter>
#include <QStringList>
#include <QVBoxLayout>

#include "ft/core/Error.h"
#include "ft/dicom/DicomSettings.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/plugin/FrameJournal.h"
#include "ft/plugin/SourceFactory.h"
#include "ft/ui/ViewerSettings.h"

namespace ft::ui {

LivePanel::LivePanel(WorkspaceHost& host, QWidget* parent) : QWidget(parent), host_(host) {
  setObjectName("livePanel");
  auto* top = new QHBoxLayout();
  source_ = new QComboBox(this);
  source_->setObjectName("source");
  source_->setEditable(true);
  source_->setMinimumWidth(260);
  source_->setToolTip("sim:PRESET (simulated probe), igtl://host:port (PLUS / OpenIGTLink), video:N (frame grabber), "
                      "file:CLIP.dcm (a DICOM cine replayed live)");
  start_ = new QPushButton("Start", this);
  start_->setObjectName("startLive");
  freeze_ = new QPushButton("Freeze", this);
  freeze_->setObjectName("freeze");
  freeze_->setCheckable(true);
  record_ = new QPushButton("Record", this);
  record_->setObjectName("record");
  record_->setCheckable(true);
  counters_ = new QLabel("stopped", this);
  counters_->setObjectName("liveCounters");
  top->addWidget(source_);
  for (QWidget* w : std::initializer_list<QWidget*>{start_, freeze_, record_, counters_}) top->addWidget(w);
  top->addStretch(1);
  connect(start_, &QPushButton::clicked, this, [this] { running() || connecting_ ? stop() : void(start(false)); });
  connect(freeze_, &QPushButton::clicked, this, &LivePanel::toggle_freeze);
  connect(record_, &QPushButton::clicked, this, &LivePanel::toggle_record);

  view_ = new ImageView(this);
  overlays_ = new OverlayControls(this);
  overlays_->set_tracks_available(false);
  connect(overlays_, &OverlayControls::whole_image_requested, this, [this] { view_->reset_view(); });
  findings_ = new FindingsPanel(this);
  findings_->show_message("Press Start: the simulated probe runs when no hardware is attached.");
  auto* left = new QWidget(this);
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 0, 0);
  left_layout->addWidget(view_, 1);
  left_layout->addWidget(overlays_);
  gap_now_ = new QLabel(this);
  gap_now_->setObjectName("gapNow");
  gap_now_->setToolTip("The last evaluation's tear read again on the frame shown: its gap as the contraction goes on. "
                       "Only the next evaluation finds new tears or grades them again.");
  left_layout->addWidget(gap_now_);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(left);
  split->addWidget(findings_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(split, 1);
  connect(&poll_timer_, &QTimer::timeout, this, &LivePanel::poll);
  connect(&saving_, &QFutureWatcher<Outcome<SavedRecording>>::finished, this, &LivePanel::on_recording_saved);
  reload_settings();
  connect(overlays_, &OverlayControls::changed, this, [this] {
    if (last_view_) show_view(*last_view_);
  });
}

// A recording being written is finished before the panel goes: it is the exam.
LivePanel::~LivePanel() {
  stop();
  saving_.waitForFinished();
}

void LivePanel::set_source(const QString& uri) { source_->setCurrentText(uri); }

void LivePanel::reload_settings() {
  const QString current = source_->currentText();
  source_->clear();
  try {
    for (const std::string& uri : load_viewer_settings(viewer_settings_file(host_)).sources)
      source_->addItem(QString::fromStdString(uri));
  } catch (const Error& e) {
    host_.log_warning(std::string("viewer settings ignored: ") + e.what());
    for (const std::string& uri : ViewerSettings{}.sources) source_->addItem(QString::fromStdString(uri));
  }
  if (!current.isEmpty()) source_->setCurrentText(current);
}

// Connecting to a source can take seconds (a PLUS server or a grabber waits for its first
// frame): it happens off the GUI thread, and the pipeline starts when it is there.
bool LivePanel::start(bool record) {
  stop();
  LiveSettings live;
  try {
    live.analysis = analysis_settings(load_viewer_settings(viewer_settings_file(host_)));
  } catch (const std::exception& e) {
    host_.log_warning(std::string("viewer settings ignored: ") + e.what());
  }
  const std::string uri = source_->currentText().toStdString();
  pending_record_ = record;
  connecting_ = true;
  start_->setText("Stop");
  findings_->show_message(QString("Connecting to %1…").arg(source_->currentText()));
  const int attempt = ++start_attempt_;
  auto* watcher = new QFutureWatcher<Outcome<std::shared_ptr<LivePipeline>>>(this);
  connect(watcher, &QFutureWatcher<Outcome<std::shared_ptr<LivePipeline>>>::finished, this, [this, watcher, attempt] {
    watcher->deleteLater();
    if (attempt == start_attempt_) on_connected(watcher->result());  // else: stopped or restarted meanwhile
  });
  watcher->setFuture(QtConcurrent::run(
      [uri, live] { return outcome_of([&] { return std::make_shared<LivePipeline>(make_frame_source(uri), live); }); }));
  return true;
}

void LivePanel::on_connected(Outcome<std::shared_ptr<LivePipeline>> connected) {
  connecting_ = false;
  try {
    if (!connected.value) throw Error(ErrorCode::Network, connected.error);
    std::shared_ptr<LivePipeline> pipeline = *connected.value;
    if (pending_record_) {
      recording_exam_ = host_.exam();  // the patient at the start of the recording, whatever happens later
      journal_dir_ = QString::fromStdString(dicom::default_config_directory()) + "/recordings/journal-" +
                     QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
      // Made by the journal itself (owner only, synced into its parent) on the first frame.
      pipeline->record_to(journal_dir_.toStdString());
    }
    pipeline->start();
    pipeline_ = std::move(pipeline);
  } catch (const std::exception& e) {
    journal_dir_.clear();
    record_->setChecked(false);
    start_->setText("Start");
    findings_->show_message(QString("Cannot start %1: %2").arg(source_->currentText(), e.what()));
    host_.log_warning(std::string("live source not started: ") + e.what());
    return;
  }
  latest_ = {};
  muscle_ = {};
  session_.clear();
  overlays_->set_vector_gain(kMaxArrowGain);
  recording_failed_ = false;
  analysis_failed_ = false;
  counters_->setStyleSheet({});
  frozen_ = false;
  freeze_->setChecked(false);
  record_->setChecked(pending_record_);
  findings_->show_message("Watching for fibre ends separating under contraction…");
  gap_now_->clear();
  poll_timer_.start(40);
  host_.log_info("live exam started from " + source_->currentText().toStdString() + (pending_record_ ? ", recording" : ""));
}

void LivePanel::stop() {
  if (connecting_) {  // the connection under way is dropped when it arrives
    ++start_attempt_;
    connecting_ = false;
    start_->setText("Start");
  }
  if (!pipeline_) return;
  poll_timer_.stop();
  pipeline_->stop();
  pipeline_.reset();
  start_->setText("Start");
  counters_->setText("stopped");
  gap_now_->clear();  // no frame is followed any more
  finish_recording();
}

// The journal becomes a DICOM clip (the same path as `fibretrack recover`); the journal
// is removed only once the clip is written.
namespace {

// Journal -> DICOM clip (in consecutive objects of one series when longer than one object
// holds), then the journal goes: only once every part is synced and reads back whole.
Outcome<SavedRecording> save_recording(const QString& dir, const dicom::ExamContext& exam) {
  try {
    RecoveredJournal journal = read_journal(dir.toStdString());
    dicom::ClipWriteOptions options;
    options.exam = exam;
    const std::vector<dicom::WrittenPart> parts =
        dicom::write_ultrasound_clip_parts(journal.clip, options, (dir + ".dcm").toStdString());
    dicom::check_parts_read_back(parts);
    QDir(dir).removeRecursively();
    return {SavedRecording{QString::fromStdString(parts.front().path), journal.clip.frames.size(), parts.size()}, ""};
  } catch (const std::exception& e) {  // bad_alloc included: the journal stays for `fibretrack recover`
    return {std::nullopt, std::string("recording kept as journal ") + dir.toStdString() + ": " + e.what()};
  }
}

}  // namespace

// The journal becomes a DICOM clip (as `fibretrack recover` does) off the GUI thread.
void LivePanel::finish_recording() {
  if (journal_dir_.isEmpty()) return;
  const QString dir = journal_dir_;
  journal_dir_.clear();
  record_->setChecked(false);
  saving_.waitForFinished();  // one at a time; a previous save is short
  saving_.setFuture(QtConcurrent::run(save_recording, dir, recording_exam_));
}

void LivePanel::on_recording_saved() {
  const Outcome<SavedRecording> saved = saving_.result();
  if (!saved.value) {
    host_.log_warning(saved.error);
    return;
  }
  last_recording_ = saved.value->clip;
  host_.log_info(std::to_string(saved.value->frames) + " frames recorded" +
                 (saved.value->objects > 1 ? " in " + std::to_string(saved.value->objects) +
                                                 " objects of one series (longer than one DICOM object holds); the first is opened"
                                           : std::string()));
  emit recording_saved(last_recording_);
}

void LivePanel::toggle_freeze() {
  frozen_ = !frozen_;
  freeze_->setChecked(frozen_);
  if (!frozen_ && running()) findings_->show_result(latest_, 0.0, session_.stronger_than(latest_));
}

void LivePanel::toggle_record() {
  if (connecting_) return;
  if (journal_dir_.isEmpty()) {
    start(true);
  } else {
    stop();
  }
}

void LivePanel::poll() {
  if (!pipeline_) return;
  const LiveStats s = pipeline_->stats();
  // The grid shows when this computer tracks points further apart than asked to keep up.
  counters_->setText(QString("%1 fps in, %2 tracked%10, latency p50 %3 ms p99 %4 ms, findings p50 %5 ms, skipped %6, dropped %7, repeats %8%9")
                         .arg(s.seconds > 0 ? s.frames_in / s.seconds : 0, 0, 'f', 1)
                         .arg(s.processed)
                         .arg(s.latency_p50_ms, 0, 'f', 0)
                         .arg(s.latency_p99_ms, 0, 'f', 0)
                         .arg(s.findings_latency_p50_ms, 0, 'f', 0)
                         .arg(s.skipped)
                         .arg(s.dropped)
                         .arg(s.repeats)
                         .arg(journal_dir_.isEmpty() ? QString() : QString(", recorded %1").arg(s.recorded))
                         .arg(s.grid_mm > s.asked_grid_mm * 1.001
                                  ? QString(" (points %1 mm apart, %2 mm asked: this computer could not keep up)")
                                        .arg(s.grid_mm, 0, 'f', 2)
                                        .arg(s.asked_grid_mm, 0, 'f', 2)
                                  : QString()));
  if (!s.recording_error.empty() && !recording_failed_) {
    recording_failed_ = true;  // e.g. disk full: the frames so far stay in the journal
    record_->setChecked(false);
    counters_->setStyleSheet("color: #d03030;");
    host_.log_warning("recording stopped: " + s.recording_error);
  }
  if (recording_failed_)
    counters_->setText(counters_->text() + QString(" — RECORDING STOPPED: ") + QString::fromStdString(s.recording_error));
  if (!s.analysis_error.empty()) {
    if (!analysis_failed_) {  // once: the findings shown so far are no longer live
      analysis_failed_ = true;
      gap_now_->clear();
      host_.log_warning("live analysis stopped: " + s.analysis_error);
      counters_->setStyleSheet("color: #d03030;");
      findings_->show_message(QString("Live analysis stopped: %1. Frames are still received%2; no findings are "
                                      "being made.")
                                  .arg(QString::fromStdString(s.analysis_error))
                                  .arg(journal_dir_.isEmpty() ? QString() : QString(" and recorded")));
    }
    counters_->setText(counters_->text() + QString(" — ANALYSIS STOPPED: ") + QString::fromStdString(s.analysis_error));
  }
  // The newest result is shown; the older ones taken with it were on no screen for long.
  if (std::vector<DetectionResult> results = pipeline_->take_results(); !results.empty()) {
    for (const DetectionResult& r : results) session_.add(r);
    latest_ = std::move(results.back());
    // A window without a contraction finds no compartments: the muscle last found stays.
    // Its bands only: the labels are of its window's grid points, and the view moves on.
    if (Muscle muscle = muscle_of(latest_, region_, false); !muscle.empty()) muscle_ = std::move(muscle);
    if (!frozen_)  // frozen: text and picture stay together
      findings_->show_result(latest_, 0.0, session_.stronger_than(latest_));
  }
  auto view = pipeline_->take_view();
  if (view && !frozen_) {
    last_view_ = std::move(view);
    // The arrows' scale, once per new frame (not per redraw: a W/L drag on a frozen frame must
    // not change it): down at once to what this frame's motion needs, back up by 1 % a frame
    // (x0.4 to x4 in about 9 s at 25 frames/s), so that a probe's slip does not leave the arrows
    // tiny for the rest of the exam.
    const LiveView& v = *last_view_;
    const double needed = arrow_gain_for(v.region, v.field, 0.5 * (v.mm_per_px_x + v.mm_per_px_y));
    overlays_->set_vector_gain(std::min(needed, overlays_->vector_gain() * 1.01));
    show_view(v);
  }
}

namespace {

// The scale followed findings are measured at, as describe_gap and the overlay read it.
DetectionResult scale_of(const FollowedFindings& f) {
  DetectionResult r;
  r.calibrated = f.calibrated;
  r.mm_per_px_x = f.mm_per_px_x;
  r.mm_per_px_y = f.mm_per_px_y;
  return r;
}

}  // namespace

void LivePanel::show_view(const LiveView& v) {
  OverlayLayers layers = overlays_->layers();
  // The tears found, where their tissue is in this frame and with its gap (the peak's beside
  // it), where the frame could be read; the evaluation's reading as it was otherwise.
  const FollowedFindings& now = v.findings_now;
  const bool following = now.any_followed();
  std::vector<TearFinding> on_this_frame;
  if (following)
    for (const FollowedFinding& f : now.findings) {
      on_this_frame.push_back(f.now);
      layers.findings_peak_gap_mm.push_back(f.followed ? f.peak_gap_mm : 0.0);  // 0: no "(peak …)"
      // A tear with stumps to follow whose gap this frame could not read is drawn as found.
      layers.findings_gap_not_read.push_back(f.now.follower && !f.followed ? 1 : 0);
    }
  layers.measure_findings_as(following ? scale_of(now) : latest_);
  std::vector<float> strain;
  if (layers.strain) strain = fibre_strain_in(v.field, v.mm_per_px_x, v.mm_per_px_y, muscle_);
  region_ = v.region;  // kept for redrawing after Stop
  view_->set_image(grey_picture(v.frame, layers.window, layers.level));
  view_->set_overlay(compose_overlay(region_, v.field, strain, following ? on_this_frame : latest_.findings, layers));
  // A redraw of the last frame after a stop or a failed analysis (an overlay toggled) is not
  // a frame being followed.
  show_gap_now(pipeline_ && !analysis_failed_ ? now : FollowedFindings{});
  ++frames_shown_;
}

// Between evaluations (most of a second each on a laptop's CPU) the tears found last are read
// on every frame: each gap opening as the contraction goes on, not the gap of a second ago.
void LivePanel::show_gap_now(const FollowedFindings& now) {
  if (!now.any_followed()) {
    gap_now_->clear();
    return;
  }
  const DetectionResult scale = scale_of(now);
  QStringList read;
  for (const FollowedFinding& f : now.findings) {
    const QString where = QString("%1 at %2").arg(to_string(f.now.kind)).arg(QString::fromStdString(describe_position(f.now, scale)));
    if (f.followed) read << where + ": " + QString::fromStdString(describe_gap(f.now, scale));
    else if (f.now.follower) read << where + ": not measured on this frame";
  }
  gap_now_->setText(QString("Now, frame %1: %2").arg(now.frame + 1).arg(read.join("; ")));
}

}  // namespace ft::ui
