#pragma once
// Turns series that became stable into queued clips, by reading the archive's change log
// (Orthanc's /changes) from a cursor kept in the job database. Reading the log rather than
// only hearing change callbacks means nothing is missed while the node is down or the
// database is away: a restarted node goes on where it stopped. A series that arrived but
// never became stable (the node stopped first, or the node that received it died) is
// queued as it is once the node starts again, or after kOrphanAge: each object is a
// whole clip, so a series cut short still has clips to analyse, and the rest arrive later.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "Archive.h"
#include "ArchiveSettings.h"
#include "JobQueue.h"

namespace ft::archive {

class SeriesIntake {
 public:
  static constexpr std::chrono::minutes kOrphanAge{10};

  // `queued` is told each time a clip was queued (the node's workers are woken).
  SeriesIntake(JobQueue& queue, Archive& archive, ArchiveSettings settings, std::function<void()> queued);
  ~SeriesIntake();
  SeriesIntake(const SeriesIntake&) = delete;
  SeriesIntake& operator=(const SeriesIntake&) = delete;

  void start();
  void stop();
  // Reads the change log to its end and queues what became stable. Throws ft::Error (the
  // cursor then stays where the last handled change left it).
  void read_changes();
  // Queues the series' clips now; how many were newly queued. Throws ft::Error.
  int take_series(const std::string& series_id);

 private:
  struct OpenSeries {
    std::int64_t seq;  // its NewSeries change
    std::chrono::steady_clock::time_point seen;
  };
  void run();
  void take_orphans(bool all_from_before_start);
  void save_cursor();

  JobQueue& queue_;
  Archive& archive_;
  const ArchiveSettings settings_;
  std::function<void()> queued_;
  std::int64_t read_ = -1;                   // the last change handled
  std::int64_t start_seq_ = 0;               // the log's end when the node started
  std::map<std::string, OpenSeries> open_;  // arrived, not stable yet
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ft::archive
