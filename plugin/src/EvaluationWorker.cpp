#include "EvaluationWorker.h"

#include <exception>
#include <utility>

namespace ft {

EvaluationWorker::EvaluationWorker(Done done) : done_(std::move(done)), thread_([this] { run(); }) {}

EvaluationWorker::~EvaluationWorker() { stop(); }

bool EvaluationWorker::submit(WindowEvaluation evaluation, Clock::time_point arrived) {
  std::lock_guard<std::mutex> lock(mutex_);
  const bool replaced = waiting_.has_value();
  waiting_ = std::move(evaluation);
  waiting_arrived_ = arrived;
  wake_.notify_one();
  return replaced;
}

void EvaluationWorker::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    waiting_.reset();
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void EvaluationWorker::run() {
  for (;;) {
    std::optional<WindowEvaluation> next;
    Clock::time_point arrived;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || waiting_.has_value(); });
      if (stopping_) return;
      next = std::move(waiting_);
      waiting_.reset();
      arrived = waiting_arrived_;
    }
    // Not under the lock: submit() must never wait for the detector.
    std::optional<DetectionResult> result;
    std::string error;
    try {
      result = next->run();
    } catch (const std::exception& e) {
      error = e.what();
    }
    done_(std::move(result), error, arrived);
  }
}

}  // namespace ft
