#pragma once
// Crash-safe recording: every frame is appended to a journal file the moment it
// arrives, as one self-checking record (magic, sequence, time, length, pixels, CRC-32)
// written with a single write(). If the process is killed or the probe drops, the
// journal holds every frame up to the last complete record; `fibretrack recover` turns
// it into a DICOM clip.
#include <cstdint>
#include <string>
#include <vector>

#include "ft/core/Clip.h"

namespace ft {

struct JournalHeader {
  int width_px = 0;
  int height_px = 0;
  PixelDepth depth = PixelDepth::Bits8;
  double frame_time_ms = 0.0;
  std::vector<UltrasoundRegion> regions;
  ClipSource source;
};

// The recording stops (ft::Error(Io), every frame so far kept) while at least this much
// disk is still free: the DICOM export of the recording and the PACS outbox need room
// too, and a full disk would stop them as well.
constexpr std::uint64_t kDefaultDiskReserveBytes = 512ull << 20;

class FrameJournalWriter {
 public:
  // Creates `directory` if needed and starts `directory`/journal.ftj. Throws ft::Error(Io),
  // also when less than `disk_reserve_bytes` is free there (checked again at every sync).
  FrameJournalWriter(const std::string& directory, const JournalHeader& header, int sync_every = 16,
                     std::uint64_t disk_reserve_bytes = kDefaultDiskReserveBytes);
  ~FrameJournalWriter();
  FrameJournalWriter(const FrameJournalWriter&) = delete;
  FrameJournalWriter& operator=(const FrameJournalWriter&) = delete;

  // Appends one frame; throws ft::Error(Io) (disk full, ...) or InvalidArgument (wrong size).
  void append(const Frame& frame);
  void close();  // flushes to disk
  long frames_written() const noexcept { return frames_; }

 private:
  static bool set_aside_if_it_holds_no_frame(const std::string& directory);
  void check_free_space() const;
  void sync_data(const char* what) const;  // fdatasync, or ft::Error (Io) saying what was lost

  int fd_ = -1;
  std::string directory_;
  std::uint64_t disk_reserve_bytes_;
  JournalHeader header_;
  int sync_every_;
  long frames_ = 0;
  std::vector<std::uint8_t> buffer_;
};

struct RecoveredJournal {
  Clip clip;
  bool truncated_tail = false;  // a partial last record was found (and left out)
  std::string note;
};

// Reads every complete record of `directory`/journal.ftj. Throws ft::Error(NotFound /
// CorruptData) when there is no usable journal header.
RecoveredJournal read_journal(const std::string& directory);

std::string journal_path(const std::string& directory);

}  // namespace ft
