#pragma once
// What a command synced and renamed, in order: the command runs with the sync-log shim
// (SyncLogShim.c) preloaded, which logs every fsync, fdatasync and rename under FT_SYNC_LOG.
// Durability tests read that log to check the order a power loss depends on: a file synced
// before it is renamed into place, its folder synced after.
#include <string>
#include <vector>

#include "TestSupport.h"

namespace ft::test {

struct SyncEvent {
  std::string what;  // "fsync", "fdatasync", "rename"
  std::string path;  // as the kernel resolves it (symbolic links followed)
  std::string to;    // a rename's target
};

struct SyncedRun {
  CommandResult result;
  std::vector<SyncEvent> events;
};

// Runs the shell command line with the shim preloaded; the log is kept in `dir`.
SyncedRun run_with_sync_log(const TempDir& dir, const std::string& command_line);

// Index of the first event `what` on `path` from `from` on; -1 when none.
long find_sync_event(const std::vector<SyncEvent>& events, const std::string& what, const std::string& path,
                     long from = 0);

// True when `path` was synced, then renamed to `to`, then `to`'s folder synced; else false
// with what is missing in `why`.
bool replaced_durably(const std::vector<SyncEvent>& events, const std::string& path, const std::string& to,
                      std::string& why);

// The path with symbolic links resolved, as the shim logs it (the path itself if it does not exist).
std::string resolved_path(const std::string& path);

}  // namespace ft::test
