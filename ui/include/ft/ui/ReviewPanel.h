#pragma once
// Cine review of a DICOM clip: playback with a scrubber, frame stepping and speed; the
// overlays of a fresh analysis (run in the background, with progress and cancel);
// strain-time and gap-time plots linked to the frame; calipers in mm; window/level;
// export of the report objects, sending to PACS through the outbox, de-identified export.
#include <QFutureWatcher>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QTimer>
#include <atomic>
#include <memory>
#include <optional>

#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/PresentationStateReader.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/ui/ExamPlots.h"
#include "ft/ui/FindingsPanel.h"
#include "ft/ui/ImageView.h"
#include "ft/ui/Outcome.h"
#include "ft/ui/OverlayControls.h"
#include "ft/ui/WorkspaceHost.h"

QT_BEGIN_NAMESPACE
class QDoubleSpinBox;
QT_END_NAMESPACE

namespace ft::dicom {
class DicomClipReader;
}

namespace ft::ui {

// An analysis result and the job that made it (results of jobs for a clip no longer shown
// are dropped).
struct AnalysisOutcome {
  int job = 0;
  Outcome<ClipAnalysis> outcome;
};

class ReviewPanel : public QWidget {
  Q_OBJECT
 public:
  ReviewPanel(WorkspaceHost& host, QWidget* parent = nullptr);
  ~ReviewPanel() override;

  // Opens a clip; false (with the reason shown and logged) when it cannot be read.
  Q_INVOKABLE bool open_clip(const QString& path);  // invokable: callable across module boundaries
  void show_frame(int frame);
  void step(int delta) { show_frame(frame_ + delta); }
  void toggle_play();
  void start_analysis();
  void cancel_analysis();  // and a running send (the Cancel button)
  void add_caliper(double x0_px, double y0_px, double x1_px, double y1_px);
  // Export into `directory`: report objects (and burned-in capture). Returns the files.
  std::vector<std::string> export_objects(const QString& directory);
  // Queues the clip and its report objects for `node` and sends them in the background;
  // Cancel stops after the current object (the rest stays in the outbox).
  void send_to(const QString& node);
  // A de-identified copy into `directory`/<study>/<instance>.dcm, keyed with the site key.
  bool export_deidentified(const QString& directory);
  QString last_deidentified() const { return last_deidentified_; }
  // Shows the findings of a stored FibreTrack measurement report over the clip.
  bool load_report(const QString& sr_path);
  // Shows the graphics and text of a presentation state that references the clip.
  bool load_presentation_state(const QString& pr_path);
  int presentation_annotations() const { return presentation_ ? int(presentation_->annotations.size()) : 0; }
  const std::optional<DetectionResult>& stored_result() const { return stored_; }

  Q_INVOKABLE int frame() const { return frame_; }
  int frame_count() const { return info_.frames; }
  bool playing() const { return play_timer_.isActive(); }
  bool analysing() const { return analysis_running_; }
  const std::optional<ClipAnalysis>& analysis() const { return analysis_; }
  const std::vector<Caliper>& calipers() const { return calipers_; }
  QString send_summary() const { return send_summary_; }
  ImageView* image_view() const { return view_; }
  FindingsPanel* findings() const { return findings_; }
  ExamPlots* plots() const { return plots_; }
  QString clip_path() const { return path_; }
  const dicom::DicomClipInfo& clip_info() const { return info_; }
  double frame_time_s() const;
  // Clip times of the analysed frames (grabber repeats dropped from the analysis skipped).
  std::vector<double> analysed_times_s() const;
  // The arrows' gain drawn now, and the clip's own (clip_arrow_gain, found once when the
  // analysis ends: it reads every frame); a comparison draws both clips' arrows at one scale,
  // the lesser of their own.
  double arrow_gain() const;
  double clips_arrow_gain() const { return clips_arrow_gain_; }
  void use_arrow_gain(double gain);

 signals:
  void analysis_finished();
  void frame_shown(int frame);
  void clip_opened();  // whoever moved it: playback, the scrubber, a click, a call
  void send_finished();

 private:
  void build();
  void render();
  void on_view_clicked(double x, double y);
  void on_analysis_done();
  void on_send_done();
  void choose_and_open();
  void choose_and_export();
  void choose_and_send();
  void choose_and_deidentify();
  void choose_and_load_report();
  bool burn_in_fits() const;

  WorkspaceHost& host_;
  QString path_;
  std::unique_ptr<dicom::DicomClipReader> reader_;  // GUI thread only
  dicom::DicomClipInfo info_;
  int frame_ = 0;
  double clips_arrow_gain_ = kMaxArrowGain;  // of analysis_
  std::optional<ClipAnalysis> analysis_;
  std::optional<DetectionResult> stored_;  // from a measurement report, until analysed again
  std::optional<dicom::PresentationAnnotations> presentation_;
  std::vector<Caliper> calipers_;
  std::optional<std::pair<double, double>> caliper_start_;
  QString send_summary_;
  QString last_deidentified_;  // where the last de-identified copy went (named by its new UIDs)

  ImageView* view_ = nullptr;
  OverlayControls* overlays_ = nullptr;
  FindingsPanel* findings_ = nullptr;
  ExamPlots* plots_ = nullptr;
  QSlider* scrubber_ = nullptr;
  QLabel* frame_label_ = nullptr;
  QDoubleSpinBox* speed_ = nullptr;
  QPushButton* play_ = nullptr;
  QPushButton* analyse_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* caliper_ = nullptr;
  QProgressBar* progress_ = nullptr;  // the analysis's frames, or a send's objects
  QLabel* status_ = nullptr;          // the last send's outcome (sent, or waiting in the outbox)
  QTimer play_timer_;
  QTimer progress_timer_;

  QFutureWatcher<AnalysisOutcome> watcher_;
  int analysis_job_ = 0;  // the job whose result may be shown
  std::shared_ptr<std::atomic<bool>> cancel_flag_;
  std::shared_ptr<std::atomic<bool>> send_cancel_;
  std::shared_ptr<std::atomic<int>> frames_done_;
  QFutureWatcher<QString> send_watcher_;
  bool following_cursor_ = false;
  bool analysis_running_ = false;  // until its result is shown
  std::function<void()> unfollow_cursor_;
};

}  // namespace ft::ui
