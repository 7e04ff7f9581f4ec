#pragma once
// What a power loss could leave on disk, in the manner of ALICE and CrashMonkey but without
// special privileges: a command runs under the sync-log shim (SyncLogShim.c) with
// FT_CRASH_DIR/FT_CRASH_ROOT set, which copies what each fsync/fdatasync under the root made
// durable. The crash state after sync k is then rebuilt under the strictest model a POSIX
// file system allows: a file holds what its last sync wrote (nothing if it was never synced),
// a folder holds the entries its last sync saw (the entries it had before the command if it
// was never synced), and nothing else survives — an unsynced rename, unlink or new file is
// lost. What was on disk before the command counts as durable.
#include <map>
#include <string>
#include <vector>

#include "TestSupport.h"

namespace ft::test {

class CrashRecorder {
 public:
  // Remembers `root` (a folder that exists) as it is now; copies go to a folder of its own in
  // `scratch` (several recorders may watch one root, one after the other).
  CrashRecorder(const TempDir& scratch, const std::string& root);

  // Environment assignments to put before a command line: the shim and where it copies to.
  std::string environment() const;

  // The number of crash points recorded so far: one before the first sync, one after each.
  int crash_points() const;

  // Rebuilds the crash state after `syncs` syncs (0: before the first) in `folder`, which
  // takes the root's place. Returns `folder`.
  std::string rebuild(int syncs, const std::string& folder) const;

  const std::string& root() const { return root_; }

 private:
  // A file's or folder's identity: inode number and birth time (inode numbers are reused).
  using Identity = std::string;
  struct Entry {
    std::string name;
    Identity identity;
    bool folder = false;
  };
  struct Sync {
    bool folder = false;
    Identity identity;
    std::string copy;  // the bytes or the entries made durable
  };
  std::vector<Sync> syncs() const;
  static std::vector<Entry> read_entries(const std::string& copy);
  void remember(const std::string& path, const Identity& identity, bool folder);

  std::string root_;  // canonical: the shim compares the paths the kernel reports
  std::string copies_;
  Identity root_identity_;
  std::map<Identity, std::string> initial_files_;    // identity -> copy of its bytes
  std::map<Identity, std::string> initial_folders_;  // identity -> copy of its entries
};

}  // namespace ft::test
