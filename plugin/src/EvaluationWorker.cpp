#include "EvaluationWorker.h"

#include <exception>
#include <utility>

namespace ft {

EvaluationWorker::EvaluationWorker(Run run, Done done)
    : run_(std::move(run)), done_(std::move(done)), thread_([this] { work(); }) {}

EvaluationWorker::~EvaluationWorker() { stop(); }

int EvaluationWorker::submit(WindowEvaluation evaluation, long window, Clock::time_point arrived) {
  std::lock_guard<std::mutex> lock(mutex_);
  int replaced = 0;
  if (!waiting_.empty() && waiting_.back().window == window) {
    waiting_.pop_back();
    replaced = 1;
  }
  waiting_.push_back({std::move(evaluation), window, arrived});
  wake_.notify_one();
  return replaced;
}

int EvaluationWorker::stop() {
  int dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    dropped = int(waiting_.size());
    waiting_.clear();
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  return dropped;
}

void EvaluationWorker::work() {
  for (;;) {
    std::optional<Waiting> next;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      if (stopping_) return;
      next.emplace(std::move(waiting_.front()));
      waiting_.pop_front();
    }
    finish(*next);  // not under the lock: submit() must never wait for the detector
  }
}

// Runs one evaluation and reports it; nothing it throws leaves the thread (that would end
// the process): a failure is reported as the analysis's error.
void EvaluationWorker::finish(Waiting& next) {
  std::optional<DetectionResult> result;
  std::string error;
  try {
    result = run_(next.evaluation);
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "the detector failed with an unknown error";
  }
  try {
    done_(std::move(result), error, next.arrived);
  } catch (...) {
    // Reporting failed (out of memory): this result is lost, the session goes on.
  }
}

}  // namespace ft
