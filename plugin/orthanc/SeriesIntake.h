#pragma once
// Turns series that became stable into queued clips, by reading the archive's change log
// (Orthanc's /changes) from a cursor kept in the job database. Reading the log rather than
// only hearing change callbacks means nothing is missed while the node is down or the
// database is away: a restarted node goes on where it stopped. A series that arrived but
// never became stable (the node stopped first, or the node that received it died) is
// queued as it is once the node starts again, or after kOrphanAge: each object is a
// whole clip, so a series cut short still has clips to analyse, and the rest arrive later.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "Archive.h"
#include "ArchiveSettings.h"
#include "JobQueue.h"
#include "RepeatedWarning.h"

namespace ft::archive {

class SeriesIntake {
 public:
  static constexpr std::chrono::minutes kOrphanAge{10};
  // Changes are read again this far back on every pass: with the index on PostgreSQL,
  // two nodes' changes can be committed out of order, so a change may appear behind one
  // already read.
  static constexpr std::int64_t kRereadChanges = 200;
  // A change whose series cannot be queued this many times (the database answering) is
  // logged as an error and passed over, so one bad series does not stop the intake.
  static constexpr int kTriesPerChange = 5;

  // `queued` is told each time a clip was queued (the node's workers are woken).
  SeriesIntake(JobQueue& queue, Archive& archive, ArchiveSettings settings, std::function<void()> queued);
  ~SeriesIntake();
  SeriesIntake(const SeriesIntake&) = delete;
  SeriesIntake& operator=(const SeriesIntake&) = delete;

  void start();
  void stop();
  // One pass, as the thread makes one every PollSeconds: the change log read to its end,
  // what became stable queued, orphans queued. Throws ft::Error (the database or the
  // archive away); the cursor then stays where the last handled change left it.
  void pass();
  // Queues the series' clips now; how many were newly queued. Throws ft::Error.
  int take_series(const std::string& series_id);

 private:
  struct OpenSeries {
    std::int64_t seq;  // its NewSeries change
    std::chrono::steady_clock::time_point seen;
  };
  void run();
  void start_reading();
  void read_changes();
  void handle(const ArchiveChange& change);
  bool handle_or_pass_over(const ArchiveChange& change);  // false: stop this pass, retry later
  bool handle_failure(std::int64_t seq, const std::string& series, const std::string& what);
  void take_orphans(bool all_from_before_start);
  void save_cursor();

  JobQueue& queue_;
  Archive& archive_;
  const ArchiveSettings settings_;
  std::function<void()> queued_;
  std::int64_t read_ = -1;                   // the newest change handled
  std::int64_t saved_ = -1;                  // the cursor as last written
  std::set<std::int64_t> handled_;           // changes handled within kRereadChanges of read_
  std::map<std::int64_t, int> failures_;     // per change not handled yet
  RepeatedWarning trouble_;
  std::int64_t start_seq_ = 0;               // the log's end when the node started
  std::int64_t floor_ = 0;                   // never read below: a new node starts at the end
  bool caught_up_ = false;                   // every change from before the start read
  std::map<std::string, OpenSeries> open_;  // arrived, not stable yet
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};  // set under mutex_ (the wait sees it); read without it by a long pass
  std::thread thread_;
};

}  // namespace ft::archive
