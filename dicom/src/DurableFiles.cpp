#include "DurableFiles.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "ft/core/Error.h"

namespace ft::dicom::detail {

void sync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int saved = errno;
    throw Error(ErrorCode::Io, "cannot open " + path + " to sync it: " + std::strerror(saved));
  }
  const int synced = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (synced != 0) throw Error(ErrorCode::Io, "cannot sync " + path + " to disk: " + std::strerror(saved));
}

void replace_durably(const std::string& from, const std::string& to) {
  sync_path(from);
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    const int saved = errno;
    throw Error(ErrorCode::Io, "cannot move " + from + " to " + to + ": " + std::strerror(saved));
  }
  const std::filesystem::path folder = std::filesystem::path(to).parent_path();
  sync_path(folder.empty() ? "." : folder.string());
}

}  // namespace ft::dicom::detail
