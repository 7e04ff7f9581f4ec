#pragma once
// A JobQueue opened when first used, and again on each use until it opens. The archive must
// start, store and serve images while the jobs' database is away (a separate PostgreSQL
// being restarted): until it answers, every call throws ft::Error, which the intake and
// the workers report once and retry, and the REST routes answer as an error.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

#include "JobQueue.h"
#include "ft/core/Error.h"

namespace ft::archive {

class LazyJobQueue : public JobQueue {
 public:
  using Opener = std::function<std::unique_ptr<JobQueue>()>;
  explicit LazyJobQueue(Opener open) : open_(std::move(open)) {}

  bool enqueue(const ClipJob& clip) override { return queue().enqueue(clip); }
  void record_skipped(const ClipJob& clip, const std::string& reason) override { queue().record_skipped(clip, reason); }
  std::optional<Claim> claim(const std::string& node) override { return queue().claim(node); }
  bool renew(const Claim& claim) override { return queue().renew(claim); }
  bool finish(const Claim& claim, const std::string& result_json) override { return queue().finish(claim, result_json); }
  bool fail(const Claim& claim, const std::string& reason) override { return queue().fail(claim, reason); }
  void release(const Claim& claim) override { queue().release(claim); }
  void retry_later(const Claim& claim, const std::string& reason) override { queue().retry_later(claim, reason); }
  bool finished_by(const Claim& claim) override { return queue().finished_by(claim); }
  int requeue_study(const std::string& study_id) override { return queue().requeue_study(study_id); }
  std::vector<JobRecord> list(std::optional<JobState> state, int limit) override { return queue().list(state, limit); }
  std::vector<JobRecord> of_study(const std::string& study_id) override { return queue().of_study(study_id); }
  std::map<std::string, int> counts() override { return queue().counts(); }
  std::optional<std::int64_t> change_cursor(const std::string& node) override { return queue().change_cursor(node); }
  void set_change_cursor(const std::string& node, std::int64_t seq) override { queue().set_change_cursor(node, seq); }

 private:
  // The opened queue is never replaced, so the reference stays valid once returned. One
  // caller opens, outside the lock (a connection attempt may take its whole timeout, a name
  // lookup longer); the others are told at once while it tries, and for kRetryAfter after it
  // failed, so that REST routes, workers and Orthanc's shutdown never wait behind it.
  JobQueue& queue() {
    {
      std::lock_guard lock(mutex_);
      if (queue_) return *queue_;
      if (opening_) throw Error(ErrorCode::Network, "the job database is being connected to");
      if (Clock::now() < retry_after_) throw Error(ErrorCode::Network, last_error_);
      opening_ = true;
    }
    std::unique_ptr<JobQueue> opened;
    std::string error;
    try {
      opened = open_();
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard lock(mutex_);
    opening_ = false;
    if (!opened) {
      last_error_ = error;
      retry_after_ = Clock::now() + kRetryAfter;
      throw Error(ErrorCode::Network, error);
    }
    queue_ = std::move(opened);
    return *queue_;
  }

  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kRetryAfter{5};
  Opener open_;
  std::mutex mutex_;
  std::unique_ptr<JobQueue> queue_;
  Clock::time_point retry_after_{};
  std::string last_error_;
  bool opening_ = false;
};

}  // namespace ft::archive
