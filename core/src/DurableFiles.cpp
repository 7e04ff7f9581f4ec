#include "ft/core/DurableFiles.h"

#include <fcntl.h>
#include <sys/stat.h>
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

void create_directories_durably(const std::string& path, FolderAccess access) {
  namespace fs = std::filesystem;
  if (path.empty()) throw Error(ErrorCode::InvalidArgument, "no folder given");
  std::error_code ec;
  // The missing folders, outermost first (symbolic links in the existing part resolved as the
  // kernel would); the first existing ancestor gets the first one's entry.
  fs::path p = fs::weakly_canonical(fs::absolute(fs::path(path), ec), ec);
  if (ec) throw Error(ErrorCode::Io, "cannot resolve folder " + path + ": " + ec.message());
  std::vector<fs::path> missing;
  while (!p.empty() && !fs::exists(p, ec)) {
    missing.insert(missing.begin(), p);
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  // Made one by one, so that a private folder is never visible with a wider mode.
  const mode_t mode = access == FolderAccess::OwnerOnly ? 0700 : 0777;  // less the umask
  for (const fs::path& made : missing)
    if (::mkdir(made.c_str(), mode) != 0 && errno != EEXIST) {  // EEXIST: another process made it first
      const int saved = errno;
      throw Error(ErrorCode::Io, "cannot create folder " + made.string() + ": " + std::strerror(saved));
    }
  for (const fs::path& made : missing) sync_path(made.parent_path().string());
  if (!missing.empty()) sync_path(missing.back().string());
}

void write_file_durably(const std::string& path, std::string_view text, const std::string& what, FolderAccess access,
                        MissingFolders folders) {
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (!folder.empty() && folders == MissingFolders::Create) create_directories_durably(folder.string(), access);
  const std::string partial = path + ".partial";
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        access == FolderAccess::OwnerOnly ? 0600 : 0666);  // less the umask
  if (fd < 0) {
    const int saved = errno;
    throw Error(ErrorCode::Io, "cannot write " + what + " " + path + ": " + std::strerror(saved));
  }
  // O_TRUNC keeps an earlier partial file's mode: make it private before writing.
  int failed = access == FolderAccess::OwnerOnly && ::fchmod(fd, 0600) != 0 ? errno : 0;
  for (std::size_t done = 0; failed == 0 && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) failed = n == 0 ? ENOSPC : errno;
    else done += std::size_t(n);
  }
  // Synced through the descriptor that wrote, and close checked: a file system that reports a
  // write error only then (NFS) must not have a short file renamed into place.
  if (failed == 0 && ::fsync(fd) != 0) failed = errno;
  if (::close(fd) != 0 && failed == 0) failed = errno;
  try {
    if (failed != 0)
      throw Error(ErrorCode::Io, "cannot write " + what + " " + path + " (disk full?): " + std::strerror(failed));
    replace_durably(partial, path);
  } catch (const Error&) {
    std::remove(partial.c_str());
    throw;
  }
}

}  // namespace ft
