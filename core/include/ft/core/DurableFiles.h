#pragma once
// Writes that survive a power loss. A rename makes a new file visible atomically, but only
// what was synced survives: without fsync the renamed file can come back empty, and without
// syncing its folder the rename itself can be lost (then an index, or a deleted recording
// journal, points at nothing). Order: write, sync the file, rename, sync the folder.
#include <string>
#include <string_view>

namespace ft {

// fsync of a file or folder; throws ft::Error (Io) when it fails.
void sync_path(const std::string& path);

// `from` (already written) synced, renamed to `to`, and `to`'s folder synced.
void replace_durably(const std::string& from, const std::string& to);

// create_directories whose result survives a power loss: each folder it creates is synced
// into its parent (a new file synced in a folder whose own entry was lost is lost with it).
// OwnerOnly: the folders it creates are 0700 (patient data); existing folders are left as
// they are — a folder the user chose may be shared on purpose. Throws ft::Error (Io).
enum class FolderAccess { Default, OwnerOnly };
void create_directories_durably(const std::string& path, FolderAccess access = FolderAccess::Default);

// `text` written as the whole of `path`, or `path` left as it was: written to `path.partial`,
// synced, renamed into place, the folder synced. Missing folders are made as
// create_directories_durably does, or (Refuse: a folder that has gone must stay gone, like a
// delivered outbox job's) make the write fail. OwnerOnly: the file is 0600 from its creation,
// before a byte is in it (settings may hold credentials), and folders made for it 0700. `what`
// names the file in errors ("settings", "outbox job"). Throws ft::Error (Io), e.g. on a full
// disk; no `.partial` is left behind.
enum class MissingFolders { Create, Refuse };
void write_file_durably(const std::string& path, std::string_view text, const std::string& what,
                        FolderAccess access = FolderAccess::Default, MissingFolders folders = MissingFolders::Create);

// Readable and writable by the owner only (folders 0700, files 0600): for files and folders
// FibreTrack itself made that hold patient data or credentials (queued and stored objects,
// the study index, the settings). Throws ft::Error (Io).
void restrict_to_owner(const std::string& path);

}  // namespace ft
