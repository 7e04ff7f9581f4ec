#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/SecondaryCaptureWriter.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {

// The writer stores what the caller drew, frame by frame, as true colour in the source's
// study; the caller sees each source frame once, in order.
TEST(SecondaryCaptureWriter, StoresTheDrawnFramesAsTrueColourInTheSourcesStudy) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("full_tear", 11, 4)).render_clip();
  write_ultrasound_clip(clip, {}, dir.file("clip.dcm"));
  std::vector<int> asked;
  write_burned_in_capture(dir.file("clip.dcm"), [&](const Frame& source, int k) {
    asked.push_back(k);
    RgbImage picture(source.width_px(), source.height_px());
    for (int y = 0; y < source.height_px(); ++y)
      for (int x = 0; x < source.width_px(); ++x) {
        const auto g = std::uint8_t(source.value(x, y));
        picture.set(x, y, {g, g, g});
      }
    if (k == 2)
      for (int y = 90; y < 110; ++y)
        for (int x = 150; x < 170; ++x) picture.set(x, y, {255, 220, 0});
    return picture;
  }, dir.file("sc.dcm"));
  EXPECT_EQ(asked, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(test::dciodvfy_errors(dir.file("sc.dcm")), "");
  DicomClipReader reader(dir.file("sc.dcm"));
  EXPECT_EQ(reader.info().sop_class_uid, "1.2.840.10008.5.1.4.1.1.7.4");
  EXPECT_EQ(reader.info().samples_per_pixel, 3);
  EXPECT_EQ(reader.frame_count(), 4);
  EXPECT_EQ(reader.info().study_instance_uid, read_clip_info(dir.file("clip.dcm")).study_instance_uid);
  EXPECT_NEAR(reader.info().frame_time_ms, clip.frame_time_ms, 0.01);
  auto changed_near = [&](int k) {
    const Frame burned = reader.read_frame(k);  // luminance of the colour frame
    int changed = 0;
    for (int y = 85; y < 115; ++y)
      for (int x = 145; x < 175; ++x) changed += std::abs(burned.value(x, y) - clip.frames[std::size_t(k)].value(x, y)) > 2;
    return changed;
  };
  EXPECT_GT(changed_near(2), 300) << "what was drawn on frame 2 is stored";
  EXPECT_EQ(changed_near(1), 0) << "frame 1 as it was";
}

TEST(SecondaryCaptureWriter, APictureOfAnotherSizeIsRefused) {
  test::TempDir dir;
  write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("full_tear", 11, 2)).render_clip(), {}, dir.file("clip.dcm"));
  EXPECT_THROW(write_burned_in_capture(dir.file("clip.dcm"), [](const Frame&, int) { return RgbImage(8, 8); }, dir.file("sc.dcm")),
               Error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("sc.dcm")));
}

TEST(SecondaryCaptureWriter, AClipFitsOneCaptureUpTo4GiBOfColour) {
  DicomClipInfo info;
  info.rows = 574, info.columns = 720;
  info.frames = 3464;  // 4 294 805 760 bytes in RGB
  EXPECT_TRUE(burned_in_capture_fits(info));
  info.frames = 3465;
  EXPECT_FALSE(burned_in_capture_fits(info));
}

namespace {
RgbImage grey_copy(const Frame& source, int) {
  RgbImage picture(source.width_px(), source.height_px());
  for (int y = 0; y < source.height_px(); ++y)
    for (int x = 0; x < source.width_px(); ++x) {
      const auto g = std::uint8_t(source.value(x, y));
      picture.set(x, y, {g, g, g});
    }
  return picture;
}
std::string value_of(const std::string& path, const char* tag) {
  return test::run_command("dcmdump -q +P " + std::string(tag) + " '" + path + "'").out;
}
}  // namespace

// A capture of a JPEG-compressed clip says its pixels were once lossy-compressed, and how; the
// names copied from the source keep the source's character set.
TEST(SecondaryCaptureWriter, KeepsTheSourcesLossyHistoryAndCharacterSet) {
  if (!test::program_available("dcmcjpeg")) GTEST_SKIP() << "dcmcjpeg (DCMTK) not installed";
  test::TempDir dir;
  ClipWriteOptions options;
  options.exam.patient_name = "M\xFCller^J\xFCrgen";  // Latin-1 bytes
  write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("full_tear", 11, 3)).render_clip(), options, dir.file("clip.dcm"));
  ASSERT_EQ(test::run_command("dcmodify -nb -i '(0008,0005)=ISO_IR 100' '" + dir.file("clip.dcm") + "'").exit_code, 0);
  ASSERT_EQ(test::run_command("dcmcjpeg +eb '" + dir.file("clip.dcm") + "' '" + dir.file("lossy.dcm") + "'").exit_code, 0);
  write_burned_in_capture(dir.file("lossy.dcm"), grey_copy, dir.file("sc.dcm"));
  EXPECT_NE(value_of(dir.file("sc.dcm"), "LossyImageCompression").find("[01]"), std::string::npos);
  EXPECT_NE(value_of(dir.file("sc.dcm"), "LossyImageCompressionMethod").find("ISO_10918_1"), std::string::npos);
  EXPECT_NE(value_of(dir.file("sc.dcm"), "SpecificCharacterSet").find("ISO_IR 100"), std::string::npos);
  write_burned_in_capture(dir.file("clip.dcm"), grey_copy, dir.file("lossless_sc.dcm"));
  EXPECT_NE(value_of(dir.file("lossless_sc.dcm"), "LossyImageCompression").find("[00]"), std::string::npos);
}

}  // namespace ft::dicom
