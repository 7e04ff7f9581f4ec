#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace ft {
namespace {
test::CommandResult fibretrack(const std::string& args) { return test::run_command("'" + test::cli_path() + "' " + args); }

nlohmann::json track(const std::string& clip, const test::TempDir& dir, const std::string& extra = "") {
  const test::CommandResult r = fibretrack("track '" + clip + "' --json '" + dir.file("t.json") + "' " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(test::read_file(dir.file("t.json")));
}
}  // namespace

// A probe sliding 0.12 mm per frame over still tissue: every pair moves 0.8 px right
// and 0.4 px down, wherever the image region sits in the frame.
TEST(TrackCommand, ReportsTheMotionOfEachPairInsideTheRegion) {
  test::TempDir dir;
  for (const char* origin : {"40,30", "100,70"}) {
    const std::string clip = dir.file(std::string("drift") + origin + ".dcm");
    ASSERT_EQ(fibretrack("simulate --preset still --frames 4 --frame-size 400x320 --region-origin " + std::string(origin) +
                         " --probe-drift-mm 0.12,0.06 --out '" + clip + "'")
                  .exit_code,
              0);
    const auto j = track(clip, dir, "--backend cpu --grid-step 6");
    EXPECT_EQ(j["backend"], "cpu");
    EXPECT_EQ(j["grid_step_px"], 6);
    ASSERT_EQ(j["pairs"].size(), 3u);
    for (const auto& pair : j["pairs"]) {
      // Jitter of the simulated probe adds up to ~0.1 px on top of the drift.
      EXPECT_NEAR(pair["mean_dx_px"].get<double>(), 0.8, 0.15) << origin;
      EXPECT_NEAR(pair["mean_dy_px"].get<double>(), 0.4, 0.15) << origin;
      EXPECT_NEAR(pair["mean_dx_mm"].get<double>(), 0.12, 0.025) << origin;
      EXPECT_GT(pair["valid_fraction"].get<double>(), 0.6);
      EXPECT_GT(pair["mean_quality"].get<double>(), 0.7);
    }
    EXPECT_GT(j["ms_per_frame"].get<double>(), 0.0);
    EXPECT_EQ(j["region"]["x0"], std::stoi(origin));
  }
}

TEST(TrackCommand, RunsOnRealColourClipsAndSaysWhenThereIsNothingToTrack) {
  test::TempDir dir;
  const std::string cine = test::shared_data_dir() + "/examples_ybr_color.dcm";
  if (!test::file_exists(cine)) GTEST_SKIP() << "no ../shared/data";
  const auto j = track(cine, dir);
  EXPECT_EQ(j["pairs"].size(), 29u);
  EXPECT_FALSE(j["warnings"].empty());  // region bounds clipped to the frame
  const auto single = track(test::shared_data_dir() + "/US1_J2KR.dcm", dir);
  EXPECT_EQ(single["pairs"].size(), 0u);
  EXPECT_EQ(fibretrack("track '" + cine + "' --backend warp-drive").exit_code, 2);
}

}  // namespace ft
