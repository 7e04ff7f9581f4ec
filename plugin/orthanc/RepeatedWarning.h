#pragma once
// A trouble said once in the archive's log, not at every poll while it lasts (the database
// away, the change log unreadable); said again when it changes or comes back after clear().
#include <mutex>
#include <string>

#include "Archive.h"

namespace ft::archive {

class RepeatedWarning {
 public:
  explicit RepeatedWarning(Archive& archive) : archive_(archive) {}
  void report(const std::string& trouble) {
    std::lock_guard lock(mutex_);
    if (trouble == last_) return;
    last_ = trouble;
    archive_.log_warning("FibreTrack: " + trouble);
  }
  void clear() {
    std::lock_guard lock(mutex_);
    last_.clear();
  }

 private:
  Archive& archive_;
  std::mutex mutex_;  // the node's workers share one
  std::string last_;
};

}  // namespace ft::archive
