#pragma once
// The live exam: a source picker (the URIs of the ingestion pipeline; the simulated probe
// by default), start / freeze / record, the live B-mode with overlays, the findings as
// they change, and the operator's counters (frames per second, latency, skipped, dropped).
#include <QComboBox>
#include <QFutureWatcher>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <memory>

#include "ft/plugin/LivePipeline.h"
#include "ft/plugin/MuscleStrain.h"
#include "ft/plugin/SessionFindings.h"
#include "ft/ui/FindingsPanel.h"
#include "ft/ui/ImageView.h"
#include "ft/ui/Outcome.h"
#include "ft/ui/OverlayControls.h"
#include "ft/ui/WorkspaceHost.h"

namespace ft::ui {

// A recording written as a DICOM clip.
struct SavedRecording {
  QString clip;            // the first object (the only one unless the recording was split)
  std::size_t frames = 0;  // in all of them
  std::size_t objects = 1; // consecutive objects of one series, CLIP-part1.dcm ...
};

class LivePanel : public QWidget {
  Q_OBJECT
 public:
  LivePanel(WorkspaceHost& host, QWidget* parent = nullptr);
  ~LivePanel() override;

  // Connects to the source in the picker in the background, then runs it (recording to a
  // journal when `record`); running() once connected, a message when it cannot be.
  bool start(bool record = false);
  void stop();
  void toggle_freeze();
  void toggle_record();
  void set_source(const QString& uri);
  // Re-reads the viewer settings: the sources offered and the tracking preset.
  void reload_settings();

  bool running() const { return pipeline_ != nullptr; }
  bool connecting() const { return connecting_; }
  bool frozen() const { return frozen_; }
  const DetectionResult& latest() const { return latest_; }
  const SessionFindings& session() const { return session_; }
  long frames_shown() const { return frames_shown_; }
  QString counters_text() const { return counters_->text(); }
  // The newest evaluation's findings read on the frame shown (empty when none is followed).
  QString gap_now_text() const { return gap_now_->text(); }
  QString last_recording() const { return last_recording_; }
  QString last_recording_in_progress() const { return journal_dir_; }  // empty when not recording
  ImageView* image_view() const { return view_; }
  FindingsPanel* findings() const { return findings_; }

 signals:
  void recording_saved(const QString& path);

 private:
  void on_connected(Outcome<std::shared_ptr<LivePipeline>> connected);
  void poll();
  void show_view(const LiveView& view);
  void show_gap_now(const FollowedFindings& now);
  void finish_recording();
  void on_recording_saved();

  WorkspaceHost& host_;
  std::shared_ptr<LivePipeline> pipeline_;  // shared: made on a worker thread, handed over
  bool connecting_ = false;
  bool pending_record_ = false;
  int start_attempt_ = 0;
  QString journal_dir_;
  QString last_recording_;
  DetectionResult latest_;
  SessionFindings session_;  // the strongest finding of each place since Start
  Muscle muscle_;            // the compartments last found; the strain layer is drawn over them
  std::optional<LiveView> last_view_;
  bool frozen_ = false;
  bool recording_failed_ = false;
  bool analysis_failed_ = false;  // said once in the log, shown in the counters while live
  dicom::ExamContext recording_exam_;
  UltrasoundRegion region_;
  long frames_shown_ = 0;

  QComboBox* source_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* freeze_ = nullptr;
  QPushButton* record_ = nullptr;
  QLabel* counters_ = nullptr;
  QLabel* gap_now_ = nullptr;  // the findings' gap on the frame shown, between evaluations
  ImageView* view_ = nullptr;
  OverlayControls* overlays_ = nullptr;
  FindingsPanel* findings_ = nullptr;
  QTimer poll_timer_;
  QFutureWatcher<Outcome<SavedRecording>> saving_;
};

}  // namespace ft::ui
