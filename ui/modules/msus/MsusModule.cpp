#include "MsusModule.h"

#include <QCoreApplication>
#include <QTimer>

#include "ft/ui/ComparisonPanel.h"
#include "ft/ui/ImageView.h"
#include "ft/ui/MsusWorkspace.h"

namespace ft::msus {
namespace {
using fibretrack::module::LogLevel;
constexpr char kId[] = "org.fibretrack.dynamic-msus";

QString q(const std::string& s) { return QString::fromStdString(s); }

ui::WorkspaceHost host_for(fibretrack::module::StationServices& s) {
  ui::WorkspaceHost h;
  h.set_timeline_duration = [&s](double d) { s.timeline().set_duration_s(d); };
  h.set_timeline_cursor = [&s](double t) { s.timeline().set_cursor_s(t); };
  h.follow_timeline_cursor = [&s](std::function<void(double)> f) {
    const int id = s.timeline().subscribe([&s, f] { f(s.timeline().cursor_s()); });
    return std::function<void()>([&s, id] { s.timeline().unsubscribe(id); });
  };
  h.put_findings_on_timeline = [&s](const std::vector<ui::TimelineMark>& marks) {
    s.timeline().remove_events_from(kId);
    std::vector<fibretrack::module::TimelineEvent> events;
    for (const auto& m : marks) events.push_back({kId, "tear_opening", q(m.label), m.time_s});
    s.timeline().add_events(events);
  };
  h.exam = [&s] {
    const auto e = s.exam_context();
    dicom::ExamContext x;
    x.patient_name = e.patient_name.toStdString();
    x.patient_id = e.patient_id.toStdString();
    x.accession_number = e.accession_number.toStdString();
    x.study_instance_uid = e.study_instance_uid.toStdString();
    return x;
  };
  h.set_exam = [&s](const dicom::ExamContext& x) {
    s.set_exam_context({q(x.patient_name), q(x.patient_id), q(x.accession_number), q(x.study_instance_uid)});
  };
  h.log_info = [&s](const std::string& m) { s.log(LogLevel::Info, kId, q(m)); };
  h.log_warning = [&s](const std::string& m) { s.log(LogLevel::Warning, kId, q(m)); };
  h.settings_file = s.settings_file().toStdString();
  h.study_store_dir = s.study_store_directory().toStdString();
  return h;
}

// Station command-line options of this module: --msus-live URI starts the live exam on that
// source; --msus-open CLIP [--msus-analyse] [--msus-zoom F] opens a review instead (zoomed F
// times about the first finding once analysed); --msus-open CLIP --msus-compare OTHER opens
// both side by side in Compare.
void apply_command_line(ui::MsusWorkspace& w) {
  const QStringList args = QCoreApplication::arguments();
  const auto value = [&](const QString& flag) {
    const int i = args.indexOf(flag);
    return i >= 0 && i + 1 < args.size() ? args[i + 1] : QString();
  };
  const QString clip = value("--msus-open"), other = value("--msus-compare");
  if (!clip.isEmpty() && !other.isEmpty()) {
    w.show_comparison();
    w.comparison()->open_clips(clip, other);
  } else if (!clip.isEmpty() && w.review()->open_clip(clip)) {
    w.show_review();
    if (args.contains("--msus-analyse")) w.review()->start_analysis();
    if (const double zoom = value("--msus-zoom").toDouble(); zoom > 0)
      QObject::connect(w.review(), &ui::ReviewPanel::analysis_finished, w.review(), [&w, zoom] {
        ui::ImageView* view = w.review()->image_view();
        const auto& a = w.review()->analysis();
        const QPointF at = a && !a->detection.findings.empty()
                               ? view->widget_at(a->detection.findings.front().centre_col_px, a->detection.findings.front().centre_row_px)
                               : QPointF(view->width() / 2.0, view->height() / 2.0);
        view->zoom_by(zoom, at);
      });
  }
  // Like a scanner, the station opens on live imaging: the first configured source (the
  // simulated probe when no hardware is set up), unless a clip was asked for.
  const QString uri = value("--msus-live");
  if (!uri.isEmpty() || value("--msus-open").isEmpty()) {
    if (!uri.isEmpty()) w.live()->set_source(uri);
    w.show_live();
    QTimer::singleShot(0, w.live(), [&w] { w.live()->start(false); });
  }
}

}  // namespace

QWidget* MsusModule::create_view(QWidget* parent) {
  workspace_ = new ui::MsusWorkspace(host_for(*services_), parent);
  apply_command_line(*workspace_);
  return workspace_;
}

void MsusModule::shutdown() {
  if (workspace_) workspace_->shutdown();
}

}  // namespace ft::msus
