#pragma once
// Writes that survive a power loss. A rename makes a new file visible atomically, but only
// what was synced survives: without fsync the renamed file can come back empty, and without
// syncing its folder the rename itself can be lost (then an index, or a deleted recording
// journal, points at nothing). Order: write, sync the file, rename, sync the folder.
#include <string>

namespace ft {

// fsync of a file or folder; throws ft::Error (Io) when it fails.
void sync_path(const std::string& path);

// `from` (already written) synced, renamed to `to`, and `to`'s folder synced.
void replace_durably(const std::string& from, const std::string& to);

// create_directories whose result survives a power loss: each folder it creates is synced
// into its parent (a new file synced in a folder whose own entry was lost is lost with it).
// Throws ft::Error (Io).
void create_directories_durably(const std::string& path);

// Readable and writable by the owner only (folders 0700, files 0600): what holds patient data
// or secrets (the outbox, the study store, a recording's journal, the settings with the TLS
// key) is not for every user of the workstation. Throws ft::Error (Io).
void restrict_to_owner(const std::string& path);

}  // namespace ft
