#include "CrashStates.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ft::test {
namespace fs = std::filesystem;

namespace {

std::uint64_t inode_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path);
  return std::uint64_t(st.st_ino);
}

}  // namespace

CrashRecorder::CrashRecorder(const TempDir& scratch, const std::string& root)
    : root_(fs::canonical(root).string()), copies_(scratch.file("crash-copies-" + std::to_string(inode_of(root)))) {
  fs::create_directories(copies_);
  root_inode_ = inode_of(root_);
  remember(root_, root_inode_, true);
}

// The state before the command, copied the way the shim copies: entries per folder, bytes per file.
void CrashRecorder::remember(const std::string& path, std::uint64_t inode, bool folder) {
  const std::string copy = copies_ + "/initial-" + std::to_string(inode);
  if (!folder) {
    fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
    initial_files_[inode] = copy;
    return;
  }
  std::ofstream entries(copy);
  for (const fs::directory_entry& e : fs::directory_iterator(path)) {
    const bool is_folder = e.is_directory() && !e.is_symlink();
    if (!is_folder && !e.is_regular_file()) continue;
    const std::uint64_t child = inode_of(e.path().string());
    entries << e.path().filename().string() << '\t' << child << '\t' << (is_folder ? 'd' : 'f') << '\n';
    remember(e.path().string(), child, is_folder);
  }
  initial_folders_[inode] = copy;
}

std::string CrashRecorder::environment() const {
  return "FT_CRASH_DIR='" + copies_ + "' FT_CRASH_ROOT='" + root_ + "' LD_PRELOAD='" FT_SYNC_LOG_SHIM "' ";
}

std::vector<CrashRecorder::Sync> CrashRecorder::syncs() const {
  std::vector<Sync> out;
  std::ifstream log(copies_ + "/log");
  for (std::string line; std::getline(log, line);) {  // kind TAB inode TAB copy TAB path
    std::istringstream fields(line);
    std::string kind, inode;
    Sync s;
    std::getline(fields, kind, '\t');
    std::getline(fields, inode, '\t');
    std::getline(fields, s.copy, '\t');
    s.folder = kind == "dir";
    s.inode = std::stoull(inode);
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
    std::string inode, kind;
    std::getline(fields, e.name, '\t');
    std::getline(fields, inode, '\t');
    std::getline(fields, kind, '\t');
    e.inode = std::stoull(inode);
    e.folder = kind == "d";
    entries.push_back(e);
  }
  return entries;
}

std::string CrashRecorder::rebuild(int sync_count, const std::string& folder) const {
  std::map<std::uint64_t, std::string> files = initial_files_, folders = initial_folders_;
  const std::vector<Sync> all = syncs();
  for (int k = 0; k < sync_count && k < int(all.size()); ++k)
    (all[std::size_t(k)].folder ? folders : files)[all[std::size_t(k)].inode] = all[std::size_t(k)].copy;
  // Walked from the root through durable entries only; a folder whose entries were never
  // made durable is empty, a file whose bytes were never synced is empty.
  std::vector<std::pair<std::uint64_t, fs::path>> pending{{root_inode_, fs::path(folder)}};
  fs::remove_all(folder);
  while (!pending.empty()) {
    const auto [inode, path] = pending.back();
    pending.pop_back();
    fs::create_directories(path);
    const auto listed = folders.find(inode);
    if (listed == folders.end()) continue;
    for (const Entry& e : read_entries(listed->second)) {
      const fs::path child = path / e.name;
      if (e.folder) {
        pending.push_back({e.inode, child});
        continue;
      }
      const auto bytes = files.find(e.inode);
      if (bytes != files.end()) fs::copy_file(bytes->second, child, fs::copy_options::overwrite_existing);
      else std::ofstream{child};
    }
  }
  return folder;
}

}  // namespace ft::test
