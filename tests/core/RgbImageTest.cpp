// A frame in grey for the viewer and the burned-in capture: 8-bit as it is, wider frames on
// the scale their bits reach.
#include <gtest/gtest.h>

#include "ft/core/RgbImage.h"

namespace ft {

TEST(RgbImage, GreyPictureShowsEightBitFramesAsTheyAreAndWiderOnesOnTheirOwnScale) {
  Frame eight(4, 1, PixelDepth::Bits8);
  eight.set_value(0, 0, 0), eight.set_value(1, 0, 100), eight.set_value(2, 0, 255);
  const RgbImage a = grey_picture(eight, 256, 128);
  EXPECT_EQ(a.at(0, 0).r, 0);
  EXPECT_NEAR(a.at(1, 0).r, 100, 1);
  EXPECT_NEAR(a.at(2, 0).g, 255, 1);
  // A 12-bit scanner: 0..4095, its brightest pixel 4000. Mid-grey is 2048, not nearly black.
  Frame twelve(3, 1, PixelDepth::Bits16);
  twelve.set_value(0, 0, 4000), twelve.set_value(1, 0, 2048), twelve.set_value(2, 0, 0);
  const RgbImage b = grey_picture(twelve, 256, 128);
  EXPECT_NEAR(b.at(0, 0).r, 249, 1);
  EXPECT_NEAR(b.at(1, 0).r, 128, 1);
  EXPECT_EQ(b.at(2, 0).b, 0);
  Frame sixteen(1, 1, PixelDepth::Bits16);
  sixteen.set_value(0, 0, 65535);
  EXPECT_NEAR(grey_picture(sixteen, 256, 128).at(0, 0).r, 255, 1);
}

}  // namespace ft
