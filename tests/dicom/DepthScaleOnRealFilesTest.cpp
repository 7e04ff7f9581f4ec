// The depth-scale reader on real scanners' frames (../shared/data): where a file carries its own
// calibration, the reader, asked as if it did not, must give that scale or none — a ruler read
// wrong would be reported as trusted mm. The speckle estimate it is given is the calibration
// off by up to 35 % either way, as the speckle's may be.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "TestSupport.h"
#include "ft/core/DepthScale.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/DicomClipReader.h"

namespace ft::dicom {
namespace {

TEST(DepthScaleOnRealFiles, ARulerReadOnACalibratedFrameAgreesWithItsCalibration) {
  if (!test::file_exists(test::shared_data_dir() + "/README.md")) GTEST_SKIP() << "no ../shared/data beside the checkout";
  int judged = 0;
  // The files of ../shared/data that carry a spatial calibration (read_clip_info finds one in
  // these three; the others have none to compare with).
  for (const char* name : {"OBXXXX1A.dcm", "gdcm-US-ALOKA-16.dcm", "examples_ybr_color.dcm"}) {
    const std::string path = test::shared_data_dir() + "/" + name;
    const DicomClipInfo info = read_clip_info(path);
    const UltrasoundRegion region = info.analysis_region();
    if (!region.has_mm_calibration()) continue;
    ++judged;
    DicomClipReader reader(path);
    const Frame frame = reader.read_frame(0);
    const double truth = 0.5 * (region.mm_per_px_x + region.mm_per_px_y);
    for (double off : {0.75, 1.0, 1.35}) {
      const auto scale = read_depth_scale(frame, region.bounds, truth * off);
      std::printf("%s, hint %.3f mm/px: %s", name, truth * off, scale ? "" : "no ruler read\n");
      if (!scale) continue;
      std::printf("%.4f mm/px (%.1f px per cm, %d ticks, %d px %s), calibration %.4f\n", scale->mm_per_px(),
                  scale->px_per_cm, scale->ticks, scale->distance_px, scale->right_side ? "right" : "left", truth);
      EXPECT_NEAR(scale->mm_per_px() / truth, 1.0, 0.05) << name;
    }
  }
  EXPECT_GE(judged, 3) << "calibrated files in ../shared/data";
}

}  // namespace
}  // namespace ft::dicom
