#include "ft/plugin/FrameJournal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/statvfs.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "TestSupport.h"
#include "ft/core/Error.h"

namespace ft {
namespace {
JournalHeader header_512() {
  JournalHeader h;
  h.width_px = 512;
  h.height_px = 512;
  h.frame_time_ms = 25.0;
  return h;
}

Frame numbered_frame(int n) {
  Frame f(512, 512, PixelDepth::Bits8);
  for (std::size_t i = 0; i < f.byte_count(); ++i) f.bytes()[i] = std::uint8_t((i * 7 + n * 13) & 0xFF);
  f.sequence_number = std::uint64_t(n);
  return f;
}

std::uint64_t free_bytes(const std::string& dir) {
  struct statvfs fs {};
  EXPECT_EQ(::statvfs(dir.c_str(), &fs), 0);
  return std::uint64_t(fs.f_bavail) * fs.f_frsize;
}
}  // namespace

// The journal holds the exam's frames (burned-in names included): the owner's only.
TEST(FrameJournal, TheJournalIsPrivateToItsOwner) {
  const test::ScopedUmask umask(022);
  test::TempDir dir;
  FrameJournalWriter writer(dir.file("journal"), header_512(), 4, 0);
  writer.append(numbered_frame(0));
  writer.close();
  EXPECT_EQ(test::permissions_of(journal_path(dir.file("journal"))), 0600);
  EXPECT_EQ(test::permissions_of(dir.file("journal")), 0700) << "a folder the journal made";
}

// After a failed recording the journal is the exam's only copy: a new recording into the
// same folder is refused, and says how to recover the old one.
TEST(FrameJournal, AnEarlierJournalIsNeverOverwritten) {
  test::TempDir dir;
  {
    FrameJournalWriter first(dir.path(), header_512(), 1, 0);
    first.append(numbered_frame(0));
  }
  try {
    FrameJournalWriter second(dir.path(), header_512(), 1, 0);
    FAIL() << "a second recording opened over the first one's journal";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fibretrack recover"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_journal(dir.path()).clip.frames.size(), 1u) << "the first recording's frame is still there";
}

// A journal left by a recording cut before its first frame reached the disk holds nothing to
// recover: it no longer refuses the next recording. One with an empty file (a power loss kept
// its entry, not its header) is renamed aside, never deleted; one with only its header goes.
TEST(FrameJournal, AJournalThatHoldsNoFrameDoesNotRefuseTheNextRecording) {
  test::TempDir dir;
  { FrameJournalWriter header_only(dir.path(), header_512(), 1, 0); }
  {
    FrameJournalWriter next(dir.path(), header_512(), 1, 0);
    next.append(numbered_frame(3));
  }
  EXPECT_EQ(read_journal(dir.path()).clip.frames.size(), 1u);

  test::TempDir cut;
  std::ofstream(journal_path(cut.path())).flush();  // the entry without its header
  {
    FrameJournalWriter next(cut.path(), header_512(), 1, 0);
    next.append(numbered_frame(4));
  }
  EXPECT_EQ(read_journal(cut.path()).clip.frames.size(), 1u);
  int set_aside = 0;
  for (const auto& e : std::filesystem::directory_iterator(cut.path()))
    set_aside += e.path().filename().string().rfind("journal.ftj.unreadable-", 0) == 0;
  EXPECT_EQ(set_aside, 1);
}

TEST(FrameJournal, EveryCompleteRecordComesBackAndAPartialTailIsLeftOut) {
  test::TempDir dir;
  {
    FrameJournalWriter writer(dir.path(), header_512(), 4, 0);
    for (int n = 0; n < 5; ++n) writer.append(numbered_frame(n));
    writer.close();
  }
  std::ofstream(journal_path(dir.path()), std::ios::binary | std::ios::app) << "FTFM half a record";
  const RecoveredJournal back = read_journal(dir.path());
  ASSERT_EQ(back.clip.frames.size(), 5u);
  EXPECT_TRUE(back.truncated_tail);
  const Frame expected = numbered_frame(3);
  EXPECT_EQ(back.clip.frames[3].sequence_number, 3u);
  EXPECT_EQ(std::memcmp(back.clip.frames[3].bytes(), expected.bytes(), expected.byte_count()), 0);
}

TEST(FrameJournal, RefusesToStartWhenTheDiskReserveIsAlreadyGone) {
  test::TempDir dir;
  try {
    FrameJournalWriter writer(dir.path(), header_512(), 16, free_bytes(dir.path()) + (1ull << 40));
    FAIL() << "a recording started on a disk without its reserve";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Io);
    EXPECT_NE(std::string(e.what()).find("disk nearly full"), std::string::npos) << e.what();
  }
}

TEST(FrameJournal, StopsBeforeTheDiskFillsAndKeepsEveryFrameWritten) {
  test::TempDir dir;
  // Reserve all but 4 MiB of what is free now: 256 KiB frames cross it within ~16 frames.
  const std::uint64_t reserve = free_bytes(dir.path()) - (4ull << 20);
  FrameJournalWriter writer(dir.path(), header_512(), 1, reserve);
  int appended = 0;
  bool stopped = false;
  for (int n = 0; n < 400 && !stopped; ++n) {
    try {
      writer.append(numbered_frame(n));
      ++appended;
    } catch (const Error& e) {
      stopped = true;
      EXPECT_NE(std::string(e.what()).find("all of them kept"), std::string::npos) << e.what();
    }
  }
  ASSERT_TRUE(stopped) << "wrote " << appended << " frames past the reserve";
  // The check runs after the frame is on disk: the frame that crossed the reserve is kept too.
  EXPECT_EQ(long(read_journal(dir.path()).clip.frames.size()), appended + 1);
}

// A journal is read after a crash, so its header may be damaged: each bad value is refused by
// name (the old reading converted 1e30 into an int, undefined behaviour, and took -3 for a width).
TEST(FrameJournal, ADamagedHeaderIsRefusedByNameNotConverted) {
  const std::string good_region = R"({"x0":0,"y0":0,"x1":511,"y1":511,"format":1,"units_x":3,"units_y":3,"mm_per_px":[0.1,0.1]})";
  const std::string region_with_format_70000 =
      R"({"x0":0,"y0":0,"x1":511,"y1":511,"format":70000,"units_x":3,"units_y":3,"mm_per_px":[0.1,0.1]})";
  const auto header = [](const std::string& width, const std::string& region) {
    return R"({"width":)" + width + R"(,"height":512,"bits":8,"frame_time_ms":25.0,"regions":[)" + region + "]}";
  };
  const std::vector<std::pair<std::string, std::string>> damaged = {
      {header("1e30", good_region), "width"},
      {header("-3", good_region), "width"},
      {header("512.5", good_region), "width"},
      {header("512", region_with_format_70000), "format"},
      {R"({"width":512,"height":512,"bits":8,"frame_time_ms":25.0,"regions":{"a":1}})", "regions"},
      {R"({"height":512,"bits":8,"frame_time_ms":25.0,"regions":[]})", "width"},
      {R"({"width":512,"height":512,"bits":12,"frame_time_ms":25.0,"regions":[]})", "bits"},
      {R"({"width":512,"height":512,"bits":8,"frame_time_ms":-1,"regions":[]})", "frame_time_ms"},
  };
  test::TempDir dir;
  for (const auto& [line, key] : damaged) {
    std::ofstream(journal_path(dir.path()), std::ios::binary | std::ios::trunc) << "FIBRETRACK-JOURNAL 1\n" << line << "\n";
    try {
      read_journal(dir.path());
      ADD_FAILURE() << "read: " << line;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::CorruptData) << line;
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
  std::ofstream(journal_path(dir.path()), std::ios::binary | std::ios::trunc)
      << "FIBRETRACK-JOURNAL 1\n" << header("512", good_region) << "\n";
  EXPECT_EQ(read_journal(dir.path()).clip.regions.size(), 1u) << "the same header, undamaged, is read";
}

// What the writer writes reads back: a spectral Doppler region from a DICOM file (units 7, cm/s,
// beyond our enum's names), an empty rectangle, a rate not known at the start, a calibration that
// is not a number (JSON has no NaN: written as null, read back as none).
TEST(FrameJournal, EveryHeaderTheWriterWritesReadsBack) {
  JournalHeader h = header_512();
  h.frame_time_ms = std::numeric_limits<double>::quiet_NaN();
  UltrasoundRegion doppler;
  doppler.bounds = {0, 300, 511, 511};
  doppler.spatial_format = RegionSpatialFormat::Spectral;
  doppler.units_x = PhysicalUnits::Second;
  doppler.units_y = PhysicalUnits(7);
  UltrasoundRegion empty;  // x1 = y1 = -1
  empty.spatial_format = RegionSpatialFormat(0xFFFF);
  empty.mm_per_px_x = std::numeric_limits<double>::infinity();
  h.regions = {doppler, empty};
  test::TempDir dir;
  {
    FrameJournalWriter writer(dir.path(), h, 4, 0);
    writer.append(numbered_frame(0));
    writer.close();
  }
  const RecoveredJournal back = read_journal(dir.path());
  ASSERT_EQ(back.clip.regions.size(), 2u);
  EXPECT_EQ(back.clip.regions[0].units_y, PhysicalUnits(7));
  EXPECT_EQ(back.clip.regions[0].bounds.y0_px, 300);
  EXPECT_EQ(back.clip.regions[1].bounds.x1_px, -1);
  EXPECT_EQ(back.clip.regions[1].spatial_format, RegionSpatialFormat(0xFFFF));
  EXPECT_EQ(back.clip.regions[1].mm_per_px_x, 0.0) << "no calibration";
  EXPECT_EQ(back.clip.frame_time_ms, 0.0) << "rate not known";
  EXPECT_EQ(back.clip.frames.size(), 1u);
}

// A header claiming 65 535 x 65 535 px of 16 bits (8.6 GB a frame) over a short record: the
// record is judged by its length before any frame is allocated.
TEST(FrameJournal, AHugeHeaderOverAShortRecordAllocatesNoFrame) {
  test::TempDir dir;
  std::ofstream out(journal_path(dir.path()), std::ios::binary);
  out << "FIBRETRACK-JOURNAL 1\n"
      << R"({"width":65535,"height":65535,"bits":16,"frame_time_ms":25.0,"regions":[]})" << "\n";
  const std::uint32_t magic = 0x4D465446, bytes = 16;
  const std::uint64_t sequence = 0;
  const std::int64_t time_ns = 0;
  out.write(reinterpret_cast<const char*>(&magic), 4).write(reinterpret_cast<const char*>(&sequence), 8);
  out.write(reinterpret_cast<const char*>(&time_ns), 8).write(reinterpret_cast<const char*>(&bytes), 4);
  out << std::string(16 + 4, '\0');
  out.close();
  const RecoveredJournal back = read_journal(dir.path());
  EXPECT_TRUE(back.clip.frames.empty());
  EXPECT_TRUE(back.truncated_tail);
}

}  // namespace ft
