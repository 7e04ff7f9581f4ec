#include "ft/plugin/LivePipeline.h"

#include <algorithm>
#include <cmath>

#include "EvaluationWorker.h"
#include "FrameDifference.h"
#include "LiveGridPolicy.h"
#include "WindowProgress.h"
#include "ft/core/Error.h"

namespace ft {
namespace {

double percentile(std::deque<double> v, double p) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[std::size_t(std::clamp(p, 0.0, 1.0) * double(v.size() - 1))];
}

// The last 1000 values: percentiles of the recent session, in bounded memory.
void keep_recent(std::deque<double>& v, double value) {
  v.push_back(value);
  if (v.size() > 1000) v.pop_front();
}

}  // namespace

LivePipeline::LivePipeline(std::unique_ptr<FrameSource> source, LiveSettings settings, std::size_t queue_capacity)
    : source_(std::move(source)), settings_(settings), capacity_(std::max<std::size_t>(2, queue_capacity)) {
  const StreamInfo info = source_->stream_info();
  if (auto r = choose_tissue_region(info.regions)) region_ = *r;
  else throw Error(ErrorCode::InvalidArgument, "live source gives no image region: " + info.description);
  monitor_ = std::make_unique<LiveTearMonitor>(region_, settings_);
  grid_ = std::make_unique<LiveGridPolicy>(settings_.analysis.grid_mm, settings_.coarsest_grid_mm);
  stats_.grid_mm = stats_.asked_grid_mm = settings_.analysis.grid_mm;
  if (info.nominal_frame_rate_hz > 0) nominal_period_ns_ = 1e9 / info.nominal_frame_rate_hz;
}

void LivePipeline::record_to(const std::string& directory) { journal_dir_ = directory; }

// Acquisition times must go forward, at roughly the stated rate (a gap of more than
// five periods or an implausibly short one is flagged, not corrected).
void LivePipeline::check_timestamp(const Frame& frame) {
  if (last_time_ns_ != 0) {
    const double gap = double(frame.acquisition_time_ns - last_time_ns_);
    const bool backwards = gap <= 0;
    const bool off_rate = nominal_period_ns_ > 0 && (gap > 5 * nominal_period_ns_ || gap < 0.05 * nominal_period_ns_);
    if (backwards || off_rate) ++stats_.timestamp_anomalies;
  }
  last_time_ns_ = frame.acquisition_time_ns;
}

LivePipeline::~LivePipeline() { stop(); }

void LivePipeline::start() {
  // Once: the monitor's window, the counters and an analysis error belong to one session.
  if (started_once_) throw Error(ErrorCode::InvalidArgument, "a live pipeline is started once; make a new one");
  started_once_ = true;
  started_ = std::chrono::steady_clock::now();
  stopping_ = false;
  evaluator_ = std::make_unique<EvaluationWorker>(
      [](WindowEvaluation& e) { return e.run(); },
      [this](std::optional<DetectionResult> result, const std::string& error, EvaluationWorker::Clock::time_point arrived) {
        on_evaluated(std::move(result), error, arrived);
      });
  worker_ = std::thread([this] { process(); });
  source_->start([this](Frame&& f) { on_frame(std::move(f)); });
}

void LivePipeline::stop(bool analyse_to_end) {
  if (!worker_.joinable()) return;
  const bool replay_ended = analyse_to_end && source_->status().state == SourceState::Finished;
  source_->stop();
  if (journal_) journal_->close();
  {
    // Under the lock: set between process()'s check and its wait, the wake-up would be lost.
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();  // the queued frames are tracked first
  bool run_waiting = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    run_waiting = replay_ended && analysis_error_.empty();
  }
  int dropped = 0;
  if (run_waiting) {
    // The processing thread has ended (joined): the monitor is this thread's now.
    if (std::optional<WindowEvaluation> last = monitor_->evaluation_at_end())
      dropped += hand_over(std::move(*last), std::chrono::steady_clock::now());
  }
  dropped += evaluator_->stop(run_waiting);  // not under mutex_: the evaluation running takes it
  count_dropped_evaluations(dropped);
}

int LivePipeline::hand_over(WindowEvaluation&& evaluation, std::chrono::steady_clock::time_point arrived) {
  const long window = evaluation.window_start();  // read before the evaluation is moved away
  return evaluator_->submit(std::move(evaluation), window, arrived);
}

void LivePipeline::count_dropped_evaluations(int count) {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.evaluations_dropped += count;
}

// Tracking or detection failed: no findings are made any more, and none from before stay
// on show as if current; the evaluations waiting are not run.
void LivePipeline::stop_analysis(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!analysis_error_.empty()) return;
    analysis_error_ = why;
    results_.clear();
    followed_.reset();
  }
  count_dropped_evaluations(evaluator_->drop_waiting());  // never under mutex_ (see stop())
}

// On the detection thread, after each evaluation.
void LivePipeline::on_evaluated(std::optional<DetectionResult> result, const std::string& error,
                                std::chrono::steady_clock::time_point arrived) {
  const double latency = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - arrived).count();
  if (!error.empty()) {
    // As a tracking error: the analysis cannot go on; say why once, keep recording.
    stop_analysis(error);
    count_dropped_evaluations(1);  // due, and published nothing
    return;
  }
  // What the processing thread needs to follow the findings: not the evidence maps.
  auto followed = std::make_shared<DetectionResult>();
  followed->findings = result->findings;
  followed->motion_frame0 = result->motion_frame0;
  followed->calibrated = result->calibrated;
  followed->mm_per_px_x = result->mm_per_px_x;
  followed->mm_per_px_y = result->mm_per_px_y;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!analysis_error_.empty()) {  // ran while the analysis stopped: not shown as current
    ++stats_.evaluations_dropped;
    return;
  }
  ++stats_.evaluations;
  followed_ = std::move(followed);
  keep_recent(findings_latencies_ms_, latency);
  last_findings_latency_ms_ = latency;
  // In order, none overwritten before it is taken (a window's last evaluation, which read
  // the whole window, and the next window's first often end one after the other).
  results_.push_back(std::move(*result));
  if (results_.size() > kMaxResultsKept) results_.pop_front();
}

// Runs on the source's thread: never blocks on the analysis.
void LivePipeline::on_frame(Frame&& frame) {
  if (!journal_dir_.empty() && recording_error_.empty()) try {
    if (!journal_) {
      JournalHeader h;
      h.width_px = frame.width_px();
      h.height_px = frame.height_px();
      h.depth = frame.depth();
      h.frame_time_ms = nominal_period_ns_ > 0 ? nominal_period_ns_ / 1e6 : 0.0;
      h.regions = {region_};
      h.source.source_uri = source_->uri();
      h.source.manufacturer = "FibreTrack";
      journal_ = std::make_unique<FrameJournalWriter>(journal_dir_, h);
    }
    journal_->append(frame);
  } catch (const Error& e) {
    // E.g. disk full: the journal keeps every frame written so far; say so, keep analysing.
    std::lock_guard<std::mutex> lock(mutex_);
    recording_error_ = e.what();
  }
  // Repeats are told apart here, as they arrive, not when the analysis gets to them: a
  // repeat dropped from a full queue would otherwise count as a scanner frame skipped.
  const bool repeat = is_repeat(frame);
  if (!repeat) last_new_ = frame;
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.frames_in;
  if (journal_) stats_.recorded = journal_->frames_written();
  check_timestamp(frame);
  if (repeat) {
    ++stats_.repeats;
    return;
  }
  if (queue_.size() >= capacity_) {
    queue_.pop_front();
    ++stats_.skipped;
  }
  queue_.push_back({std::move(frame), std::chrono::steady_clock::now()});
  wake_.notify_one();
}

// A repeat changes far less than the stream's typical new frame (as ClipAnalysis's
// distinct_frames() judges recorded clips). Live adds two rules a recording does not
// need: until a few new frames show the typical change, a change within a grabber's own
// noise is a repeat; and a long run of near-repeats is a still probe, not a grabber.
bool LivePipeline::is_repeat(const Frame& frame) {
  if (last_new_.empty() || last_new_.width_px() != frame.width_px() || last_new_.height_px() != frame.height_px()) return false;
  // A region that misses the frame (a calibration saved at another resolution) would
  // compare nothing and call every frame a repeat: compare the whole frame then.
  PixelRect compared = region_.bounds.intersected(PixelRect{0, 0, frame.width_px() - 1, frame.height_px() - 1});
  if (compared.empty()) compared = PixelRect{0, 0, frame.width_px() - 1, frame.height_px() - 1};
  const double change = mean_abs_difference(last_new_, frame, compared, 3);
  if (change < 1e-3) return true;  // the very same image (a grabber's copy, a frozen scanner)
  std::vector<double> sorted = recent_changes_;
  std::sort(sorted.begin(), sorted.end());
  constexpr std::size_t kFramesToJudge = 4;
  constexpr double kGrabberNoiseGrey = 1.0;  // mean |difference| a re-grabbed frame shows
  const bool looks_repeated =
      sorted.size() < kFramesToJudge ? change < kGrabberNoiseGrey : change < 0.2 * sorted[sorted.size() * 3 / 4];
  // A grabber shows a scanner frame a few times (3 times for 20 frames/s grabbed at 61),
  // never more than the capture rate over the slowest scanner's rate: a longer run is a
  // probe held still, whose frames are new (they keep the live view and the tracking
  // going) however little they change.
  constexpr double kSlowestScannerFps = 5.0;
  const double capture_fps = nominal_period_ns_ > 0 ? 1e9 / nominal_period_ns_ : 60.0;
  const int longest_run = std::max(6, int(std::ceil(capture_fps / kSlowestScannerFps)) - 1);
  const bool repeat = looks_repeated && repeats_in_a_row_ < longest_run;
  repeats_in_a_row_ = repeat ? repeats_in_a_row_ + 1 : 0;
  // Only changes judged new on their merits set what "typical" is: a still probe's
  // frames, taken as new by the run rule, would pull it down to the grabber's noise.
  if (!looks_repeated) {
    recent_changes_.push_back(change);
    if (recent_changes_.size() > 64) recent_changes_.erase(recent_changes_.begin());
  }
  return repeat;
}

void LivePipeline::process() {
  for (;;) {
    Arrival next;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!analysis_error_.empty()) {
        ++stats_.skipped;
        continue;
      }
    }
    std::optional<WindowEvaluation> due;
    double pause_ms = 0;  // after this frame is published (see leave_time_for_the_detector)
    try {
      if (!monitor_->window_full() && behind_early_in_window(waited_in_window_ms(next.at))) end_window_early(next.at);
      const bool starts_window = monitor_->window_full();
      if (starts_window) choose_grid();
      const auto began = std::chrono::steady_clock::now();
      due = monitor_->track_frame(next.frame);
      // A window is judged from after its first frame: building its tracker, the image
      // search and the held frames tracked with it are one-off costs (and the frames they
      // made wait or skip say nothing about whether this grid keeps up).
      const double tracking_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
      if (starts_window) {
        begin_window();
      } else {
        window_tracking_ms_ += tracking_ms;
        pause_ms = kPauseShareOfTracking * tracking_ms;  // not after a window's one-off costs
      }
    } catch (const std::exception& e) {
      // The analysis cannot go on (a GPU asked for by name that fails, a stream that changed
      // beyond what it handles): say why once, keep recording, never take the process down.
      stop_analysis(e.what());
      std::lock_guard<std::mutex> lock(mutex_);
      ++stats_.skipped;
      continue;
    }
    const int dropped = due ? hand_over(std::move(*due), next.at) : 0;
    LiveView view{std::move(next.frame), monitor_->latest_field(), monitor_->mm_per_px_x(), monitor_->mm_per_px_y(), 0,
                  monitor_->latest_field().size() > 0 ? monitor_->region() : region_, {}};
    follow_findings(view);
    const double latency =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - next.at).count();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (view.findings_now.any_followed()) {
        ++stats_.followed;
        keep_recent(followed_latencies_ms_, latency);
      }
      view.processed_index = stats_.processed;
      view_ = std::move(view);
      ++stats_.processed;
      if (monitor_->grid_mm() != stats_.grid_mm) ++stats_.grid_changes;
      stats_.grid_mm = monitor_->grid_mm();
      stats_.evaluations_dropped += dropped;
      keep_recent(latencies_ms_, latency);
    }
    if (pause_ms > 0) leave_time_for_the_detector(pause_ms);
  }
}

// On the processing thread.
void LivePipeline::follow_findings(LiveView& view) {
  std::shared_ptr<const DetectionResult> evaluated;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    evaluated = followed_;
  }
  if (evaluated) view.findings_now = monitor_->findings_on_newest_frame(*evaluated);
}

void LivePipeline::choose_grid() {
  if (window_began_ == std::chrono::steady_clock::time_point{}) return;  // no window measured yet
  long skipped = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    skipped = stats_.skipped;
  }
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - window_began_).count();
  monitor_->set_grid_mm(grid_->window_ended(window_tracking_ms_, elapsed_ms, skipped - skipped_before_window_, lagged_in_window_));
}

void LivePipeline::begin_window() {
  window_began_ = std::chrono::steady_clock::now();
  window_tracking_ms_ = 0;
  lagged_in_window_ = false;
  std::lock_guard<std::mutex> lock(mutex_);
  skipped_before_window_ = stats_.skipped;
  queued_fewest_in_window_ = queue_.size();
}

// Tracking that cannot keep up even at the coarsest spacing would take every cycle the
// detector's lower priority leaves it, and the findings would come about 12 s late
// (bench_ingest, 1024 x 768 at 30 frames/s on 2 cores) for frames that are skipped anyway.
// While the newest findings came more than kFindingsLateMs late and the detector has an
// evaluation running or waiting, tracking pauses after each frame for half its tracking
// time: more frames are skipped, and the detector gets the CPU (findings about 5 s late
// there). Frames go on being recorded and counted meanwhile; a stop ends a pause.
void LivePipeline::leave_time_for_the_detector(double pause_ms) {
  if (!evaluator_->busy()) return;  // the CPU freed would serve nobody
  std::unique_lock<std::mutex> lock(mutex_);
  if (last_findings_latency_ms_ <= kFindingsLateMs) return;
  wake_.wait_for(lock, std::chrono::duration<double, std::milli>(pause_ms), [this] { return bool(stopping_); });
}

// Only before the window's first evaluation: a window cut short later would have its
// evaluations, and the evaluation of the full window before it waiting behind them, dropped.
// The session's first window has no window before it: it may end early anywhere (skips and
// lag come a second or more into it, once the detector's first evaluations share the CPU).
// Lag anywhere in a window is noted for the grid policy, as a skip anywhere is.
bool LivePipeline::behind_early_in_window(double waited_ms) {
  if (grid_->at_coarsest() || window_began_ == std::chrono::steady_clock::time_point{}) return false;
  WindowProgress p;
  p.frames_in_window = monitor_->frames_seen() - monitor_->window_start();
  p.judged_frames = monitor_->window_start() == 0 ? settings_.window_frames : settings_.update_every;
  p.waited_ms = waited_ms;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    p.skipped = stats_.skipped - skipped_before_window_;
    p.queued = queue_.size();
  }
  queued_fewest_in_window_ = std::min(queued_fewest_in_window_, p.queued);
  p.queued_fewest = queued_fewest_in_window_;
  lagged_in_window_ = lagged_in_window_ || window_lagging(p, settings_.lag_limit_ms);
  return window_ends_early(p, settings_.lag_limit_ms);
}

// A window that has had evaluations has its frames after the last one evaluated with it
// before it ends (the evaluation replaces the window's one waiting, if any), so that none
// goes unread. One cut before its first evaluation (a few frames at the session's start,
// where the CPU is short already) is not evaluated: a full evaluation for a few frames.
void LivePipeline::end_window_early(std::chrono::steady_clock::time_point arrived) {
  const bool evaluated_before = monitor_->frames_seen() - monitor_->window_start() > settings_.update_every;
  if (evaluated_before)
    if (std::optional<WindowEvaluation> last = monitor_->evaluation_at_end()) count_dropped_evaluations(hand_over(std::move(*last), arrived));
  monitor_->end_window();
}

// How long a frame that arrived at `arrived` has waited to be tracked, counted from no
// earlier than when the current window's first frame was tracked.
double LivePipeline::waited_in_window_ms(std::chrono::steady_clock::time_point arrived) const {
  const auto from = std::max(arrived, window_began_);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - from).count();
}

std::optional<LiveView> LivePipeline::take_view() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<LiveView> v;
  v.swap(view_);
  return v;
}

LiveStats LivePipeline::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  LiveStats s = stats_;
  s.dropped = long(source_->status().frames_dropped);
  s.recording_error = recording_error_;
  s.analysis_error = analysis_error_;
  s.latency_p50_ms = percentile(latencies_ms_, 0.5);
  s.latency_p99_ms = percentile(latencies_ms_, 0.99);
  s.findings_latency_p50_ms = percentile(findings_latencies_ms_, 0.5);
  s.findings_latency_p99_ms = percentile(findings_latencies_ms_, 0.99);
  s.followed_latency_p50_ms = percentile(followed_latencies_ms_, 0.5);
  s.followed_latency_p99_ms = percentile(followed_latencies_ms_, 0.99);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  s.scanner_fps = s.seconds > 0 ? double(s.frames_in - s.repeats) / s.seconds : 0.0;
  return s;
}

std::vector<DetectionResult> LivePipeline::take_results() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<DetectionResult> r(std::make_move_iterator(results_.begin()), std::make_move_iterator(results_.end()));
  results_.clear();
  return r;
}

}  // namespace ft
