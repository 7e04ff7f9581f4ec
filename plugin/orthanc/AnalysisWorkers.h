#pragma once
// The node's analysis workers: each claims a clip from the queue, runs `fibretrack analyze`
// on it in a child process (the same program and libraries as on a workstation), stores the
// SR, the presentation state and, when asked, the burned-in capture back into the clip's
// study, and marks the job done — or failed with the reason, and goes on with the next.
#include <atomic>
#include <chrono>
#include <string>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "Archive.h"
#include "RepeatedWarning.h"
#include "ArchiveSettings.h"
#include "JobQueue.h"

namespace ft::archive {

// A worker's claim kept current: renewed on each heartbeat and before each object is
// stored. Lost when the queue says so, or when the database has not answered for two
// thirds of the lease (past that, another node may already hold the clip).
class LeaseKeeper {
 public:
  LeaseKeeper(JobQueue& queue, const Claim& claim, int lease_s);
  bool renew(Archive& archive);  // false: the clip is no longer ours

 private:
  using Clock = std::chrono::steady_clock;
  JobQueue& queue_;
  const Claim claim_;
  const Clock::duration lease_;
  Clock::time_point renewed_;
  bool lost_ = false;
};

struct StoredObject {
  std::string kind;      // "measurement report", "presentation state", "secondary capture"
  std::string instance;  // the archive's ID
};

class AnalysisWorkers {
 public:
  AnalysisWorkers(JobQueue& queue, Archive& archive, ArchiveSettings settings);
  ~AnalysisWorkers();
  AnalysisWorkers(const AnalysisWorkers&) = delete;
  AnalysisWorkers& operator=(const AnalysisWorkers&) = delete;

  void start();
  // Stops every analysis running (their jobs go back to the queue) and joins the workers.
  void stop();
  // Work was queued on this node: an idle worker looks at once instead of at its next poll.
  void wake();
  int running() const { return running_.load(); }

 private:
  void run();
  // False when the job went back to the queue for a reason not the clip's (wait a while).
  bool analyse(const Claim& claim);
  void analyse_or_throw(const Claim& claim);
  void store_results(const Claim& claim, LeaseKeeper& lease, const std::string& dir, const std::string& output);
  bool mark_done(const Claim& claim, LeaseKeeper& lease, const std::string& result);
  void withdraw(const std::vector<StoredObject>& stored);  // a report that must not stay twice

  JobQueue& queue_;
  Archive& archive_;
  const ArchiveSettings settings_;
  std::atomic<bool> stop_{false};
  std::atomic<int> running_{0};
  std::mutex mutex_;
  std::condition_variable woken_;
  bool work_queued_ = false;
  RepeatedWarning queue_trouble_;
  std::vector<std::thread> threads_;
};

}  // namespace ft::archive
