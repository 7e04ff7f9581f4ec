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
 * or the folder's entries (name, identity, kind) — and a line "file|dir <identity> <copy> <path>" in
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

/* A crash-state copy that cannot be made would silently drop a crash point: stop the
 * program under test instead, so that the test fails and says why. */
static void give_up(const char* what, const char* path) {
  fprintf(stderr, "SyncLogShim: cannot %s %s: %s\n", what, path, strerror(errno));
  abort();
}

/* A file's identity across the run: its inode number and its birth time (Linux reuses the
 * numbers of removed files; a SQLite journal and the WAL made after it got the same one). */
static void identity_of(int dirfd, const char* name, char* key, size_t size, int* folder) {
  struct statx st;
  if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH), STATX_INO | STATX_TYPE | STATX_BTIME, &st) != 0)
    give_up("stat", name);
  snprintf(key, size, "%llu.%lld.%u", (unsigned long long)st.stx_ino, (long long)st.stx_btime.tv_sec, st.stx_btime.tv_nsec);
  *folder = S_ISDIR(st.stx_mode) ? 1 : S_ISREG(st.stx_mode) ? 0 : -1;
}

static void copy_bytes(const char* path, int out) {
  const int in = open(path, O_RDONLY | O_CLOEXEC);
  if (in < 0) give_up("open", path);
  char* buffer = malloc(1 << 16); /* not on the stack of a thread of the program under test */
  if (!buffer) give_up("allocate for", path);
  ssize_t n;
  while ((n = read(in, buffer, 1 << 16)) > 0)
    if (write(out, buffer, (size_t)n) != n) give_up("copy", path);
  if (n < 0) give_up("read", path);
  free(buffer);
  close(in);
}

/* name TAB identity TAB d|f, one line per entry (other kinds are not written by the tools). */
static void copy_entries(const char* path, int out) {
  DIR* d = opendir(path);
  if (!d) give_up("list", path);
  for (struct dirent* e; (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char key[96];
    int folder;
    identity_of(dirfd(d), e->d_name, key, sizeof key, &folder);
    if (folder < 0) continue;
    char line[NAME_MAX + 128];
    const int n = snprintf(line, sizeof line, "%s\t%s\t%c\n", e->d_name, key, folder ? 'd' : 'f');
    if (n <= 0 || write(out, line, (size_t)n) != n) give_up("write the entries of", path);
  }
  closedir(d);
}

/* After a successful sync: what it made durable, copied (FT_CRASH_DIR mode). The copy is
 * taken after the sync returned, so bytes another thread wrote meanwhile would be in it too
 * (record writes and syncs its journal under one lock; the other commands are single-threaded). */
static void keep_what_was_synced(int fd) {
  const char* dir = getenv("FT_CRASH_DIR");
  const char* root = getenv("FT_CRASH_ROOT");
  if (!dir || !root) return;
  const int saved_errno = errno;
  char* target = malloc(PATH_MAX);
  char* copy = malloc(PATH_MAX);
  char* line = malloc(3 * PATH_MAX);
  if (!target || !copy || !line) give_up("allocate for", "a sync");
  path_of(fd, target, PATH_MAX);
  char self[64]; /* the synced file itself, even if renamed since, and readable even when fd is not */
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  char key[96];
  int folder;
  if (under(target, root)) identity_of(fd, "", key, sizeof key, &folder);
  if (under(target, root) && folder >= 0) {
    static int sequence;
    snprintf(copy, PATH_MAX, "%s/%d-%d", dir, (int)getpid(), __atomic_add_fetch(&sequence, 1, __ATOMIC_SEQ_CST));
    const int out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) give_up("create", copy);
    if (folder) copy_entries(self, out);
    else copy_bytes(self, out);
    close(out);
    const int n = snprintf(line, 3 * PATH_MAX, "%s\t%s\t%s\t%s\n", folder ? "dir" : "file", key, copy, target);
    snprintf(copy, PATH_MAX, "%s/log", dir);
    const int l = open(copy, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (l < 0 || n <= 0 || write(l, line, (size_t)n) != n) give_up("log to", copy);
    close(l);
  }
  free(target);
  free(copy);
  free(line);
  errno = saved_errno;
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

int fsync(int fd) {
  if (!real_fsync) resolve(); /* a sync from another library's constructor, before ours ran */
  return sync_logged(real_fsync, "fsync", fd);
}

/* Data but not every metadata: enough for a file's bytes, not a folder's entries. */
int fdatasync(int fd) {
  if (!real_fdatasync) resolve();
  return sync_logged(real_fdatasync, "fdatasync", fd);
}

int rename(const char* from, const char* to) {
  char a[PATH_MAX], b[PATH_MAX];
  /* Absolute paths for the log, taken before the call (the source is gone after it). */
  const char* ra = realpath(from, a);
  const int r = real_rename(from, to);
  if (r == 0) log_line("rename", ra ? a : from, realpath(to, b) ? b : to);
  return r;
}
