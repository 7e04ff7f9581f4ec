#include "FolderLock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>

namespace ft::dicom::detail {
namespace fs = std::filesystem;

FolderLock::FolderLock(const fs::path& folder, bool wait) : fd_(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
  if (fd_ >= 0 && ::flock(fd_, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);
}

void remove_abandoned_folders(const std::string& directory, const std::string& prefix) {
  std::error_code ec;
  const auto abandoned_before = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    if (entry.path().filename().string().rfind(prefix, 0) != 0) continue;
    std::error_code age_ec;
    const auto written = fs::last_write_time(entry.path(), age_ec);
    if (age_ec || written >= abandoned_before) continue;
    const FolderLock maker_gone(entry.path(), /*wait=*/false);
    if (maker_gone.held()) fs::remove_all(entry.path(), age_ec);
  }
}

}  // namespace ft::dicom::detail
