// The dark band across a line, measured on constructed images (0.1 mm/px): its width, and
// where its middle lies from the profile's centre (the fluid-layer scan needs to know on
// which side of an aponeurosis the band it measured lies).
#include <gtest/gtest.h>

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

}  // namespace

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
