#pragma once
// The node's analysis workers: each claims a clip from the queue, runs `fibretrack analyze`
// on it in a child process (the same program and libraries as on a workstation), stores the
// SR, the presentation state and, when asked, the burned-in capture back into the clip's
// study, and marks the job done — or failed with the reason, and goes on with the next.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "Archive.h"
#include "ArchiveSettings.h"
#include "JobQueue.h"

namespace ft::archive {

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
  void analyse(const Claim& claim);
  void store_results(const Claim& claim, const std::string& dir, const std::string& output);

  JobQueue& queue_;
  Archive& archive_;
  const ArchiveSettings settings_;
  std::atomic<bool> stop_{false};
  std::atomic<int> running_{0};
  std::mutex mutex_;
  std::condition_variable woken_;
  bool work_queued_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ft::archive
