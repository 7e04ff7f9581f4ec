#include "CrashStates.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ft::test {
namespace fs = std::filesystem;

namespace {

// As the shim writes it: inode number, birth time seconds, nanoseconds.
std::string identity_of(const std::string& path) {
  struct statx st {};
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_BTIME, &st) != 0)
    throw std::runtime_error("cannot stat " + path);
  return std::to_string(st.stx_ino) + "." + std::to_string(st.stx_btime.tv_sec) + "." + std::to_string(st.stx_btime.tv_nsec);
}

}  // namespace

CrashRecorder::CrashRecorder(const TempDir& scratch, const std::string& root)
    : root_(fs::canonical(root).string()) {
  for (int n = 0; copies_.empty() || fs::exists(copies_); ++n) copies_ = scratch.file("crash-copies-" + std::to_string(n));
  fs::create_directories(copies_);
  root_identity_ = identity_of(root_);
  remember(root_, root_identity_, true);
}

// The state before the command, copied the way the shim copies: entries per folder, bytes per file.
void CrashRecorder::remember(const std::string& path, const Identity& identity, bool folder) {
  const std::string copy = copies_ + "/initial-" + identity;
  if (!folder) {
    fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
    initial_files_[identity] = copy;
    return;
  }
  std::ofstream entries(copy);
  for (const fs::directory_entry& e : fs::directory_iterator(path)) {
    const bool is_folder = e.is_directory() && !e.is_symlink();
    if (!is_folder && !e.is_regular_file()) continue;
    const Identity child = identity_of(e.path().string());
    entries << e.path().filename().string() << '\t' << child << '\t' << (is_folder ? 'd' : 'f') << '\n';
    remember(e.path().string(), child, is_folder);
  }
  initial_folders_[identity] = copy;
}

std::string CrashRecorder::environment() const {
  return "FT_CRASH_DIR='" + copies_ + "' FT_CRASH_ROOT='" + root_ + "' LD_PRELOAD='" FT_SYNC_LOG_SHIM "' ";
}

std::vector<CrashRecorder::Sync> CrashRecorder::syncs() const {
  std::vector<Sync> out;
  std::ifstream log(copies_ + "/log");
  for (std::string line; std::getline(log, line);) {  // kind TAB identity TAB copy TAB path
    std::istringstream fields(line);
    std::string kind;
    Sync s;
    std::getline(fields, kind, '\t');
    std::getline(fields, s.identity, '\t');
    std::getline(fields, s.copy, '\t');
    s.folder = kind == "dir";
    out.push_back(s);
  }
  return out;
}

int CrashRecorder::crash_points() const { return int(syncs().size()) + 1; }

std::vector<CrashRecorder::Entry> CrashRecorder::read_entries(const std::string& copy) {
  std::vector<Entry> entries;
  std::ifstream in(copy);
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    Entry e;
    std::string kind;
    std::getline(fields, e.name, '\t');
    std::getline(fields, e.identity, '\t');
    std::getline(fields, kind, '\t');
    e.folder = kind == "d";
    entries.push_back(e);
  }
  return entries;
}

std::string CrashRecorder::rebuild(int sync_count, const std::string& folder) const {
  std::map<Identity, std::string> files = initial_files_, folders = initial_folders_;
  const std::vector<Sync> all = syncs();
  for (int k = 0; k < sync_count && k < int(all.size()); ++k)
    (all[std::size_t(k)].folder ? folders : files)[all[std::size_t(k)].identity] = all[std::size_t(k)].copy;
  // Walked from the root through durable entries only; a folder whose entries were never
  // made durable is empty, a file whose bytes were never synced is empty.
  std::vector<std::pair<Identity, fs::path>> pending{{root_identity_, fs::path(folder)}};
  fs::remove_all(folder);
  while (!pending.empty()) {
    const auto [identity, path] = pending.back();
    pending.pop_back();
    fs::create_directories(path);
    const auto listed = folders.find(identity);
    if (listed == folders.end()) continue;
    for (const Entry& e : read_entries(listed->second)) {
      const fs::path child = path / e.name;
      if (e.folder) {
        pending.push_back({e.identity, child});
        continue;
      }
      const auto bytes = files.find(e.identity);
      if (bytes != files.end()) fs::copy_file(bytes->second, child, fs::copy_options::overwrite_existing);
      else std::ofstream{child};
    }
  }
  return folder;
}

}  // namespace ft::test
