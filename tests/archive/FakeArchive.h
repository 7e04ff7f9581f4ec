#pragma once
// An archive in memory for the intake and worker tests: series, objects, a change log the
// test writes, and what the plugin stored, removed and logged. The mock stands where a
// real Orthanc cannot be made to misbehave on cue (changes committed out of order, a
// series that cannot be read); the same paths run against a real Orthanc in
// ArchivePluginTest and ArchiveClusterTest.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "Archive.h"
#include "ft/core/Error.h"

namespace ft::archive {

class FakeArchive : public Archive {
 public:
  // A US clip series of `clips` objects in its own study, and its NewSeries change.
  // `seq`: its NewSeries change's number (0: the next one).
  void add_series(const std::string& id, int clips, int frames = 40, const std::string& modality = "US",
                  std::int64_t seq = 0) {
    std::lock_guard lock(mutex_);
    ArchivedSeries s{id, "study-" + id, modality, {}};
    for (int i = 0; i < clips; ++i) {
      const std::string instance = id + "-" + std::to_string(i);
      s.instance_ids.push_back(instance);
      objects_[instance] = {{"uid." + instance, instance, s.study_id}, modality, "1.2.840.10008.5.1.4.1.1.3.1", frames};
    }
    series_[id] = s;
    changes_.push_back({seq ? seq : next_seq_++, "NewSeries", id});
    next_seq_ = std::max(next_seq_, changes_.back().seq + 1);
  }
  void log_change(const std::string& type, const std::string& resource, std::int64_t seq = 0) {
    std::lock_guard lock(mutex_);
    changes_.push_back({seq ? seq : next_seq_++, type, resource});
    next_seq_ = std::max(next_seq_, changes_.back().seq + 1);
  }

  ArchivedSeries series(const std::string& id) override {
    std::lock_guard lock(mutex_);
    if (fail_series_ == id) throw Error(ErrorCode::Io, "cannot read series " + id);
    if (!series_.count(id)) throw Error(ErrorCode::NotFound, "no series " + id);
    return series_.at(id);
  }
  ArchivedObject object(const ArchivedSeries&, const std::string& id) override {
    std::lock_guard lock(mutex_);
    return objects_.at(id);
  }
  ChangesPage changes_since(std::int64_t seq, int limit) override {
    std::lock_guard lock(mutex_);
    ChangesPage page;
    for (const auto& c : changes_)
      if (c.seq > seq && int(page.changes.size()) < limit) page.changes.push_back(c);
    std::sort(page.changes.begin(), page.changes.end(), [](auto& a, auto& b) { return a.seq < b.seq; });
    page.last = page.changes.empty() ? seq : page.changes.back().seq;
    return page;
  }
  std::int64_t last_change() override {
    std::lock_guard lock(mutex_);
    std::int64_t last = 0;
    for (const auto& c : changes_) last = std::max(last, c.seq);
    return last;
  }
  std::vector<std::string> study_series(const std::string&) override { return {}; }
  void save_dicom(const std::string& instance_id, const std::string& path) override {
    std::lock_guard lock(mutex_);
    if (!objects_.count(instance_id)) throw Error(ErrorCode::NotFound, "no instance " + instance_id);
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) throw Error(ErrorCode::Io, "cannot write " + path);
    std::fputs(instance_id.c_str(), f);
    std::fclose(f);
  }
  std::string store_dicom(const std::string& path) override {
    if (on_store) on_store();
    std::lock_guard lock(mutex_);
    stored.push_back(path);
    return "stored-" + std::to_string(stored.size());
  }
  void remove(const std::string& id) override {
    std::lock_guard lock(mutex_);
    removed.push_back(id);
  }
  void log_info(const std::string& m) override { add_log(m); }
  void log_warning(const std::string& m) override { add_log(m); }
  void log_error(const std::string& m) override { add_log(m); }
  std::string log() {
    std::lock_guard lock(mutex_);
    std::string all;
    for (const auto& l : log_) all += l + "\n";
    return all;
  }

  std::string fail_series_;  // reading this series fails (not NotFound)
  std::function<void()> on_store;
  std::vector<std::string> stored, removed;

 private:
  void add_log(const std::string& m) {
    std::lock_guard lock(mutex_);
    log_.push_back(m);
  }
  std::mutex mutex_;
  std::map<std::string, ArchivedSeries> series_;
  std::map<std::string, ArchivedObject> objects_;
  std::vector<ArchiveChange> changes_;
  std::int64_t next_seq_ = 1;
  std::vector<std::string> log_;
};

}  // namespace ft::archive
