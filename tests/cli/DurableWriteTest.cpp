// Writes that survive a power loss, checked on the real command line tool: run under an
// LD_PRELOAD shim that logs every fsync and rename in order (support/SyncLogShim.c), the
// file must be synced before it is renamed into place and its folder synced after — what
// is left after a crash is then either the old state or the whole new file, never an empty
// one, and a queued send is not lost with its folder entry.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "SyncLog.h"
#include "TestSupport.h"

namespace ft {
namespace {

using test::SyncEvent;

// The command line tool run with the shim; the log read back.
std::vector<SyncEvent> synced_by(const test::TempDir& dir, const std::string& args, int expected_exit_code = 0) {
  const test::SyncedRun run = test::run_with_sync_log(dir, "'" + test::cli_path() + "' " + args);
  EXPECT_EQ(run.result.exit_code, expected_exit_code) << run.result.err;
  return run.events;
}

long find(const std::vector<SyncEvent>& events, const std::string& what, const std::string& path, long from = 0) {
  return test::find_sync_event(events, what, path, from);
}

std::string real(const std::string& path) { return test::resolved_path(path); }

}  // namespace

TEST(DurableWrite, AClipIsSyncedBeforeItIsRenamedIntoPlaceAndItsFolderAfter) {
  test::TempDir dir;
  const std::vector<SyncEvent> events = synced_by(dir, "simulate --preset intact --frames 3 --out '" + dir.file("clip.dcm") + "'");
  const std::string clip = real(dir.path()) + "/clip.dcm";
  std::string why;
  EXPECT_TRUE(test::replaced_durably(events, clip + ".partial", clip, why)) << why;
}

// A frame grabber's calibration (the crop and the scale every measurement of that device
// depends on) survives a power loss as the old one or the new one, never as an empty file.
TEST(DurableWrite, AFrameGrabbersCalibrationIsSyncedBeforeItReplacesTheOldOne) {
  test::TempDir dir;
  const std::string config = real(dir.path()) + "/config";
  const test::SyncedRun run = test::run_with_sync_log(
      dir, "FIBRETRACK_CONFIG_DIR='" + config + "' '" + test::cli_path() +
               "' video-calibrate grabber --crop 120,60,800,518 --points 700,100,700,480 --distance-mm 40");
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  const std::string saved = config + "/video/grabber.json";
  std::string why;
  EXPECT_TRUE(test::replaced_durably(run.events, saved + ".partial", saved, why)) << why;
  EXPECT_GE(find(run.events, "fsync", config), 0) << "the folder made for the calibrations was never synced into its parent";
}

// A recording: the journal (itself synced frame by frame) is removed only after the clip
// made from it is on disk: synced, renamed, its folder synced, and read back whole.
TEST(DurableWrite, ARecordingsJournalOutlivesAnUnsyncedClip) {
  test::TempDir dir;
  const std::vector<SyncEvent> events = synced_by(
      dir, "record --source 'sim:intact?fps=50' --frames 5 --out '" + dir.file("clip.dcm") + "' --journal '" +
               dir.file("journal") + "'");
  const std::string folder = real(dir.path()), clip = folder + "/clip.dcm";
  const long renamed = find(events, "rename", clip + ".partial");
  ASSERT_GE(renamed, 0);
  EXPECT_GE(find(events, "fsync", clip + ".partial"), 0);
  EXPECT_LT(find(events, "fsync", clip + ".partial"), renamed);
  EXPECT_GE(find(events, "fsync", folder, renamed), 0);
  EXPECT_FALSE(test::file_exists(dir.file("journal") + "/journal.ftj")) << "removed once the clip is safe";
}

// The journal is the exam's only copy while it is recorded: the folders made for it and its
// file's entry are synced before frames go in (a file synced in a folder whose own entry was
// lost is lost with it), and so is its header.
TEST(DurableWrite, ARecordingsJournalAndTheFoldersMadeForItAreOnDiskBeforeItsFrames) {
  test::TempDir dir;
  const std::string folder = real(dir.path()), journal = folder + "/new/journal";
  const std::vector<SyncEvent> events = synced_by(
      dir, "record --source 'sim:intact?fps=50' --frames 5 --out '" + dir.file("clip.dcm") + "' --journal '" + journal + "'");
  const long header = find(events, "fdatasync", journal + "/journal.ftj");
  ASSERT_GE(header, 0) << "the header was never synced";
  const long first_frames = find(events, "fdatasync", journal + "/journal.ftj", header + 1);
  ASSERT_GT(first_frames, header);
  for (const std::string& made : {folder, folder + "/new"}) {
    const long synced = find(events, "fsync", made);
    EXPECT_GE(synced, 0) << made << ": the entry of a folder made for the journal was never synced";
    EXPECT_LT(synced, first_frames) << made;
  }
  const long file_entry = find(events, "fsync", journal, header);  // after the file exists
  EXPECT_GE(file_entry, 0) << "the journal file's own entry was never synced";
  EXPECT_LT(file_entry, first_frames);
}

// The outbox: the object and its job synced, the folder published under the job's id by a
// rename, the outbox folder synced — all before "waiting in the outbox" is said.
TEST(DurableWrite, ASendThatIsQueuedSurvivesAPowerLoss) {
  test::TempDir dir;
  ASSERT_EQ(test::run_command("'" + test::cli_path() + "' simulate --preset intact --frames 3 --out '" +
                              dir.file("clip.dcm") + "'").exit_code, 0);
  const std::string outbox = dir.file("outbox");
  const std::string node = "PACS@127.0.0.1:" + std::to_string(test::free_loopback_port());
  const std::vector<SyncEvent> events =
      synced_by(dir, "send '" + dir.file("clip.dcm") + "' --to " + node + " --timeout 2 --outbox '" + outbox + "'",
                1);  // the PACS is down: not sent, waiting in the outbox
  long published = -1;
  for (long i = 0; i < long(events.size()); ++i)
    if (events[std::size_t(i)].what == "rename" && events[std::size_t(i)].path.find("/.incoming-") != std::string::npos)
      published = i;
  ASSERT_GE(published, 0) << "queued through an .incoming- folder";
  const std::string incoming = events[std::size_t(published)].path;
  EXPECT_GE(find(events, "fsync", incoming + "/object.dcm"), 0);
  EXPECT_LT(find(events, "fsync", incoming + "/object.dcm"), published);
  EXPECT_GE(find(events, "fsync", incoming + "/job.json"), 0);
  EXPECT_LT(find(events, "fsync", incoming + "/job.json"), published);
  EXPECT_GE(find(events, "fsync", incoming), 0) << "the job's folder itself";
  EXPECT_LT(find(events, "fsync", incoming), published);
  EXPECT_GE(find(events, "fsync", real(outbox), published), 0) << "the job's folder entry was never synced";
}

// A disk that fills or fails after accepting the bytes reports it only at the sync: the
// command must fail with a clear error and publish nothing (no half-written clip under the
// final name, no temporary left behind).
TEST(DurableWrite, AClipWhoseBytesCannotReachTheDiskIsNotPublished) {
  test::TempDir dir;
  const test::CommandResult r = test::run_command(
      "FT_SYNC_FAIL='clip.dcm.partial' LD_PRELOAD='" FT_SYNC_LOG_SHIM "' '" + test::cli_path() +
      "' simulate --preset intact --frames 3 --out '" + dir.file("clip.dcm") + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("cannot sync"), std::string::npos) << r.err;
  EXPECT_FALSE(test::file_exists(dir.file("clip.dcm"))) << "published although its bytes may not be on disk";
  EXPECT_FALSE(test::file_exists(dir.file("clip.dcm.partial"))) << "the temporary is left behind";
}

// The same failure at the end of a recording: the exam is still in its journal, and the
// error says how to get it back; recover then writes the whole clip.
TEST(DurableWrite, ARecordingWhoseClipCannotReachTheDiskKeepsItsJournal) {
  test::TempDir dir;
  const std::string journal = dir.file("journal"), clip = dir.file("clip.dcm");
  const test::CommandResult r = test::run_command(
      "FT_SYNC_FAIL='clip.dcm.partial' LD_PRELOAD='" FT_SYNC_LOG_SHIM "' '" + test::cli_path() +
      "' record --source 'sim:intact?fps=50' --frames 5 --out '" + clip + "' --journal '" + journal + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("fibretrack recover"), std::string::npos) << r.err;
  EXPECT_FALSE(test::file_exists(clip));
  ASSERT_TRUE(test::file_exists(journal + "/journal.ftj")) << "the only copy of the exam was removed";
  const test::CommandResult recovered =
      test::run_command("'" + test::cli_path() + "' recover '" + journal + "' --out '" + clip + "'");
  EXPECT_EQ(recovered.exit_code, 0) << recovered.err;
  EXPECT_NE(recovered.out.find("5 frames"), std::string::npos) << recovered.out;
}

}  // namespace ft
