#pragma once
// Folders a process fills and publishes or removes (an outbox job being queued, a retrieve's
// staging folder): it holds the folder locked while it works, so that another process can tell
// a live one from one a crash left behind.
#include <filesystem>
#include <string>

namespace ft::dicom::detail {

// An exclusive lock on a folder (flock on its descriptor) held for the object's lifetime. The
// kernel releases it when the process dies, however it dies.
class FolderLock {
 public:
  FolderLock(const std::filesystem::path& folder, bool wait);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_;
};

// Removes the folders of `directory` whose names start with `prefix` that no process holds
// locked (their maker died) and that are over an hour old (the lock is taken just after the
// folder is made).
void remove_abandoned_folders(const std::string& directory, const std::string& prefix);

}  // namespace ft::dicom::detail
