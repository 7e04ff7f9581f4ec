#pragma once
// Live analysis: the source's thread records every frame, tells a grabber's repeats
// (a slower scanner's frame grabbed again) from new scanner frames, and queues the new
// ones (a bounded queue: when the analysis falls behind, the oldest waiting frames are
// skipped, counted, and the acquisition never waits); one processing thread tracks every
// frame (LiveTearMonitor) and hands the evaluations due to a detection thread
// (EvaluationWorker): tracking never waits for a re-evaluation of the findings. Counters
// and latencies are kept for the operator; the results are taken in order (`fibretrack
// live` prints each change, the station shows the newest).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ft/plugin/FrameJournal.h"
#include "ft/plugin/LiveTearMonitor.h"
#include "ft/probes/FrameSource.h"

namespace ft {

class EvaluationWorker;
class LiveGridPolicy;

struct LiveStats {
  long frames_in = 0;        // delivered by the source
  long processed = 0;        // tracked: its motion is in what the detector reads
  long skipped = 0;          // new scanner frames not analysed: the analysis was behind (or had stopped)
  long repeats = 0;          // the previous scanner frame again (frame grabber faster than the scanner)
  long dropped = 0;          // lost inside the source (as it reports)
  long recorded = 0;         // written to the recording journal (every frame in, when recording)
  long timestamp_anomalies = 0;  // acquisition times going backwards or far off the stated rate
  std::string recording_error;   // why recording stopped (e.g. disk full); the journal so far is kept
  std::string analysis_error;    // why live analysis stopped (e.g. --backend cuda without a GPU);
                                 // recording and counting go on, later frames count as skipped
  double latency_p50_ms = 0;  // arrival -> tracked (the live view and its motion up to date)
  double latency_p99_ms = 0;
  long evaluations = 0;  // detector runs whose findings were published
  // Evaluations due that published nothing: replaced while waiting by a newer one of the same
  // window (the detector was busy), the oldest window's when two more waited, waiting or
  // running when the analysis stopped, or waiting when a live session stopped.
  long evaluations_dropped = 0;
  // Newest frame an evaluation read: arrival -> its findings (of evaluations that ran; the
  // findings shown can be older while evaluations wait).
  double findings_latency_p50_ms = 0;
  double findings_latency_p99_ms = 0;
  // Tracked frames on which a finding of the newest evaluation was read again (GapFollower:
  // its gap now, while the next evaluation runs), and arrival -> that reading, published with
  // the frame (LiveView::findings_now). Frames of a window before its first evaluation ran,
  // while no finding was made, or where the muscle around the gap could not be measured, are
  // not followed.
  long followed = 0;
  double followed_latency_p50_ms = 0;
  double followed_latency_p99_ms = 0;
  double scanner_fps = 0;     // rate of new (non-repeated) frames over the session
  // Spacing of the points tracked now: LiveSettings::analysis.grid_mm, or coarser while this
  // computer cannot track every new frame at it (LiveGridPolicy).
  double grid_mm = 0;
  double asked_grid_mm = 0;  // LiveSettings::analysis.grid_mm
  long grid_changes = 0;     // windows whose spacing differed from the window's before
  double seconds = 0;
};

// The newest analysed frame with its motion, for the live display.
struct LiveView {
  Frame frame;
  DisplacementField field;  // cumulative since the monitor's window started
  double mm_per_px_x = 0.0;
  double mm_per_px_y = 0.0;
  long processed_index = 0;
  // The image area analysed: the source's region, or the moving image found in a captured
  // screen without calibration (LiveTearMonitor); the source's until the first frame is tracked.
  UltrasoundRegion region;
  // The newest evaluation's findings on this frame: their gap, retraction and place now where
  // they could be read on it (LiveTearMonitor::findings_on_newest_frame); none when that
  // evaluation read another window, or before the first evaluation.
  FollowedFindings findings_now;
};

class LivePipeline {
 public:
  LivePipeline(std::unique_ptr<FrameSource> source, LiveSettings settings = {}, std::size_t queue_capacity = 8);
  ~LivePipeline();
  LivePipeline(const LivePipeline&) = delete;
  LivePipeline& operator=(const LivePipeline&) = delete;

  // Journals every arriving frame to `directory` (see FrameJournal), on the source's
  // thread and before anything else: recording never skips. Call before start().
  void record_to(const std::string& directory);
  void start();
  // Ends the session. With `analyse_to_end` (`live` replaying a clip), a replay whose source
  // has finished has its queued frames tracked and its evaluations due run, and one more over
  // the last frames if they came after the last due: the findings then cover the whole clip.
  // Otherwise (the station) what waits is dropped: stop() never waits more than the
  // evaluation running.
  void stop(bool analyse_to_end = false);
  LiveStats stats() const;
  // The detection results not yet taken, oldest first (at most the last kMaxResultsKept).
  std::vector<DetectionResult> take_results();
  static constexpr std::size_t kMaxResultsKept = 16;
  // The newest analysed frame not yet taken, if any.
  std::optional<LiveView> take_view();
  const UltrasoundRegion& region() const { return region_; }
  const FrameSource& source() const { return *source_; }

 private:
  struct Arrival {
    Frame frame;
    std::chrono::steady_clock::time_point at;
  };
  void on_frame(Frame&& frame);
  void process();
  void on_evaluated(std::optional<DetectionResult> result, const std::string& error,
                    std::chrono::steady_clock::time_point arrived);
  void stop_analysis(const std::string& why);
  // Hands an evaluation to the detection thread; returns how many waiting ones it made
  // unnecessary (never under mutex_: see stop()).
  int hand_over(WindowEvaluation&& evaluation, std::chrono::steady_clock::time_point arrived);
  // Evaluations due that will publish nothing (made unnecessary, waiting at a stop, failed).
  void count_dropped_evaluations(int count);
  bool is_repeat(const Frame& frame);
  // The newest evaluation's findings read on the frame just tracked, into `view`.
  void follow_findings(LiveView& view);

  void check_timestamp(const Frame& frame);
  // Before a frame that starts a new window: its grid, from how the last window went.
  void choose_grid();
  // After a window's first frame: its measure starts.
  void begin_window();
  // Pauses tracking while the findings come late (see the .cpp).
  void leave_time_for_the_detector(double pause_ms);
  static constexpr double kFindingsLateMs = 5000;
  static constexpr double kPauseShareOfTracking = 0.5;  // tracking at most two thirds of the time
  // Frames skipped, or lagging (WindowProgress.h; `waited_ms` for the frame about to be
  // tracked), early in a window that a coarser grid could have tracked: rather than skip or
  // lag for the rest of the window (3 s at 30 frames/s), a new one starts coarser now.
  bool behind_early_in_window(double waited_ms);
  double waited_in_window_ms(std::chrono::steady_clock::time_point arrived) const;
  void end_window_early(std::chrono::steady_clock::time_point arrived);

  std::unique_ptr<FrameSource> source_;
  std::string journal_dir_;
  std::unique_ptr<FrameJournalWriter> journal_;  // source thread only
  std::int64_t last_time_ns_ = 0;                // source thread only
  double nominal_period_ns_ = 0;
  LiveSettings settings_;
  std::size_t capacity_;
  std::unique_ptr<LiveTearMonitor> monitor_;  // used by the processing thread only
  UltrasoundRegion region_;
  Frame last_new_;                            // source thread only: the last new scanner frame
  std::vector<double> recent_changes_;        // source thread only
  int repeats_in_a_row_ = 0;                  // source thread only
  // Processing thread only: the current window's tracking time, start, and skips before it.
  std::unique_ptr<LiveGridPolicy> grid_;
  double window_tracking_ms_ = 0;
  std::chrono::steady_clock::time_point window_began_{};
  long skipped_before_window_ = 0;
  std::size_t queued_fewest_in_window_ = 0;  // frames waiting, the fewest since the window began
  bool lagged_in_window_ = false;  // frames lagged in it: the next is coarser, as after a skip

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Arrival> queue_;
  std::deque<double> latencies_ms_;
  std::deque<double> findings_latencies_ms_;
  std::deque<double> followed_latencies_ms_;
  // The newest evaluation's findings (and the frame its motion starts at), read again on each
  // frame tracked after it; set on the detection thread, read on the processing thread.
  std::shared_ptr<const DetectionResult> followed_;
  double last_findings_latency_ms_ = 0;  // of the newest evaluation published
  std::deque<DetectionResult> results_;
  std::optional<LiveView> view_;
  std::string recording_error_;
  std::string analysis_error_;
  LiveStats stats_;
  std::chrono::steady_clock::time_point started_;
  bool started_once_ = false;
  std::atomic<bool> stopping_{false};
  std::thread worker_;
  // Declared last, so destroyed first: its thread's callbacks use the members above.
  std::unique_ptr<EvaluationWorker> evaluator_;  // runs while worker_ does
};

}  // namespace ft
