// ReviewPanel: layout, display, cine and calipers (ReviewActions.cpp: analysis, export, send).
#include "ft/ui/ReviewPanel.h"

#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ft/core/Error.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/MeasurementReportReader.h"
#include "ft/plugin/MuscleStrain.h"
#include "ft/plugin/ReviewScene.h"

namespace ft::ui {

ReviewPanel::ReviewPanel(WorkspaceHost& host, QWidget* parent) : QWidget(parent), host_(host) {
  setObjectName("reviewPanel");
  build();
  connect(&play_timer_, &QTimer::timeout, this, [this] { show_frame(frame_ + 1 < frame_count() ? frame_ + 1 : 0); });
  connect(&watcher_, &QFutureWatcher<AnalysisOutcome>::finished, this, &ReviewPanel::on_analysis_done);
  connect(&send_watcher_, &QFutureWatcher<QString>::finished, this, &ReviewPanel::on_send_done);
  connect(&progress_timer_, &QTimer::timeout, this, [this] {
    if (frames_done_) progress_->setValue(frames_done_->load());
  });
  unfollow_cursor_ = host_.follow_timeline_cursor([this](double t) {
    if (following_cursor_ || !reader_) return;
    const int frame = int(std::lround(t / frame_time_s()));
    if (frame == frame_) return;  // events changed, not the cursor
    following_cursor_ = true;     // our own show_frame moves the cursor too: no echo
    show_frame(frame);
    following_cursor_ = false;
  });
}

ReviewPanel::~ReviewPanel() {
  unfollow_cursor_();
  cancel_analysis();
  watcher_.waitForFinished();
  send_watcher_.waitForFinished();  // a send finishes its current object; the rest stays queued
}

void ReviewPanel::build() {
  auto* top = new QHBoxLayout();
  const auto button = [&](const char* name, const QString& text, auto slot) {
    auto* b = new QPushButton(text, this);
    b->setObjectName(name);
    connect(b, &QPushButton::clicked, this, slot);
    top->addWidget(b);
    return b;
  };
  button("openClip", "Open clip…", &ReviewPanel::choose_and_open);
  analyse_ = button("analyse", "Analyse", &ReviewPanel::start_analysis);
  cancel_ = button("cancelAnalysis", "Cancel", &ReviewPanel::cancel_analysis);
  cancel_->setEnabled(false);
  progress_ = new QProgressBar(this);
  progress_->setObjectName("analysisProgress");
  progress_->setMaximumWidth(160);
  top->addWidget(progress_);
  caliper_ = button("caliper", "Caliper", [this] { caliper_start_.reset(); });
  caliper_->setCheckable(true);
  button("clearCalipers", "Clear calipers", [this] {
    calipers_.clear();
    render();
  });
  button("loadReport", "Load report / PR…", &ReviewPanel::choose_and_load_report);
  button("exportObjects", "Export report…", &ReviewPanel::choose_and_export);
  button("sendToPacs", "Send to PACS…", &ReviewPanel::choose_and_send);
  button("exportDeidentified", "De-identified copy…", &ReviewPanel::choose_and_deidentify);
  status_ = new QLabel(this);
  status_->setObjectName("sendStatus");
  top->addWidget(status_, 1);

  view_ = new ImageView(this);
  connect(view_, &ImageView::clicked, this, &ReviewPanel::on_view_clicked);
  overlays_ = new OverlayControls(this);
  connect(overlays_, &OverlayControls::whole_image_requested, this, [this] { view_->reset_view(); });
  connect(overlays_, &OverlayControls::changed, this, &ReviewPanel::render);
  auto* cine = new QHBoxLayout();
  play_ = new QPushButton("Play", this);
  play_->setObjectName("play");
  connect(play_, &QPushButton::clicked, this, &ReviewPanel::toggle_play);
  auto* back = new QPushButton("◀", this);
  back->setObjectName("stepBack");
  connect(back, &QPushButton::clicked, this, [this] { step(-1); });
  auto* forward = new QPushButton("▶", this);
  forward->setObjectName("stepForward");
  connect(forward, &QPushButton::clicked, this, [this] { step(1); });
  scrubber_ = new QSlider(Qt::Horizontal, this);
  scrubber_->setObjectName("scrubber");
  connect(scrubber_, &QSlider::valueChanged, this, [this](int v) {
    if (v != frame_) show_frame(v);
  });
  speed_ = new QDoubleSpinBox(this);
  speed_->setObjectName("speed");
  speed_->setRange(0.1, 4.0);
  speed_->setSingleStep(0.25);
  speed_->setValue(1.0);
  speed_->setSuffix("×");
  connect(speed_, &QDoubleSpinBox::valueChanged, this, [this] {
    if (playing()) play_timer_.setInterval(int(1000 * frame_time_s() / speed_->value()));
  });
  frame_label_ = new QLabel("no clip", this);
  frame_label_->setObjectName("frameLabel");
  for (QWidget* w : std::initializer_list<QWidget*>{play_, back, forward, scrubber_, speed_, frame_label_}) cine->addWidget(w);
  cine->setStretch(3, 1);

  auto* left = new QWidget(this);
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 0, 0);
  left_layout->addWidget(view_, 1);
  left_layout->addWidget(overlays_);
  left_layout->addLayout(cine);
  auto* right = new QSplitter(Qt::Vertical, this);
  findings_ = new FindingsPanel(right);
  plots_ = new ExamPlots(right);
  connect(plots_, &ExamPlots::time_clicked, this, [this](double t) { show_frame(int(std::lround(t / frame_time_s()))); });
  right->addWidget(findings_);
  right->addWidget(plots_);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(left);
  split->addWidget(right);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(split, 1);
}

double ReviewPanel::frame_time_s() const { return info_.frame_time_ms > 0 ? info_.frame_time_ms / 1000.0 : 1.0 / 30.0; }

bool ReviewPanel::open_clip(const QString& path) {
  // An analysis of the previous clip is stopped and its result dropped; a send goes on.
  if (cancel_flag_) cancel_flag_->store(true);
  watcher_.waitForFinished();
  ++analysis_job_;
  analysis_running_ = false;
  if (!send_watcher_.isRunning()) progress_timer_.stop();
  analyse_->setEnabled(true);
  try {
    auto reader = std::make_unique<dicom::DicomClipReader>(path.toStdString());
    info_ = reader->info();
    reader_ = std::move(reader);
  } catch (const std::exception& e) {
    findings_->show_message(QString("Cannot open %1: %2").arg(path, e.what()));
    host_.log_warning(std::string("cannot open clip: ") + e.what());
    return false;
  }
  path_ = path;
  analysis_.reset();
  clips_arrow_gain_ = kMaxArrowGain;
  overlays_->set_vector_gain(kMaxArrowGain);
  stored_.reset();
  presentation_.reset();
  calipers_.clear();
  plots_->clear();
  scrubber_->setRange(0, std::max(0, info_.frames - 1));
  findings_->show_message(QString("%1 frames. Press Analyse to look for fibre tears.").arg(info_.frames));
  host_.set_timeline_duration(info_.frames * frame_time_s());
  host_.put_findings_on_timeline({});
  frame_ = -1;
  emit clip_opened();  // before its first frame: a comparison drops the old clip's phase first
  show_frame(0);
  // A clip opened from the study store (or next to its exports) shows its stored report.
  for (const std::string& report : dicom::find_reports_for(path.toStdString(), info_.sop_instance_uid))
    if (load_report(QString::fromStdString(report))) break;
  if (!stored_)  // no report of ours: another viewer's (or our) presentation state, if any
    for (const std::string& pr : dicom::find_presentation_states_for(path.toStdString(), info_.sop_instance_uid))
      if (load_presentation_state(QString::fromStdString(pr))) break;
  return true;
}

bool ReviewPanel::load_presentation_state(const QString& pr_path) {
  try {
    dicom::PresentationAnnotations pr = dicom::read_presentation_state(pr_path.toStdString());
    if (!pr.referenced_sop_instance_uids.count(info_.sop_instance_uid))
      throw Error(ErrorCode::InvalidArgument, "the presentation state does not reference this clip");
    presentation_ = std::move(pr);
  } catch (const std::exception& e) {
    findings_->show_message(QString("Presentation state not shown: ") + e.what());
    return false;
  }
  host_.log_info("presentation state shown: " + std::to_string(presentation_->annotations.size()) + " annotation(s)");
  for (const auto& a : presentation_->annotations)
    if (!a.frames.empty()) {
      show_frame(a.frames.front());
      break;
    }
  render();
  return true;
}

bool ReviewPanel::load_report(const QString& sr_path) {
  try {
    const dicom::StoredReport report = dicom::read_measurement_report(sr_path.toStdString());
    if (report.source_sop_instance_uid != info_.sop_instance_uid)
      throw Error(ErrorCode::InvalidArgument, "the report was made on another clip");
    stored_ = report.result;
    dicom::place_on_region(*stored_, info_.analysis_region());
  } catch (const std::exception& e) {
    findings_->show_message(QString("Report not shown: ") + e.what());
    return false;
  }
  findings_->show_result(*stored_, frame_time_s());
  std::vector<TimelineMark> marks;
  for (const TearFinding& f : stored_->findings)
    marks.push_back({f.frame * frame_time_s(), "tear (report): " + describe_gap(f, *stored_)});  // mm only when calibrated
  for (const TearFinding& layer : stored_->for_review)
    marks.push_back({layer.frame * frame_time_s(), "for review, not a finding (report): " + layer_for_review_label(layer.review_reason)});
  host_.put_findings_on_timeline(marks);
  if (!stored_->findings.empty()) show_frame(stored_->findings.front().frame);
  else if (!stored_->for_review.empty()) show_frame(stored_->for_review.front().frame);  // where to look
  render();
  return true;
}

void ReviewPanel::choose_and_load_report() {
  const QString file =
      QFileDialog::getOpenFileName(this, "Load a measurement report or presentation state", {}, "DICOM (*.dcm)");
  if (file.isEmpty()) return;
  bool is_report = true;
  try {
    dicom::read_measurement_report(file.toStdString());
  } catch (const std::exception&) {
    is_report = false;
  }
  is_report ? load_report(file) : load_presentation_state(file);
}

void ReviewPanel::show_frame(int frame) {
  if (!reader_ || info_.frames == 0) return;
  frame_ = std::clamp(frame, 0, info_.frames - 1);
  scrubber_->setValue(frame_);
  frame_label_->setText(QString("frame %1 / %2, %3 s").arg(frame_ + 1).arg(info_.frames).arg(frame_ * frame_time_s(), 0, 'f', 2));
  plots_->set_cursor_s(frame_ * frame_time_s());
  if (!following_cursor_) {
    following_cursor_ = true;
    host_.set_timeline_cursor(frame_ * frame_time_s());
    following_cursor_ = false;
  }
  render();
  emit frame_shown(frame_);
}

std::vector<double> ReviewPanel::analysed_times_s() const {
  std::vector<double> times;
  if (analysis_)
    for (int k : analysis_->kept_frames) times.push_back(k * frame_time_s());
  return times;
}

void ReviewPanel::toggle_play() {
  if (playing()) {
    play_timer_.stop();
  } else if (reader_) {
    play_timer_.start(int(1000 * frame_time_s() / speed_->value()));
  }
  play_->setText(playing() ? "Pause" : "Play");
}

void ReviewPanel::render() {
  if (!reader_ || frame_ < 0) return;
  Frame frame;
  try {
    frame = reader_->read_frame(frame_);
  } catch (const std::exception& e) {
    findings_->show_message(QString("Frame %1 cannot be decoded: %2").arg(frame_ + 1).arg(e.what()));
    return;
  }
  OverlayLayers layers = overlays_->layers();
  layers.calipers = calipers_;
  if (presentation_ && layers.findings)
    for (const auto& a : presentation_->annotations)
      if (a.frames.empty() || std::find(a.frames.begin(), a.frames.end(), frame_) != a.frames.end())
        layers.annotations.push_back({a.points, a.text});
  // The analysed image area once analysed (estimated where the file has no calibrated region):
  // the compartments' depths are measured from its top.
  view_->set_image(grey_picture(frame, layers.window, layers.level));
  if (analysis_ && !analysis_->kept_frames.empty() && !analysis_->motion.cumulative.empty()) {
    view_->set_overlay(review_scene(*analysis_, frame_, layers));  // as a capture of it paints it
    return;
  }
  // A stored report (no motion): its findings where they were measured, on every frame.
  std::vector<TearFinding> findings;
  if (stored_) {
    findings = stored_->findings;
    layers.layers_for_review = stored_->for_review;
    layers.measure_findings_as(*stored_);
  }
  view_->set_overlay(compose_overlay(info_.analysis_region(), {}, {}, findings, layers));
}

void ReviewPanel::add_caliper(double x0, double y0, double x1, double y1) {
  Caliper c{x0, y0, x1, y1, ""};
  const double mm = caliper_length_mm(c, info_.analysis_region());
  c.label = mm >= 0 ? QString("%1 mm").arg(mm, 0, 'f', 1).toStdString()
                    : QString("%1 px (no calibration)").arg(std::hypot(x1 - x0, y1 - y0), 0, 'f', 0).toStdString();
  calipers_.push_back(c);
  render();
}

void ReviewPanel::on_view_clicked(double x, double y) {
  if (!caliper_->isChecked()) return;
  if (!caliper_start_) {
    caliper_start_ = {x, y};
    return;
  }
  add_caliper(caliper_start_->first, caliper_start_->second, x, y);
  caliper_start_.reset();
}

void ReviewPanel::choose_and_open() {
  const QString file = QFileDialog::getOpenFileName(this, "Open a DICOM clip", {}, "DICOM (*.dcm *.DCM);;All files (*)");
  if (!file.isEmpty()) open_clip(file);
}

double ReviewPanel::arrow_gain() const { return overlays_->vector_gain(); }

void ReviewPanel::use_arrow_gain(double gain) {
  overlays_->set_vector_gain(gain);
  render();
}

}  // namespace ft::ui
