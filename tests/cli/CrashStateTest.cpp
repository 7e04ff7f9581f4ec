// A power loss at any moment of a recording loses no frame that was already safe: the
// recording runs under the crash recorder (support/CrashStates.h), and every state a crash
// could leave — after each sync, only synced data kept — is opened as a user would after the
// restart: the clip if it is there, else `fibretrack recover` on the journal. The frames
// that can be had back never decrease from one crash point to the next, a clip under its
// final name is always whole, and after the last sync every frame recorded is in the clip and
// no journal is left to refuse the next recording. 40 frames: past the journal's periodic sync.
#include <gtest/gtest.h>

#include <filesystem>

#include "CrashStates.h"
#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipReader.h"

namespace ft {
namespace {

// Frames in a clip, or -1 when it cannot be read.
int frames_in(const std::string& clip) {
  try {
    return dicom::DicomClipReader(clip).frame_count();
  } catch (const Error&) {
    return -1;
  }
}

// What a user gets back from a crash state: the clip, else what `recover` rebuilds from the
// journal, else nothing. A clip under its final name that does not read is a failure.
int frames_after_restart(const test::TempDir& dir, const std::string& state) {
  const std::string clip = state + "/rec.dcm";
  if (test::file_exists(clip)) {
    const int n = frames_in(clip);
    EXPECT_GE(n, 0) << "a clip under its final name does not read in " << state;
    return n;
  }
  if (!test::file_exists(state + "/rec.dcm.journal/journal.ftj")) return 0;
  const std::string out = dir.file("recovered.dcm");
  std::filesystem::remove(out);
  const test::CommandResult r = test::run_command("'" + test::cli_path() + "' recover '" + state + "/rec.dcm.journal' --out '" + out + "'");
  // A journal with its header but no frame yet holds nothing to recover.
  return r.exit_code == 0 ? frames_in(out) : 0;
}

}  // namespace

TEST(CrashStates, ARecordingLosesNoSyncedFrameAtAnyCrashPoint) {
  test::TempDir dir;
  const std::string exam = dir.file("exam");
  std::filesystem::create_directories(exam);
  test::CrashRecorder recorder(dir, exam);
  const test::CommandResult r = test::run_command(recorder.environment() + "'" + test::cli_path() +
                                                  "' record --source 'sim:intact?seed=2&fps=40' --frames 40 --out '" +
                                                  recorder.root() + "/rec.dcm'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const int points = recorder.crash_points();
  ASSERT_GT(points, 6) << "the recording synced its journal (periodically too), its clip and their folders";
  int before = 0;
  for (int k = 0; k < points; ++k) {
    const int frames = frames_after_restart(dir, recorder.rebuild(k, dir.file("state")));
    EXPECT_GE(frames, before) << "a crash after sync " << k << " of " << points - 1 << " loses frames a crash before it kept";
    before = std::max(before, frames);
  }
  EXPECT_EQ(before, 40) << "after the last sync every frame is in the clip";
  const std::string last = recorder.rebuild(points - 1, dir.file("state"));
  EXPECT_EQ(frames_in(last + "/rec.dcm"), 40);
  EXPECT_FALSE(std::filesystem::exists(last + "/rec.dcm.journal/journal.ftj")) << "a journal left beside the clip refuses the next recording";
}

}  // namespace ft
