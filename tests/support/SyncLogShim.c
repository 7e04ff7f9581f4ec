/* An LD_PRELOAD shim for durability tests: logs every fsync/fdatasync (with the path of the
 * file or folder synced) and every rename, in order (tab-separated), to the file named by FT_SYNC_LOG. Tests
 * run a real command under it and check that what was acknowledged was synced before it was
 * published, and its folder after (the order a crash-consistency checker such as ALICE asks
 * for). No special privileges.
 * With FT_SYNC_FAIL set, an fsync/fdatasync of a path containing that text fails with EIO, as
 * it does when a full disk, a lost NFS server or a failing device could not write back the
 * bytes already accepted: the error a program sees only at the sync. Nothing else is changed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void log_line(const char* what, const char* a, const char* b) {
  const char* path = getenv("FT_SYNC_LOG");
  if (!path) return;
  char line[2 * PATH_MAX + 32];
  const int n = snprintf(line, sizeof line, "%s\t%s%s%s\n", what, a, b ? "\t" : "", b ? b : "");
  if (n <= 0) return;
  const int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;
  ssize_t ignored = write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  (void)ignored;
  close(fd);
}

static void path_of(int fd, char* target, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, target, size - 1);
  target[n > 0 ? n : 0] = '\0';
}

static void log_fd(const char* what, int fd) {
  char target[PATH_MAX];
  path_of(fd, target, sizeof target);
  log_line(what, target[0] ? target : "?", NULL);
}

/* Whether this sync is to fail (FT_SYNC_FAIL names part of the path). */
static int fails(int fd) {
  const char* match = getenv("FT_SYNC_FAIL");
  if (!match || !*match) return 0;
  char target[PATH_MAX];
  path_of(fd, target, sizeof target);
  return strstr(target, match) != NULL;
}

/* The real calls, resolved once before main (record writes from several threads). */
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_rename)(const char*, const char*);
__attribute__((constructor)) static void resolve(void) {
  real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  real_rename = (int (*)(const char*, const char*))dlsym(RTLD_NEXT, "rename");
}

/* Either sync: failed on request (FT_SYNC_FAIL), else done and logged when it succeeded. */
static int sync_logged(int (*real)(int), const char* what, int fd) {
  if (fails(fd)) {
    errno = EIO;
    return -1;
  }
  const int r = real(fd);
  if (r == 0) log_fd(what, fd);
  return r;
}

int fsync(int fd) { return sync_logged(real_fsync, "fsync", fd); }

/* Data but not every metadata: enough for a file's bytes, not a folder's entries. */
int fdatasync(int fd) { return sync_logged(real_fdatasync, "fdatasync", fd); }

int rename(const char* from, const char* to) {
  char a[PATH_MAX], b[PATH_MAX];
  /* Absolute paths for the log, taken before the call (the source is gone after it). */
  const char* ra = realpath(from, a);
  const int r = real_rename(from, to);
  if (r == 0) log_line("rename", ra ? a : from, realpath(to, b) ? b : to);
  return r;
}
