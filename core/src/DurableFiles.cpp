#include "ft/core/DurableFiles.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "ft/core/Error.h"

namespace ft {

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

void restrict_to_owner(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool folder = fs::is_directory(path, ec);
  fs::permissions(path, folder ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace, ec);
  if (ec) throw Error(ErrorCode::Io, "cannot make " + path + " private to its owner: " + ec.message());
}

void create_directories_durably(const std::string& path) {
  namespace fs = std::filesystem;
  // The missing folders, outermost first; the first existing ancestor gets their entry.
  std::vector<fs::path> missing;
  fs::path p = fs::absolute(fs::path(path)).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "a/b/": its last name is b
  std::error_code ec;
  while (!p.empty() && !fs::exists(p, ec)) {
    missing.insert(missing.begin(), p);
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  if (missing.empty()) return;
  if (!fs::create_directories(path, ec) && ec)
    throw Error(ErrorCode::Io, "cannot create folder " + path + ": " + ec.message());
  for (const fs::path& made : missing) sync_path(made.parent_path().string());
  sync_path(missing.back().string());
}

}  // namespace ft
