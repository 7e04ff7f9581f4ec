#include "ft/ui/ComparisonPanel.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>

#include "ft/dicom/StudyStore.h"
#include "ft/plugin/ReviewScene.h"

namespace ft::ui {
namespace {

// The same person by name where both files give one (case, spaces and empty name components
// aside): one Patient ID can belong to two patients of different issuers (a referral, a merged
// archive). Where either has no name, the ID alone decides.
bool same_person(const std::string& a, const std::string& b) {
  const auto normal = [](const std::string& name) {
    QString n = QString::fromStdString(name).toUpper().simplified();
    while (n.endsWith('^') || n.endsWith(' ')) n.chop(1);
    return n;
  };
  return a.empty() || b.empty() || normal(a) == normal(b);
}

// The host without the shared timeline: the Review tab's clip keeps it (its cursor, duration
// and tear marks, and the gait events aligned to it).
WorkspaceHost without_timeline(const WorkspaceHost& host) {
  WorkspaceHost h = host;
  h.set_timeline_duration = [](double) {};
  h.set_timeline_cursor = [](double) {};
  h.follow_timeline_cursor = [](auto) { return std::function<void()>([] {}); };
  h.put_findings_on_timeline = [](const auto&) {};
  return h;
}

QString file_name(const QString& path) { return QFileInfo(path).fileName(); }

QString side_of(const std::string& laterality) {
  if (laterality == "R") return "right";
  if (laterality == "L") return "left";
  if (laterality == "B") return "both sides";
  return {};
}

// How a reader tells two clips of one patient apart: the side, the study's date, the series;
// the file's name where the file says none of them.
QString clip_label(const dicom::DicomClipInfo& info, const QString& path) {
  QStringList parts;
  if (const QString side = side_of(info.laterality); !side.isEmpty()) parts << side;
  if (info.study_date.size() == 8)
    parts << QString::fromStdString(info.study_date.substr(0, 4) + "-" + info.study_date.substr(4, 2) + "-" +
                                    info.study_date.substr(6, 2));
  const QString series = QString::fromStdString((info.series_number.empty() ? "" : "#" + info.series_number + " ") +
                                                info.series_description).trimmed();
  if (!series.isEmpty()) parts << series;
  return parts.isEmpty() ? file_name(path) : parts.join(", ");
}

// Derived pictures (our burned-in captures among them: overlays drawn into the pixels) are
// not clips to analyse: the Secondary Capture family, 1.2.840.10008.5.1.4.1.1.7[.n].
bool is_secondary_capture(const std::string& sop_class_uid) {
  const std::string family = "1.2.840.10008.5.1.4.1.1.7";
  return sop_class_uid == family || sop_class_uid.rfind(family + ".", 0) == 0;
}

}  // namespace

ComparisonPanel::ComparisonPanel(WorkspaceHost& host, QWidget* parent)
    : QWidget(parent), host_(host), panes_host_(without_timeline(host)) {
  build();
}

// The panes use panes_host_: they go before it does.
ComparisonPanel::~ComparisonPanel() {
  delete first_;
  delete second_;
}

void ComparisonPanel::build() {
  setObjectName("comparisonPanel");
  auto* layout = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout();
  auto* open_first = new QPushButton("First clip…", this);
  open_first->setObjectName("compareFirst");
  auto* open_second = new QPushButton("Compare with…", this);
  open_second->setObjectName("compareSecond");
  open_second->setToolTip("Another clip of the same patient from the local store (or a file)");
  status_ = new QLabel("Open two clips: they are analysed, then shown at the same phase of the contraction.", this);
  status_->setObjectName("comparisonStatus");
  bar->addWidget(open_first);
  bar->addWidget(open_second);
  bar->addWidget(status_, 1);
  layout->addLayout(bar);
  auto* panes = new QSplitter(Qt::Vertical, this);
  auto* side_by_side = new QSplitter(Qt::Horizontal, panes);
  first_ = new ReviewPanel(panes_host_, side_by_side);
  second_ = new ReviewPanel(panes_host_, side_by_side);
  plots_ = new ExamPlots(panes);
  plots_->setObjectName("comparisonPlots");
  plots_->setMinimumHeight(420);  // two charts whose axes stay readable
  panes->setStretchFactor(0, 4);
  panes->setStretchFactor(1, 1);
  layout->addWidget(panes, 1);
  connect(open_first, &QPushButton::clicked, this, &ComparisonPanel::choose_first);
  connect(open_second, &QPushButton::clicked, this, &ComparisonPanel::choose_second);
  for (ReviewPanel* pane : {first_, second_}) {
    pane->plots()->set_compact(true);  // half a screen wide, beside the chart of both
    connect(pane, &ReviewPanel::analysis_finished, this, &ComparisonPanel::on_analysed);
    connect(pane, &ReviewPanel::frame_shown, this, [this, pane](int frame) { follow(pane, frame); });
    connect(pane, &ReviewPanel::clip_opened, this, &ComparisonPanel::forget_phases);
  }
  connect(plots_, &ExamPlots::time_clicked, this,
          [this](double t) { first_->show_frame(int(std::lround(t / first_->frame_time_s()))); });
}

// A pane opened another clip (its own Open button, or open_clips): the phases, the combined
// curves and the status belonged to the clips before.
void ComparisonPanel::forget_phases() {
  if (!synchronised() && plots_->strain_points() == 0) return;
  first_anchors_.reset();
  second_anchors_.reset();
  plots_->clear();
  status_->setText("Analyse both clips to show them at the same phase of the contraction.");
  emit synchronised_changed();
}

bool ComparisonPanel::open_clips(const QString& first, const QString& second) {
  forget_phases();
  if (!first_->open_clip(first) || !second_->open_clip(second)) {
    status_->setText("A clip cannot be read: see its pane.");
    return false;
  }
  status_->setText(QString("Analysing %1 and %2…").arg(file_name(first), file_name(second)));
  first_->start_analysis();
  second_->start_analysis();
  return true;
}

void ComparisonPanel::on_analysed() {
  if (first_->analysing() || second_->analysing()) return;
  const auto& a = first_->analysis();
  const auto& b = second_->analysis();
  const auto contracted = [](const std::optional<ClipAnalysis>& x) {
    return x && x->detection.contraction.peak_frame != x->detection.contraction.rest_frame;
  };
  if (!contracted(a) || !contracted(b)) {
    first_anchors_.reset();
    second_anchors_.reset();
    status_->setText("Not synchronised: a contraction was not found in both clips (see their findings).");
    emit synchronised_changed();
    return;
  }
  first_anchors_ = phase_anchors(a->detection.contraction, first_->frame_count());
  second_anchors_ = phase_anchors(b->detection.contraction, second_->frame_count());
  // Both clips' arrows at one scale, so that longer arrows mean more motion across the panes.
  const double gain = std::min(first_->clips_arrow_gain(), second_->clips_arrow_gain());
  first_->use_arrow_gain(gain);
  second_->use_arrow_gain(gain);
  // The second clip's curves on the first's timeline: each analysed frame at the first's time
  // of the same phase.
  std::vector<double> mapped;
  for (int k : b->kept_frames)
    mapped.push_back(frame_at_same_phase(*second_anchors_, k, *first_anchors_) * first_->frame_time_s());
  plots_->show_analysis(a->detection, first_->analysed_times_s(), first_->frame_time_s());
  QString first_name = clip_label(first_->clip_info(), first_->clip_path());
  QString second_name = clip_label(second_->clip_info(), second_->clip_path());
  if (first_name == second_name) {  // two loops of one series: their files tell them apart
    first_name += " (" + file_name(first_->clip_path()) + ")";
    second_name += " (" + file_name(second_->clip_path()) + ")";
  }
  plots_->show_comparison(b->detection, mapped, first_name, second_name + " (at the same phase)");
  // The anchors the panes are matched on, numbered from 1 as the frame counters and DICOM are.
  const auto number = [](double frame) { return QString::number(std::lround(frame) + 1); };
  const auto& f = first_anchors_->frames;
  const auto& g = second_anchors_->frames;
  status_->setText(QString("Synchronised by contraction phase: onset %1 ↔ %2, peak %3 ↔ %4, release %5 ↔ %6 (frames)")
                       .arg(number(f[1]), number(g[1]), number(f[2]), number(g[2]), number(f[3]), number(g[3])));
  follow(first_, first_->frame());
  emit synchronised_changed();
}

void ComparisonPanel::follow(ReviewPanel* leader, int frame) {
  if (following_ || !synchronised()) return;
  following_ = true;  // the follower's own frame_shown must not lead back
  const bool first_leads = leader == first_;
  ReviewPanel* follower = first_leads ? second_ : first_;
  const PhaseAnchors& from = first_leads ? *first_anchors_ : *second_anchors_;
  const PhaseAnchors& to = first_leads ? *second_anchors_ : *first_anchors_;
  if (follower->playing()) follower->toggle_play();  // one clip plays; the other follows it
  follower->show_frame(int(std::lround(frame_at_same_phase(from, frame, to))));
  const double first_frame = first_leads ? frame : frame_at_same_phase(from, frame, to);
  plots_->set_cursor_s(first_frame * first_->frame_time_s());
  following_ = false;
}

std::vector<std::pair<QString, QString>> ComparisonPanel::clips_of_same_patient() const {
  std::vector<std::pair<QString, QString>> clips;
  const dicom::DicomClipInfo& first = first_->clip_info();
  if (first_->clip_path().isEmpty() || first.patient_id.empty()) return clips;
  try {
    const dicom::StudyStore store(network_settings(host_).study_store_directory);
    for (const auto& study : store.studies()) {
      if (study.patient_id != first.patient_id || !same_person(study.patient_name, first.patient_name)) continue;
      for (const auto& series : store.series(study.study_instance_uid))
        for (const auto& i : store.instances(series.series_instance_uid)) {
          if (i.frames < 2 || i.sop_instance_uid == first.sop_instance_uid || is_secondary_capture(i.sop_class_uid)) continue;
          // The side is the file's (Image Laterality or the series'), not the index's.
          QString side;
          try {
            side = side_of(dicom::read_clip_info(i.path).laterality);
          } catch (const std::exception&) {
            side = "side unknown (the file cannot be read)";
          }
          clips.emplace_back(QString::fromStdString(i.path),
                             (side.isEmpty() ? QString("side not recorded") : side) + "  " +
                                 QString::fromStdString(study.study_date + "  " + study.study_description + "  #" +
                                                        series.series_number + " " + series.series_description + "  (" +
                                                        std::to_string(i.frames) + " frames)"));
        }
    }
  } catch (const std::exception& e) {
    host_.log_warning(std::string("comparison: the study store cannot be read: ") + e.what());
  }
  return clips;
}

void ComparisonPanel::choose_first() {
  const QString file = QFileDialog::getOpenFileName(this, "First clip", {}, "DICOM (*.dcm *.DCM);;All files (*)");
  if (file.isEmpty()) return;
  if (first_->open_clip(file)) status_->setText("Now pick the clip to compare with.");
}

void ComparisonPanel::choose_second() {
  if (first_->clip_path().isEmpty()) return choose_first();
  const auto clips = clips_of_same_patient();
  QString path;
  if (!clips.empty()) {
    QStringList lines;  // numbered: two loops of one series may otherwise read the same
    for (const auto& [p, line] : clips) lines << QString("%1. %2").arg(lines.size() + 1).arg(line);
    lines << "Another file…";
    bool ok = false;
    const QString picked = QInputDialog::getItem(this, "Compare with", "Clips of the same patient in the local store:",
                                                 lines, 0, false, &ok);
    if (!ok) return;
    const int k = int(lines.indexOf(picked));
    if (k >= 0 && k < int(clips.size())) path = clips[std::size_t(k)].first;
  }
  if (path.isEmpty()) path = QFileDialog::getOpenFileName(this, "Compare with", {}, "DICOM (*.dcm *.DCM);;All files (*)");
  if (!path.isEmpty()) open_clips(first_->clip_path(), path);
}

}  // namespace ft::ui
