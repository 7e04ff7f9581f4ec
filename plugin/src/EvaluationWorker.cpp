#include "EvaluationWorker.h"

#include <algorithm>
#include <cerrno>
#include <exception>
#include <utility>

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace ft {

EvaluationWorker::EvaluationWorker(Run run, Done done)
    : run_(std::move(run)), done_(std::move(done)), thread_([this] { work(); }) {}

EvaluationWorker::~EvaluationWorker() { stop(); }

int EvaluationWorker::submit(WindowEvaluation evaluation, long window, Clock::time_point arrived) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return 1;
  int dropped = 0;
  if (!waiting_.empty() && waiting_.back().window == window) {
    waiting_.pop_back();
    ++dropped;
  }
  if (waiting_.size() >= kMaxWaiting) {
    waiting_.pop_front();
    ++dropped;
  }
  waiting_.push_back({std::move(evaluation), window, arrived});
  wake_.notify_one();
  return dropped;
}

int EvaluationWorker::drop_waiting() {
  std::lock_guard<std::mutex> lock(mutex_);
  const int dropped = int(waiting_.size());
  waiting_.clear();
  return dropped;
}

bool EvaluationWorker::busy() {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_ || !waiting_.empty();
}

int EvaluationWorker::request_stop(bool run_waiting) {
  int dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    run_waiting_ = run_waiting;
    if (!run_waiting) {
      dropped = int(waiting_.size());
      waiting_.clear();
    }
  }
  wake_.notify_one();
  return dropped;
}

void EvaluationWorker::join() {
  if (thread_.joinable()) thread_.join();
}

int EvaluationWorker::stop(bool run_waiting) {
  const int dropped = request_stop(run_waiting);
  join();
  return dropped;
}

// Live tracking must keep up with the scanner (a frame skipped is motion lost for good); a
// re-evaluation that waits only makes the findings a little later. So the detector's thread
// yields the CPU to tracking and recording: on Linux each thread has its own nice value,
// and raising it needs no privilege. (ITK's pool threads, which the fascicle reading uses,
// take the nice value of the thread that first ran an ITK filter: this one in `fibretrack
// live`, another in the station when a review came first.)
void EvaluationWorker::lower_priority() {
#if defined(__linux__)
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, id_t(::gettid()));
  if (errno == 0) ::setpriority(PRIO_PROCESS, id_t(::gettid()), std::min(19, now + kNiceAboveTracking));
#endif
}

void EvaluationWorker::work() {
  lower_priority();
  for (;;) {
    std::optional<Waiting> next;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty() || (stopping_ && !run_waiting_)) return;
      next.emplace(std::move(waiting_.front()));
      waiting_.pop_front();
      running_ = true;
    }
    finish(*next);  // not under the lock: submit() must never wait for the detector
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = false;
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
