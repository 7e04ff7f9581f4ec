#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

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

// A calibration made at one capture size is refused at another, whose frames its crop would read
// past (and whose scale differs), rather than clipped into a wrong measurement.
TEST(VideoCalibration, ACropOutsideTheGrabbersFramesIsRefusedWithTheReason) {
  VideoCalibration c;
  c.device = "G";
  c.crop = {120, 60, 800, 518};
  c.mm_per_px = 0.1;
  EXPECT_EQ(c.region_in_frame(1024, 768).bounds, c.crop);
  EXPECT_EQ(c.region_in_frame(801, 519).bounds, c.crop);
  const PixelRect last_pixel{120, 60, 799, 517};
  EXPECT_EQ(c.region_in_frame(800, 518).bounds, last_pixel) << "an end one past the frame is its last pixel";
  try {
    c.region_in_frame(720, 576);
    FAIL() << "a crop to x 800 was used in frames 720 px wide";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("calibrate again"), std::string::npos) << e.what();
  }
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
  // Corners are whole pixels of a frame: int(1e30) was undefined, and -10 was saved and then unreadable.
  for (const char* crop : {"0,0,1e30,518", "-10,0,800,518", "0,0,800.5,518"})
    EXPECT_EQ(test::run_command(env + "video-calibrate X --crop " + crop + " --points 0,0,1,1 --distance-mm 1").exit_code, 2)
        << crop;
}

// A calibration edited by hand (or damaged) is refused with the value named, as the saver would
// have refused it: a corner of 1e30 was converted into an int (undefined behaviour), an empty
// crop and a scale of 0 were taken and gave an image of nothing or a clip with no millimetres.
TEST(VideoCalibrateCommand, AnEditedCalibrationIsCheckedAsItsSaverWould) {
  test::TempDir dir;
  const std::string env = "FIBRETRACK_CONFIG_DIR='" + dir.path() + "' '" + test::cli_path() + "' ";
  ASSERT_EQ(test::run_command(env + "video-calibrate G --crop 120,60,800,518 --points 700,100,700,480 --distance-mm 40")
                .exit_code, 0);
  std::string file;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/video")) file = e.path().string();
  ASSERT_FALSE(file.empty());
  const auto write_text = [&](const char* text) { std::ofstream(file, std::ios::trunc) << text; };
  const std::pair<const char*, const char*> edits[] = {
      {R"({"device":"G","crop":[120,60,1e30,518],"mm_per_px":0.1})", "crop"},
      {R"({"device":"G","crop":[120,60,800.5,518],"mm_per_px":0.1})", "crop"},
      {R"({"device":"G","crop":[800,60,120,518],"mm_per_px":0.1})", "crop"},
      {R"({"device":"G","crop":[120,60,800],"mm_per_px":0.1})", "crop"},
      {R"({"device":"G","crop":[120,60,800,518],"mm_per_px":0})", "mm_per_px"},
  };
  for (const auto& [text, named] : edits) {
    write_text(text);
    const test::CommandResult shown = test::run_command(env + "video-calibrate G --show");
    EXPECT_NE(shown.exit_code, 0) << text << " was taken: " << shown.out;
    EXPECT_NE(shown.err.find(named), std::string::npos) << shown.err;
  }
  write_text(R"({"device":"G","crop":[120,60,800,518],"mm_per_px":0.1})");
  EXPECT_EQ(test::run_command(env + "video-calibrate G --show").exit_code, 0) << "the same file, unedited, is read";
}

}  // namespace ft
