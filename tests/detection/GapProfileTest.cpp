// The dark band across a line, measured on constructed images (0.1 mm/px): its width, and
// where its middle lies from the profile's centre (the fluid-layer scan needs to know on
// which side of an aponeurosis the band it measured lies).
#include <gtest/gtest.h>

#include <vector>

#include "ft/core/GapProfile.h"
#include "ft/core/Random.h"

namespace ft {
namespace {

constexpr double kMmPerPx = 0.1;

// Muscle-grey tissue with mild speckle and a horizontal dark band rows [top, bottom).
Frame with_band(int top_px, int bottom_px) {
  Frame f(200, 200);
  Random noise(7);
  for (int y = 0; y < 200; ++y)
    for (int x = 0; x < 200; ++x)
      f.data8()[y * 200 + x] = std::uint8_t((y >= top_px && y < bottom_px ? 30 : 150) + noise.uniform(-10.0, 10.0));
  return f;
}

// Speckled muscle (the same in every scan; each speckle 4 px long across the image) whose rows
// [top, bottom) hold a haematoma as bright as the muscle but drawn anew in each scan (`scan`)
// unless it `persists` (a clot that keeps its echoes): no dark band. The muscle above row 100
// is shifted right by shift_px and the muscle below by shift_below_px, as tissue moving
// between two frames.
Frame with_churning_band(int top_px, int bottom_px, std::uint64_t scan, int shift_px, int shift_below_px,
                         bool persists = false) {
  Frame f(200, 200);
  Random tissue(11), filling(persists ? 100 : 100 + scan);
  std::vector<double> speckle(220 * 200);
  for (double& v : speckle) v = tissue.uniform(0.0, 1.0);
  for (int y = 0; y < 200; ++y)
    for (int x = 0; x < 200; ++x) {
      const int shift = y < 100 ? shift_px : shift_below_px;
      double muscle = 0;
      for (int i = 0; i < 4; ++i) muscle += speckle[std::size_t(y * 220 + x - shift + 8 + i)];
      const double fill = filling.uniform(60.0, 240.0);
      const bool in_band = y >= top_px && y < bottom_px;
      f.data8()[y * 200 + x] = std::uint8_t(in_band ? fill : 60.0 + 45.0 * muscle);
    }
  return f;
}

}  // namespace

TEST(GapProfile, AHaematomaAsBrightAsMuscleIsFoundWhereItsSpeckleChurns) {
  const PixelRect region{0, 0, 199, 199};
  const Frame rest = with_churning_band(90, 105, 0, 0, 0);
  EXPECT_FALSE(dark_band_width(rest, region, 100, 100, 90.0, 3.0, kMmPerPx).found) << "no darker than muscle";
  // The next scanner frame, the tissue 2 px further right: the shift is followed.
  const BandWidth b = decorrelated_band_width(rest, with_churning_band(90, 105, 1, 2, 2), region, 100, 100, 2.0, 0.0,
                                              90.0, 3.0, kMmPerPx);
  ASSERT_TRUE(b.found);
  EXPECT_NEAR(b.width_mm, 1.5, 0.25);
  EXPECT_NEAR(b.centre_offset_mm, -0.25, 0.15);
  EXPECT_GT(b.contrast, 0.7);
}

TEST(GapProfile, AClotThatKeepsItsEchoesOrUnfollowedMotionShowsNoChurningBand) {
  const PixelRect region{0, 0, 199, 199};
  const Frame rest = with_churning_band(90, 105, 0, 0, 0);
  EXPECT_FALSE(decorrelated_band_width(rest, with_churning_band(90, 105, 1, 0, 0, true), region, 100, 100, 0.0, 0.0,
                                       90.0, 3.0, kMmPerPx)
                   .found);
  // Motion not followed: the muscle itself does not correlate, so nothing can be read.
  EXPECT_FALSE(decorrelated_band_width(rest, with_churning_band(90, 105, 1, 6, 6), region, 100, 100, 0.0, 0.0, 90.0,
                                       3.0, kMmPerPx)
                   .found);
}

// The two sides of a surface sliding past each other (1 px each way, the shift followed for
// neither): each side correlates a little less, evenly, and no band opens at the surface.
TEST(GapProfile, TissueSlidingAtASurfaceWithoutAHaematomaShowsNoChurningBand) {
  const PixelRect region{0, 0, 199, 199};
  const Frame rest = with_churning_band(0, 0, 0, 0, 0);
  EXPECT_FALSE(decorrelated_band_width(rest, with_churning_band(0, 0, 1, 1, -1), region, 100, 100, 0.0, 0.0, 90.0, 3.0,
                                       kMmPerPx)
                   .found);
}

TEST(GapProfile, ABandBelowTheCentreIsMeasuredWithItsOffset) {
  const PixelRect region{0, 0, 199, 199};
  // 2 mm band whose middle lies 1 mm below the profile's centre (row 100).
  const BandWidth below = dark_band_width(with_band(100, 120), region, 100, 100, 90.0, 1.0, kMmPerPx);
  ASSERT_TRUE(below.found);
  EXPECT_NEAR(below.width_mm, 2.0, 0.3);
  EXPECT_NEAR(below.centre_offset_mm, 1.0, 0.2) << "down the image: positive along a 90 deg normal";
  // The same band above the centre reads a negative offset.
  const BandWidth above = dark_band_width(with_band(80, 100), region, 100, 100, 90.0, 1.0, kMmPerPx);
  ASSERT_TRUE(above.found);
  EXPECT_NEAR(above.centre_offset_mm, -1.0, 0.2);
}

TEST(GapProfile, EvenTissueHasNoBand) {
  EXPECT_FALSE(dark_band_width(with_band(0, 0), PixelRect{0, 0, 199, 199}, 100, 100, 90.0, 1.0, kMmPerPx).found);
}

}  // namespace ft
