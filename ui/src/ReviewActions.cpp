// ReviewPanel: the long work (analysis, sending) off the GUI thread, and the exports.
#include <QFileDialog>
#include <QInputDialog>
#include <QMessageBox>
#include <QtConcurrent/QtConcurrent>
#include <filesystem>

#include "ft/core/Error.h"
#include "ft/plugin/ReviewScene.h"
#include "ft/dicom/Deidentifier.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/DicomSettings.h"
#include "ft/dicom/Outbox.h"
#include "ft/dicom/SecondaryCaptureWriter.h"
#include "ft/plugin/ExamExport.h"
#include "ft/ui/ViewerSettings.h"
#include "ft/ui/ReviewPanel.h"

namespace ft::ui {
namespace {

struct Cancelled {};  // thrown out of the frame callback to stop an analysis

AnalysisOutcome analyse_in_background(int job, const std::string& path, AnalysisSettings settings,
                                            std::shared_ptr<std::atomic<bool>> cancel,
                                            std::shared_ptr<std::atomic<int>> frames_done) {
  try {
    dicom::DicomClipReader reader(path);  // this thread's own reader
    const FrameAt frame_at = [&](int k) {
      if (cancel->load()) throw Cancelled{};
      ++*frames_done;
      return reader.read_frame(k);
    };
    return {job, {analyse_clip(reader.info().frames, frame_at, reader.info().analysis_region(), settings), ""}};
  } catch (const Cancelled&) {
    return {job, {std::nullopt, "analysis cancelled"}};
  } catch (const std::exception& e) {
    return {job, {std::nullopt, e.what()}};
  }
}

// Queues every file for `node`, then delivers; what fails stays queued (outbox --retry,
// or the next send). Runs off the GUI thread.
// What one send takes: the clip, and the report objects of its analysis (written first,
// in the same background job: the burned-in capture takes a moment).
struct SendJob {
  std::string clip;
  std::shared_ptr<const ClipAnalysis> analysis;  // its report, state and capture go with the clip
  std::string exports_dir;
  bool burn_in = true;  // false: the clip is too long for one burned-in capture
};

}  // namespace

// The burned-in capture goes with exports and sends when the clip fits one; else the report
// and presentation state go without it, and the log says why.
bool ReviewPanel::burn_in_fits() const {
  if (dicom::burned_in_capture_fits(info_)) return true;
  host_.log_warning("the clip is too long for one burned-in capture (over 4 GiB in colour): the report and "
                    "presentation state go without it");
  return false;
}

namespace {

QString send_in_background(const dicom::DicomSettings& settings, const dicom::DicomNode& node, SendJob job,
                           std::shared_ptr<std::atomic<bool>> cancel, std::shared_ptr<std::atomic<int>> done) {
  try {
    std::vector<std::string> files{job.clip};
    if (job.analysis)
      for (const ExportedObject& o : write_exam_objects(job.clip, *job.analysis, job.exports_dir, job.burn_in))
        files.push_back(o.path);
    dicom::Outbox outbox(settings.outbox_directory);
    std::vector<std::string> ours;  // this send's jobs only: older ones wait for their own retry
    for (const std::string& f : files) ours.push_back(outbox.enqueue(f, node).id);
    const auto left = outbox.deliver_jobs(ours, settings.network, [&](int sent, int) {
      *done = sent;
      return !cancel->load();
    });
    QString summary = QString("%1 object(s) sent to %2").arg(files.size() - std::min(files.size(), left.size())).arg(QString::fromStdString(node.text()));
    if (!left.empty())
      summary += QString("; %1 waiting in the outbox: %2").arg(left.size()).arg(QString::fromStdString(left.front().last_error));
    return summary;
  } catch (const std::exception& e) {
    return QString("not sent: ") + e.what();
  }
}

}  // namespace

void ReviewPanel::start_analysis() {
  if (!reader_ || analysing() || send_watcher_.isRunning()) return;  // one long job at a time
  AnalysisSettings settings;
  try {
    settings = analysis_settings(load_viewer_settings(viewer_settings_file(host_)));
  } catch (const Error& e) {
    host_.log_warning(std::string("viewer settings ignored: ") + e.what());
  }
  analysis_running_ = true;
  cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  frames_done_ = std::make_shared<std::atomic<int>>(0);
  progress_->setRange(0, 3 * info_.frames);  // frames are read about three times (repeats, tracking, detection)
  progress_->setValue(0);
  analyse_->setEnabled(false);
  cancel_->setEnabled(true);
  findings_->show_message("Analysing…");
  progress_timer_.start(100);
  watcher_.setFuture(QtConcurrent::run(analyse_in_background, ++analysis_job_, path_.toStdString(), settings, cancel_flag_,
                                       frames_done_));
}

void ReviewPanel::cancel_analysis() {
  if (cancel_flag_) cancel_flag_->store(true);
  if (send_cancel_) send_cancel_->store(true);
}

void ReviewPanel::on_analysis_done() {
  analysis_running_ = false;
  progress_timer_.stop();
  analyse_->setEnabled(true);
  cancel_->setEnabled(false);
  AnalysisOutcome finished = watcher_.result();
  if (finished.job != analysis_job_) return;  // an analysis of a clip no longer shown
  Outcome<ClipAnalysis>& outcome = finished.outcome;
  if (!outcome.value) {
    progress_->setValue(0);
    findings_->show_message(QString::fromStdString(outcome.error));
    emit analysis_finished();
    return;
  }
  progress_->setValue(progress_->maximum());
  analysis_ = std::move(outcome.value);
  stored_.reset();
  clips_arrow_gain_ = clip_arrow_gain(*analysis_);  // one arrow scale for the clip
  overlays_->set_vector_gain(clips_arrow_gain_);
  findings_->show_result(analysis_->detection, frame_time_s());
  plots_->show_analysis(analysis_->detection, analysed_times_s(), frame_time_s());
  std::vector<TimelineMark> marks;
  for (const TearFinding& f : analysis_->detection.findings)
    marks.push_back({f.frame * frame_time_s(), "tear opens: " + describe_gap(f, analysis_->detection)});  // mm only when calibrated
  for (const TearFinding& layer : analysis_->detection.for_review)
    marks.push_back({layer.frame * frame_time_s(), "for review, not a finding: " + layer_for_review_label(layer.review_reason)});
  host_.put_findings_on_timeline(marks);
  host_.log_info("analysis: " + describe_verdict(analysis_->detection));
  if (!analysis_->detection.findings.empty()) show_frame(analysis_->detection.findings.front().frame);
  else if (!analysis_->detection.for_review.empty()) show_frame(analysis_->detection.for_review.front().frame);
  render();
  emit analysis_finished();
}

std::vector<std::string> ReviewPanel::export_objects(const QString& directory) {
  if (!analysis_) {
    findings_->show_message("Analyse the clip before exporting its report.");
    return {};
  }
  try {
    std::vector<std::string> files;
    for (const ExportedObject& o :
         write_exam_objects(path_.toStdString(), *analysis_, directory.toStdString(), burn_in_fits()))
      files.push_back(o.path);
    host_.log_info(std::to_string(files.size()) + " report object(s) exported");
    return files;
  } catch (const std::exception& e) {
    QMessageBox::warning(this, "Export", QString("Export failed: ") + e.what());
    return {};
  }
}

void ReviewPanel::send_to(const QString& node_text) {
  if (!reader_ || analysing() || send_watcher_.isRunning()) return;
  try {
    const dicom::DicomSettings settings = network_settings(host_);
    const dicom::DicomNode node = dicom::resolve_node(node_text.toStdString(), settings);
    SendJob job{path_.toStdString(), nullptr,
                dicom::default_config_directory() + "/exports/" + std::filesystem::path(path_.toStdString()).stem().string()};
    if (analysis_) job.analysis = std::make_shared<const ClipAnalysis>(*analysis_);
    job.burn_in = burn_in_fits();
    const int objects = 1 + (analysis_ ? (info_.samples_per_pixel == 1 ? 2 : 1) + int(job.burn_in) : 0);  // clip, SR, [PR], [SC]
    send_summary_ = "sending…";
    send_cancel_ = std::make_shared<std::atomic<bool>>(false);
    frames_done_ = std::make_shared<std::atomic<int>>(0);  // here: objects delivered
    progress_->setRange(0, objects);
    progress_->setValue(0);
    progress_timer_.start(100);
    cancel_->setEnabled(true);
    send_watcher_.setFuture(QtConcurrent::run(send_in_background, settings, node, std::move(job), send_cancel_, frames_done_));
  } catch (const std::exception& e) {
    send_summary_ = QString("not sent: ") + e.what();
    emit send_finished();
  }
}

void ReviewPanel::on_send_done() {
  progress_timer_.stop();
  cancel_->setEnabled(false);
  send_summary_ = send_watcher_.result();
  status_->setText(send_summary_);
  host_.log_info(send_summary_.toStdString());
  emit send_finished();
}

bool ReviewPanel::export_deidentified(const QString& directory) {
  if (!reader_) return false;
  try {
    // Named by its new UIDs: the review file's own name often holds the patient's.
    const dicom::DeidentifyReport r = dicom::deidentify_into_folder(
        path_.toStdString(), directory.toStdString(), dicom::SiteKey::load_or_create(dicom::default_site_key_file()));
    last_deidentified_ = QString::fromStdString(r.written_path);
    host_.log_info("de-identified copy written: " + r.written_path);
    return true;
  } catch (const std::exception& e) {
    QMessageBox::warning(this, "De-identified copy", QString("Failed: ") + e.what());
    return false;
  }
}

// The button's export runs in the background (the burned-in capture redraws every frame).
void ReviewPanel::choose_and_export() {
  if (!analysis_) {
    findings_->show_message("Analyse the clip before exporting its report.");
    return;
  }
  const QString dir = QFileDialog::getExistingDirectory(this, "Export the report objects into");
  if (dir.isEmpty()) return;
  status_->setText("exporting…");
  auto* watcher = new QFutureWatcher<QString>(this);
  connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
    status_->setText(watcher->result());
    host_.log_info(watcher->result().toStdString());
    watcher->deleteLater();
  });
  watcher->setFuture(QtConcurrent::run([clip = path_.toStdString(), analysis = std::make_shared<const ClipAnalysis>(*analysis_),
                                        dir, burn_in = burn_in_fits()]() -> QString {
    try {
      return QString("%1 report object(s) written to %2")
          .arg(write_exam_objects(clip, *analysis, dir.toStdString(), burn_in).size())
          .arg(dir);
    } catch (const std::exception& e) {
      return QString("export failed: ") + e.what();
    }
  }));
}

void ReviewPanel::choose_and_send() {
  QStringList nodes;
  try {
    for (const auto& [name, node] : network_settings(host_).nodes) nodes << QString::fromStdString(name);
  } catch (const std::exception&) {
  }
  bool ok = false;
  const QString node = QInputDialog::getItem(this, "Send to PACS", "Node (name, AET@host:port or DICOMweb URL):", nodes, 0, true, &ok);
  if (ok && !node.isEmpty()) send_to(node);
}

void ReviewPanel::choose_and_deidentify() {
  const QString dir = QFileDialog::getExistingDirectory(this, "Write the de-identified copy into");
  if (!dir.isEmpty() && export_deidentified(dir))
    QMessageBox::information(this, "De-identified copy", "Written to " + last_deidentified_);
}

}  // namespace ft::ui
