#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "TestSupport.h"
#include "ft/dicom/DicomClipReader.h"

namespace ft {
namespace {
test::CommandResult fibretrack(const std::string& args) { return test::run_command("'" + test::cli_path() + "' " + args); }
}  // namespace

TEST(RecordCommand, RecordsExactlyTheFramesAskedForFromTheSimulatedProbe) {
  test::TempDir dir;
  const test::CommandResult r =
      fibretrack("record --source 'sim:full_tear?seed=3&fps=40' --frames 15 --out '" + dir.file("rec.dcm") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  dicom::DicomClipReader reader(dir.file("rec.dcm"));
  EXPECT_EQ(reader.frame_count(), 15);
  ASSERT_EQ(reader.info().regions.size(), 1u);
  EXPECT_NEAR(reader.info().regions[0].mm_per_px_x, 0.15, 1e-9);
  EXPECT_EQ(test::dciodvfy_errors(dir.file("rec.dcm")), "");
  EXPECT_FALSE(test::file_exists(dir.file("rec.dcm.journal"))) << "journal removed once the clip is written";
}

// A recording longer than one object may hold (4 GiB of pixels; here lowered to half a MB)
// becomes consecutive objects of one series: never a truncated length or an overflow.
TEST(RecordCommand, ARecordingLongerThanOneObjectHoldsIsWrittenInPartsOfOneSeries) {
  test::TempDir dir;
  const test::CommandResult r = fibretrack("record --source 'sim:full_tear?seed=3&fps=40' --frames 15 --max-object-mb 0.5 --out '" +
                                           dir.file("rec.dcm") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(test::file_exists(dir.file("rec.dcm")));
  int frames = 0, parts = 0;
  std::string series;
  for (int n = 1; test::file_exists(dir.file("rec-part" + std::to_string(n) + ".dcm")); ++n) {
    const std::string part = dir.file("rec-part" + std::to_string(n) + ".dcm");
    dicom::DicomClipReader reader(part);
    ++parts;
    frames += reader.frame_count();
    EXPECT_LE(std::filesystem::file_size(part), std::uintmax_t(0.5 * 1048576 + 64 * 1024)) << part;
    if (series.empty()) series = reader.info().series_instance_uid;
    EXPECT_EQ(reader.info().series_instance_uid, series) << "one series";
    EXPECT_EQ(test::dciodvfy_errors(part), "");
  }
  EXPECT_GT(parts, 1);
  EXPECT_EQ(frames, 15) << "every frame, once";
  EXPECT_FALSE(test::file_exists(dir.file("rec.dcm.journal"))) << "journal removed once every part reads back";
}

TEST(RecordCommand, ADiskWithoutItsReserveStopsTheRecordingWithAClearError) {
  test::TempDir dir;
  const test::CommandResult r = fibretrack("record --source 'sim:intact?seed=1' --frames 5 --disk-reserve-mb 1e12 --out '" +
                                           dir.file("rec.dcm") + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("disk nearly full"), std::string::npos) << r.err;
  EXPECT_FALSE(test::file_exists(dir.file("rec.dcm")));
}

TEST(RecordCommand, ReplayOfADicomCineRecordsItsFramesUnchanged) {
  test::TempDir dir;
  const std::string source = test::sample_data_dir() + "/partial_tear.dcm";
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(fibretrack("record --source 'file:" + source + "' --frames 6 --out '" + dir.file("copy.dcm") + "'").exit_code, 0);
  // Replayed at its recorded rate (20 frames/s), loosely: 6 frames take at least 0.2 s.
  EXPECT_GT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 0.2);
  dicom::DicomClipReader original(source), copy(dir.file("copy.dcm"));
  ASSERT_EQ(copy.frame_count(), 6);
  for (int k = 0; k < 6; ++k) EXPECT_TRUE(copy.read_frame(k).same_pixels(original.read_frame(k))) << k;
  EXPECT_EQ(copy.info().regions[0].bounds, original.info().regions[0].bounds);
}

// kill -9 in the middle of a recording: every journalled frame comes back as a valid clip.
TEST(RecordCommand, AKilledRecordingIsRecoveredFromItsJournal) {
  test::TempDir dir;
  const std::string out = dir.file("killed.dcm");
  const test::CommandResult started = test::run_command(
      "'" + test::cli_path() + "' record --source 'sim:intact?fps=30' --frames 100000 --out '" + out +
      "' >/dev/null 2>&1 & echo $!");
  const pid_t pid = pid_t(std::stol(started.out));
  // Killed once its journal holds a dozen frames (320 x 256 px each), not after a fixed
  // time: how fast a loaded 2-core CI box starts and renders varies several-fold.
  const std::string journal = out + ".journal/journal.ftj";
  const auto frame_bytes = std::uintmax_t(320) * 256;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::error_code ec;
  while (std::chrono::steady_clock::now() < deadline &&
         !(std::filesystem::exists(journal, ec) && std::filesystem::file_size(journal, ec) >= 12 * frame_bytes))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_GE(std::filesystem::file_size(journal, ec), 12 * frame_bytes) << "the recording never got going";
  const test::CommandResult r = fibretrack("recover '" + out + ".journal' --out '" + dir.file("recovered.dcm") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  dicom::DicomClipReader reader(dir.file("recovered.dcm"));
  EXPECT_GE(reader.frame_count(), 10);
  EXPECT_EQ(test::dciodvfy_errors(dir.file("recovered.dcm")), "");
  EXPECT_NE(fibretrack("recover '" + dir.file("nothing-here") + "' --out '" + dir.file("x.dcm") + "'").exit_code, 0);
}

TEST(RecordCommand, UnknownSourcesAreRefusedClearly) {
  test::TempDir dir;
  const test::CommandResult r = fibretrack("record --source 'carrier-pigeon:x' --frames 3 --out '" + dir.file("x.dcm") + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("carrier-pigeon"), std::string::npos);
}

}  // namespace ft
