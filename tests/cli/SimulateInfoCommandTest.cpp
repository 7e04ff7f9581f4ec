#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace ft {
namespace {
test::CommandResult fibretrack(const std::string& args) { return test::run_command("'" + test::cli_path() + "' " + args); }

int line_count(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}
}  // namespace

TEST(InfoCommand, BadInputGivesOneLineOnStderrAndFails) {
  test::TempDir dir;
  { std::ofstream(dir.file("notdicom.dcm")) << "plain text, not DICOM"; }
  for (const std::string& path : {dir.file("missing.dcm"), dir.file("notdicom.dcm"), dir.path()}) {
    const test::CommandResult r = fibretrack("info '" + path + "' --json");
    EXPECT_NE(r.exit_code, 0) << path;
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

TEST(InfoCommand, UnknownSubcommandOrOptionIsAUsageError) {
  EXPECT_EQ(fibretrack("frobnicate").exit_code, 2);
  EXPECT_EQ(fibretrack("info x.dcm --no-such-flag").exit_code, 2);
  EXPECT_EQ(fibretrack("simulate --preset nonsense --out /tmp/x.dcm").exit_code, 2);
}

TEST(SimulateCommand, WritesAClipThatInfoDescribes) {
  test::TempDir dir;
  const test::CommandResult sim = fibretrack("simulate --preset partial_tear --seed 4 --frames 5 --frame-size 360x280 "
                                             "--region-origin 60,50 --out '" + dir.file("c.dcm") + "' --truth '" +
                                             dir.file("c.json") + "'");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  const test::CommandResult info = fibretrack("info '" + dir.file("c.dcm") + "' --json");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["frames"], 5);
  EXPECT_EQ(j["columns"], 360);
  EXPECT_EQ(j["rows"], 280);
  EXPECT_EQ(j["photometric"], "MONOCHROME2");
  EXPECT_EQ(j["transfer_syntax_uid"], "1.2.840.10008.1.2.1");
  EXPECT_NEAR(j["frame_time_ms"].get<double>(), 50.0, 1e-9);
  ASSERT_EQ(j["regions"].size(), 1u);
  EXPECT_EQ(j["regions"][0]["x0"], 60);
  EXPECT_EQ(j["regions"][0]["y0"], 50);
  EXPECT_NEAR(j["regions"][0]["mm_per_px"][0].get<double>(), 0.15, 1e-12);
  const auto truth = nlohmann::json::parse(test::read_file(dir.file("c.json")));
  EXPECT_EQ(truth["grade"], 2);
  EXPECT_EQ(truth["region"]["x0"], 60);
}

// Exam conditions ride on the preset name; the truth file says which were laid over it.
TEST(SimulateCommand, TakesExamConditionsAsPresetSuffixes) {
  test::TempDir dir;
  const test::CommandResult sim = fibretrack("simulate --preset real_tear+bipennate+probe_moved --seed 3 --frames 4 --out '" +
                                             dir.file("c.dcm") + "' --truth '" + dir.file("c.json") + "'");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  const auto truth = nlohmann::json::parse(test::read_file(dir.file("c.json")));
  EXPECT_EQ(truth["preset"], "real_tear+bipennate+probe_moved");
  EXPECT_TRUE(truth["tear_detected"].get<bool>());
  const test::CommandResult unknown = fibretrack("simulate --preset real_tear+wobbly --out '" + dir.file("x.dcm") + "'");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("probe_moved"), std::string::npos) << "names the known conditions: " << unknown.err;
  EXPECT_FALSE(test::file_exists(dir.file("x.dcm")));
}

}  // namespace ft

namespace ft {
namespace {

// A report read back from an archive says what it found without the clip: the findings of
// the SR are those analyze measured; a presentation state is still not a clip.
TEST(InfoCommand, AMeasurementReportShowsItsFindings) {
  test::TempDir dir;
  const std::string clip = test::sample_data_dir() + "/full_tear.dcm";
  const test::CommandResult analysed = fibretrack("analyze '" + clip + "' --json '" + dir.file("a.json") +
                                                  "' --dicom-out '" + dir.file("out") + "'");
  ASSERT_EQ(analysed.exit_code, 0) << analysed.err;
  const auto expected = nlohmann::json::parse(test::read_file(dir.file("a.json")))["findings"];
  ASSERT_EQ(expected.size(), 1u);
  const test::CommandResult info = fibretrack("info '" + dir.file("out/full_tear_report_sr.dcm") + "' --json");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  const auto report = nlohmann::json::parse(info.out);
  ASSERT_EQ(report["findings"].size(), 1u);
  EXPECT_EQ(report["findings"][0]["grade"], "complete tear with retraction");
  EXPECT_NEAR(report["findings"][0]["gap_mm"].get<double>(), expected[0]["gap_mm"].get<double>(), 0.01);
  EXPECT_EQ(report["findings"][0]["frame"], expected[0]["frame"]) << "the index, in JSON as analyze gives it";
  const test::CommandResult text = fibretrack("info '" + dir.file("out/full_tear_report_sr.dcm") + "'");
  EXPECT_NE(text.out.find("1 finding(s)"), std::string::npos) << text.out;
  const std::string counted_from_1 = ", frame " + std::to_string(expected[0]["frame"].get<int>() + 1) + ":";
  EXPECT_NE(text.out.find(counted_from_1), std::string::npos) << "in text from 1, as the station and DICOM count";
  EXPECT_NE(analysed.out.find(counted_from_1), std::string::npos) << "and as analyze says it: " << analysed.out;
  const test::CommandResult pr = fibretrack("info '" + dir.file("out/full_tear_annotations_pr.dcm") + "'");
  EXPECT_NE(pr.exit_code, 0);
  EXPECT_NE(pr.err.find("not an image object"), std::string::npos) << pr.err;
}

}  // namespace
}  // namespace ft
