#pragma once
// Runs a live session's window evaluations on a thread of its own, so that tracking never
// waits for the detector (one evaluation costs about a second of CPU; a frame's tracking
// tens of ms). Of each window only the newest evaluation waits: it reads the window to a
// later frame than the one it replaces. A window's last one is not replaced by the next
// window's (which reads only the new window's frames), but at most two windows wait: when
// the detector falls further behind, the oldest is dropped (findings stay current, and
// memory bounded: each waiting evaluation holds its window's frames). Windows run in order,
// each window's evaluations one after another, as WindowEvaluation requires.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ft/plugin/WindowEvaluation.h"

namespace ft {

class EvaluationWorker {
 public:
  using Clock = std::chrono::steady_clock;
  // Runs one evaluation (WindowEvaluation::run; tests give their own).
  using Run = std::function<DetectionResult(WindowEvaluation&)>;
  // Called on the worker's thread after each evaluation: its findings, or why it failed
  // (then no result), and when the newest frame it read had arrived.
  using Done = std::function<void(std::optional<DetectionResult> result, const std::string& error, Clock::time_point arrived)>;
  static constexpr std::size_t kMaxWaiting = 2;
  // How much lower the detector's thread runs than the thread that made the worker (nice
  // steps: at 5 it gets about a quarter of a core that tracking also wants; at 10, measured
  // with bench_ingest, findings came twice as late and tracking kept up no better).
  static constexpr int kNiceAboveTracking = 5;

  EvaluationWorker(Run run, Done done);
  ~EvaluationWorker();
  EvaluationWorker(const EvaluationWorker&) = delete;
  EvaluationWorker& operator=(const EvaluationWorker&) = delete;

  // Queues the evaluation of the window that started at stream frame `window`; returns
  // how many evaluations will not run because of it (one of the same window it replaced,
  // the oldest window's when too many wait, or itself once stopping).
  int submit(WindowEvaluation evaluation, long window, Clock::time_point arrived);
  // Drops every evaluation waiting (the analysis has stopped); returns how many.
  int drop_waiting();
  // Whether an evaluation is running or waiting.
  bool busy();
  // Ends the session: the evaluation running finishes, then the waiting ones when
  // `run_waiting` (a replayed clip that has ended is analysed to its end), and the thread
  // ends; returns how many waiting evaluations were dropped. request_stop() says so without
  // waiting, join() waits for the thread; stop() does both. Call them from one thread.
  int request_stop(bool run_waiting = false);
  void join();
  int stop(bool run_waiting = false);

 private:
  struct Waiting {
    WindowEvaluation evaluation;
    long window = 0;
    Clock::time_point arrived;
  };
  void work();
  static void lower_priority();
  void finish(Waiting& next);

  Run run_;
  Done done_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Waiting> waiting_;  // at most one per window, oldest window first
  bool stopping_ = false;
  bool run_waiting_ = false;  // when stopping
  bool running_ = false;      // an evaluation is being run
  std::thread thread_;  // last: started when the rest is ready
};

}  // namespace ft
