#pragma once
// Runs a live window's evaluations on a thread of its own, so that tracking never waits
// for the detector (one evaluation costs about a second of CPU; a frame's tracking tens of
// ms). It holds at most one evaluation waiting: a newer one replaces it, since it reads
// the same window to a later frame (or a newer window), and evaluations of one window run
// one after another, as WindowEvaluation requires.
#include <chrono>
#include <condition_variable>
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
  // Called on the worker's thread after each evaluation: its findings, or why it failed
  // (then no result), and when the newest frame it read had arrived.
  using Done = std::function<void(std::optional<DetectionResult> result, const std::string& error, Clock::time_point arrived)>;

  explicit EvaluationWorker(Done done);
  ~EvaluationWorker();
  EvaluationWorker(const EvaluationWorker&) = delete;
  EvaluationWorker& operator=(const EvaluationWorker&) = delete;

  // Queues `evaluation`; true when it replaced one that had not started.
  bool submit(WindowEvaluation evaluation, Clock::time_point arrived);
  // Finishes the evaluation running, drops one waiting, and ends the thread.
  void stop();

 private:
  void run();

  Done done_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<WindowEvaluation> waiting_;
  Clock::time_point waiting_arrived_;
  bool stopping_ = false;
  std::thread thread_;  // last: started when the rest is ready
};

}  // namespace ft
