/* An LD_PRELOAD shim for durability tests: logs every fsync/fdatasync (with the path of the
 * file or folder synced) and every rename, in order (tab-separated), to the file named by FT_SYNC_LOG. Tests
 * run a real command under it and check that what was acknowledged was synced before it was
 * published, and its folder after (the order a crash-consistency checker such as ALICE asks
 * for). No special privileges.
 * With FT_SYNC_FAIL set, an fsync/fdatasync of a path containing that text fails with EIO, as
 * it does when a full disk, a lost NFS server or a failing device could not write back the
 * bytes already accepted: the error a program sees only at the sync. Nothing else is changed.
 * With FT_CRASH_DIR and FT_CRASH_ROOT set, every successful sync of a file or folder under
 * FT_CRASH_ROOT also leaves a copy of what it made durable in FT_CRASH_DIR — the file's bytes,
 * or the folder's entries (name, inode, kind) — and a line "file|dir <inode> <copy> <path>" in
 * FT_CRASH_DIR/log, in the order the syncs returned. support/CrashStates.cpp rebuilds from
 * them what a crash at each point would leave (only synced data survives). */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Whether path is root or lies under it. */
static int under(const char* path, const char* root) {
  const size_t n = strlen(root);
  return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static void copy_bytes(const char* path, int out) {
  const int in = open(path, O_RDONLY | O_CLOEXEC);
  if (in < 0) return;
  char buffer[1 << 16];
  for (ssize_t n; (n = read(in, buffer, sizeof buffer)) > 0;)
    if (write(out, buffer, (size_t)n) != n) break;
  close(in);
}

/* name TAB inode TAB d|f, one line per entry (other kinds are not written by the tools). */
static void copy_entries(const char* path, int out) {
  DIR* d = opendir(path);
  if (!d) return;
  for (struct dirent* e; (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    struct stat st;
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) continue;
    char line[NAME_MAX + 64];
    const int n = snprintf(line, sizeof line, "%s\t%llu\t%c\n", e->d_name, (unsigned long long)st.st_ino,
                           S_ISDIR(st.st_mode) ? 'd' : 'f');
    if (n > 0 && write(out, line, (size_t)n) != n) break;
  }
  closedir(d);
}

/* After a successful sync: what it made durable, copied (FT_CRASH_DIR mode). The copy is
 * taken after the sync returned, so bytes another thread wrote meanwhile are in it too. */
static void keep_what_was_synced(int fd) {
  const char* dir = getenv("FT_CRASH_DIR");
  const char* root = getenv("FT_CRASH_ROOT");
  if (!dir || !root) return;
  char target[PATH_MAX];
  path_of(fd, target, sizeof target);
  struct stat st;
  if (!under(target, root) || fstat(fd, &st) != 0 || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))) return;
  static int sequence;
  char copy[PATH_MAX];
  snprintf(copy, sizeof copy, "%s/%d-%d", dir, (int)getpid(), __atomic_add_fetch(&sequence, 1, __ATOMIC_SEQ_CST));
  const int out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) return;
  char self[64];  /* the synced file itself, even if renamed since, and readable even when fd is not */
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  if (S_ISDIR(st.st_mode)) copy_entries(self, out);
  else copy_bytes(self, out);
  close(out);
  char log[PATH_MAX], line[3 * PATH_MAX];
  snprintf(log, sizeof log, "%s/log", dir);
  const int n = snprintf(line, sizeof line, "%s\t%llu\t%s\t%s\n", S_ISDIR(st.st_mode) ? "dir" : "file",
                         (unsigned long long)st.st_ino, copy, target);
  const int l = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (l < 0 || n <= 0) return;
  ssize_t ignored = write(l, line, (size_t)n);
  (void)ignored;
  close(l);
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
  if (r == 0) {
    log_fd(what, fd);
    keep_what_was_synced(fd);
  }
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
