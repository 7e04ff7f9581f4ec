#include <gtest/gtest.h>

#include "ft/core/UltrasoundRegion.h"

namespace ft {
namespace {
UltrasoundRegion region(int x0, int y0, int x1, int y1, RegionSpatialFormat format, bool calibrated) {
  UltrasoundRegion r;
  r.bounds = {x0, y0, x1, y1};
  r.spatial_format = format;
  if (calibrated) {
    r.units_x = r.units_y = PhysicalUnits::Centimetre;
    r.mm_per_px_x = r.mm_per_px_y = 0.2;
  }
  return r;
}
}  // namespace

TEST(UltrasoundRegion, PicksTheCalibratedTwoDimensionalTissueRegion) {
  // A B-mode image beside a larger time-based strip, and a small uncalibrated 2-D icon.
  const std::vector<UltrasoundRegion> regions{region(0, 0, 700, 100, RegionSpatialFormat::Spectral, false),
                                              region(10, 10, 20, 20, RegionSpatialFormat::TwoD, false),
                                              region(100, 120, 400, 500, RegionSpatialFormat::TwoD, true)};
  const auto chosen = choose_tissue_region(regions);
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->bounds.x0_px, 100);
  EXPECT_TRUE(chosen->is_calibrated_tissue_image());
}

TEST(UltrasoundRegion, NoTwoDimensionalRegionMeansNone) {
  EXPECT_FALSE(choose_tissue_region({region(0, 0, 10, 10, RegionSpatialFormat::Waveform, true)}).has_value());
  EXPECT_FALSE(choose_tissue_region({}).has_value());
}

TEST(UltrasoundRegion, BoundsOutsideTheFrameAreClippedWithAWarning) {
  UltrasoundRegion r = region(84, 31, 595, 414, RegionSpatialFormat::TwoD, true);
  const std::string warning = clip_region_to_frame(r, 320, 240);
  EXPECT_FALSE(warning.empty());
  EXPECT_EQ(r.bounds.x1_px, 319);
  EXPECT_EQ(r.bounds.y1_px, 239);
  EXPECT_EQ(r.bounds.x0_px, 84);
  EXPECT_TRUE(clip_region_to_frame(r, 320, 240).empty());
}

// A region wholly outside the frame (a header from a larger image): said to be unused, not
// "clipped" to bounds that run backwards, and never chosen for analysis.
TEST(UltrasoundRegion, ARegionWhollyOutsideTheFrameIsSaidToBeUnused) {
  UltrasoundRegion r = region(84, 31, 595, 414, RegionSpatialFormat::TwoD, true);
  const std::string warning = clip_region_to_frame(r, 32, 24);
  EXPECT_NE(warning.find("not used"), std::string::npos) << warning;
  EXPECT_EQ(warning.find("clipped"), std::string::npos) << warning;
  EXPECT_TRUE(r.bounds.empty());
  EXPECT_FALSE(choose_tissue_region({r}).has_value());
}

}  // namespace ft
