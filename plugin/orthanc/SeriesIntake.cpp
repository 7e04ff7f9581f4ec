#include "SeriesIntake.h"

#include <algorithm>

#include "ft/core/Error.h"

namespace ft::archive {

SeriesIntake::SeriesIntake(JobQueue& queue, Archive& archive, ArchiveSettings settings, std::function<void()> queued)
    : queue_(queue), archive_(archive), settings_(std::move(settings)), queued_(std::move(queued)), trouble_(archive) {}

SeriesIntake::~SeriesIntake() { stop(); }

void SeriesIntake::start() { thread_ = std::thread([this] { run(); }); }

void SeriesIntake::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int SeriesIntake::take_series(const std::string& series_id) {
  const ArchivedSeries series = archive_.series(series_id);
  if (!modality_analysed(series.modality, settings_)) {
    archive_.log_info("FibreTrack: series " + series_id + " skipped: modality " + series.modality + " is not analysed");
    return 0;
  }
  int queued = 0, known = 0;
  for (const std::string& instance_id : series.instance_ids) {
    ArchivedObject object;
    try {
      object = archive_.object(series, instance_id);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::NotFound) throw;
      continue;  // deleted since the series was listed
    }
    const Selection s = select_for_analysis(object, settings_);
    if (s.analyse) {
      (queue_.enqueue(object.clip) ? queued : known) += 1;
      continue;
    }
    if (s.record_skip) {
      queue_.record_skipped(object.clip, s.reason);
      archive_.log_warning("FibreTrack: " + object.clip.instance_id + " skipped: " + s.reason);
    } else {
      archive_.log_info("FibreTrack: " + object.clip.instance_id + " skipped: " + s.reason);
    }
  }
  if (known > 0)
    archive_.log_info("FibreTrack: " + std::to_string(known) + " clips of series " + series_id +
                      " already have a job: not analysed again");
  if (queued > 0) {
    archive_.log_warning("FibreTrack: " + std::to_string(queued) + " clips of series " + series_id + " queued");
    queued_();
  }
  return queued;
}

void SeriesIntake::handle(const ArchiveChange& c) {
  if (c.type == "NewSeries" && !handled_.count(c.seq))
    open_.emplace(c.resource, OpenSeries{c.seq, std::chrono::steady_clock::now()});
  if (c.type != "StableSeries") return;
  try {
    take_series(c.resource);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::NotFound) throw;
    archive_.log_info("FibreTrack: series " + c.resource + " is gone: " + e.what());
  }
  open_.erase(c.resource);
}

bool SeriesIntake::handle_or_pass_over(const ArchiveChange& c) {
  try {
    handle(c);
    failures_.erase(c.seq);
    return true;
  } catch (const std::exception& e) {
    return handle_failure(c.seq, c.resource, e.what());
  }
}

// True when the series is passed over: it failed kTriesPerChange times while the queue
// answered (with the database away, it is not the series' fault and is never passed over).
bool SeriesIntake::handle_failure(std::int64_t seq, const std::string& series, const std::string& what) {
  bool queue_answers = true;
  try {
    queue_.change_cursor(settings_.node_name);
  } catch (const std::exception&) {
    queue_answers = false;
  }
  if (!queue_answers || ++failures_[seq] < kTriesPerChange) {
    trouble_.report("series " + series + " not queued yet (will retry): " + what);
    return false;
  }
  archive_.log_error("FibreTrack: series " + series + " passed over after " + std::to_string(kTriesPerChange) +
                     " tries: " + what + " (POST /fibretrack/studies/{id}/analyse queues it by hand)");
  failures_.erase(seq);
  return true;
}

void SeriesIntake::read_changes() {
  while (!stop_) {
    const ChangesPage page = archive_.changes_since(std::max(floor_, read_ - kRereadChanges), 1000);
    bool progressed = false;
    for (const ArchiveChange& c : page.changes) {
      if (stop_) break;
      if (handled_.count(c.seq)) continue;
      if (!handle_or_pass_over(c)) break;
      handled_.insert(c.seq);
      read_ = std::max(read_, c.seq);
      progressed = true;
    }
    handled_.erase(handled_.begin(), handled_.lower_bound(read_ - kRereadChanges));
    save_cursor();
    if (page.done || !progressed) return;
  }
}

// Series whose stable change will never come: those that arrived before this node started
// (it came up after a stop or a crash), and any still open after kOrphanAge (the node of a
// cluster that received them died before they became stable).
void SeriesIntake::take_orphans(bool all_from_before_start) {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = open_.begin(); it != open_.end();) {
    const bool orphan = (all_from_before_start && it->second.seq <= start_seq_) || now - it->second.seen > kOrphanAge;
    if (!orphan) {
      ++it;
      continue;
    }
    archive_.log_warning("FibreTrack: series " + it->first + " never became stable here: its clips are queued as they are");
    try {
      take_series(it->first);
    } catch (const Error& e) {
      // As for a change: retried, and passed over after kTriesPerChange while the queue answers.
      if (e.code() != ErrorCode::NotFound && !handle_failure(it->second.seq, it->first, e.what())) {
        ++it;
        continue;
      }
    }
    it = open_.erase(it);
  }
  save_cursor();
}

// Never past a series still open: after a restart it must be read again.
void SeriesIntake::save_cursor() {
  std::int64_t cursor = read_;
  for (const auto& [id, open] : open_) cursor = std::min(cursor, open.seq - 1);
  if (cursor == saved_) return;
  queue_.set_change_cursor(settings_.node_name, cursor);
  saved_ = cursor;
}

// Where this node's reading of the change log stands: its saved cursor, or the log's end
// for a node new to the queue (earlier studies are queued by hand), or the end again where
// the log was reset beneath the cursor (a new index).
void SeriesIntake::start_reading() {
  start_seq_ = archive_.last_change();
  const auto cursor = queue_.change_cursor(settings_.node_name);
  read_ = cursor ? *cursor : start_seq_;
  floor_ = cursor ? 0 : start_seq_;
  if (!cursor)
    archive_.log_warning("FibreTrack: node " + settings_.node_name + " starts with clips arriving from now on "
                         "(earlier studies: POST /fibretrack/studies/{id}/analyse)");
  if (read_ > start_seq_) {
    archive_.log_warning("FibreTrack: the change log ends at " + std::to_string(start_seq_) + ", before this node's place " +
                         std::to_string(read_) + " in it (a new index?): reading from its end");
    read_ = floor_ = start_seq_;
  }
  saved_ = cursor.value_or(-1);
}

void SeriesIntake::pass() {
  if (read_ < 0) start_reading();
  read_changes();
  const bool read_to_start = read_ >= start_seq_;
  take_orphans(!caught_up_ && read_to_start);
  caught_up_ = caught_up_ || read_to_start;
}

void SeriesIntake::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    try {
      pass();
      trouble_.clear();
    } catch (const std::exception& e) {
      trouble_.report(std::string("the change log cannot be read or queued (will retry): ") + e.what());
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::duration<double>(settings_.poll_s), [this] { return stop_.load(); });
  }
}

}  // namespace ft::archive
