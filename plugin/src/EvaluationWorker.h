#pragma once
// Runs a live session's window evaluations on a thread of its own, so that tracking never
// waits for the detector (one evaluation costs about a second of CPU; a frame's tracking
// tens of ms). Of each window only the newest evaluation waits: it reads the window to a
// later frame than the one it replaces. The last one of a window is never replaced by the
// next window's (which reads only the new window's frames); windows run in order, each
// window's evaluations one after another, as WindowEvaluation requires.
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

  EvaluationWorker(Run run, Done done);
  ~EvaluationWorker();
  EvaluationWorker(const EvaluationWorker&) = delete;
  EvaluationWorker& operator=(const EvaluationWorker&) = delete;

  // Queues the evaluation of the window that started at stream frame `window`; returns
  // how many waiting evaluations it made unnecessary (0 or 1: the same window's).
  int submit(WindowEvaluation evaluation, long window, Clock::time_point arrived);
  // Finishes the evaluation running and ends the thread; returns how many were still
  // waiting (not run: the session is over).
  int stop();

 private:
  struct Waiting {
    WindowEvaluation evaluation;
    long window = 0;
    Clock::time_point arrived;
  };
  void work();
  void finish(Waiting& next);

  Run run_;
  Done done_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Waiting> waiting_;  // at most one per window, oldest window first
  bool stopping_ = false;
  std::thread thread_;  // last: started when the rest is ready
};

}  // namespace ft
