#include "SyncLog.h"

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace ft::test {

SyncedRun run_with_sync_log(const TempDir& dir, const std::string& command_line) {
  const std::string log = dir.file("sync.log");
  SyncedRun run;
  run.result = run_command("FT_SYNC_LOG='" + log + "' LD_PRELOAD='" FT_SYNC_LOG_SHIM "' " + command_line);
  std::istringstream in(file_exists(log) ? read_file(log) : "");
  for (std::string line; std::getline(in, line);) {  // tab-separated: paths may hold spaces
    std::istringstream fields(line);
    SyncEvent e;
    std::getline(fields, e.what, '\t');
    std::getline(fields, e.path, '\t');
    std::getline(fields, e.to, '\t');
    run.events.push_back(e);
  }
  return run;
}

long find_sync_event(const std::vector<SyncEvent>& events, const std::string& what, const std::string& path, long from) {
  for (long i = from; i < long(events.size()); ++i)
    if (events[std::size_t(i)].what == what && events[std::size_t(i)].path == path) return i;
  return -1;
}

bool replaced_durably(const std::vector<SyncEvent>& events, const std::string& path, const std::string& to,
                      std::string& why) {
  const long renamed = find_sync_event(events, "rename", path);
  if (renamed < 0 || events[std::size_t(renamed)].to != to) {
    why = path + " was not renamed to " + to + ": not written through a temporary file";
    return false;
  }
  const long synced = find_sync_event(events, "fsync", path);
  if (synced < 0 || synced > renamed) {
    why = path + " was not synced before its rename: a power loss could leave " + to + " empty";
    return false;
  }
  const std::string folder = std::filesystem::path(to).parent_path().string();
  if (find_sync_event(events, "fsync", folder, renamed) < 0) {
    why = folder + " was not synced after the rename: the rename itself could be lost";
    return false;
  }
  return true;
}

std::string resolved_path(const std::string& path) {
  char buffer[PATH_MAX];
  return ::realpath(path.c_str(), buffer) ? buffer : path;
}

}  // namespace ft::test
