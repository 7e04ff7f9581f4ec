#include <gtest/gtest.h>

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/plugin/VideoCalibration.h"

namespace ft {

TEST(VideoCalibration, TwoPointsOfKnownDistanceGiveTheScale) {
  EXPECT_NEAR(mm_per_px_from_points(100, 50, 100, 150, 10.0), 0.1, 1e-12);
  EXPECT_NEAR(mm_per_px_from_points(0, 0, 30, 40, 5.0), 0.1, 1e-12);
  EXPECT_THROW(mm_per_px_from_points(5, 5, 5, 5, 10.0), Error);
  EXPECT_THROW(mm_per_px_from_points(0, 0, 10, 0, 0.0), Error);
}

TEST(VideoCalibrateCommand, SavesPerDeviceAndShowsItBack) {
  test::TempDir dir;
  const std::string env = "FIBRETRACK_CONFIG_DIR='" + dir.path() + "' '" + test::cli_path() + "' ";
  const test::CommandResult saved = test::run_command(
      env + "video-calibrate 'USB Grabber 1' --crop 120,60,800,518 --points 700,100,700,480 --distance-mm 40");
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  const test::CommandResult shown = test::run_command(env + "video-calibrate 'USB Grabber 1' --show");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("crop x 120-800, y 60-518"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("0.1053 mm/px"), std::string::npos) << shown.out;
  EXPECT_NE(test::run_command(env + "video-calibrate 'Other' --show").exit_code, 0);
  EXPECT_EQ(test::run_command(env + "video-calibrate X --crop 1,2,3 --points 0,0,1,1 --distance-mm 1").exit_code, 2);
}

}  // namespace ft
