#include <gtest/gtest.h>

#include "PyramidLevels.h"

// The CUDA backend allocates each pyramid level once for a frame's pixel count and reuses the
// buffers for any frame of no more pixels: every level of every shape must fit them. Checked
// on the host, where the sizes are computed (no GPU needed).
namespace ft::gpu {
namespace {

TEST(PyramidLevels, EveryLevelOfAnyShapeFitsTheBuffersSizedForItsPixelCount) {
  constexpr int kLevels = 9;
  for (int width = 1; width <= 80; ++width)
    for (int height = 1; height <= 80; ++height) {
      const std::size_t pixels = std::size_t(width) * std::size_t(height);
      LevelSize level{width, height};
      for (int l = 0; l < kLevels; ++l, level = coarser(level))
        ASSERT_LE(std::size_t(level.width) * std::size_t(level.height), level_capacity_floats(pixels, l))
            << width << " x " << height << " at level " << l;
    }
  // A one-pixel-wide region halves only its height (pixels / 4^l fell short from level 1).
  LevelSize narrow{1, 1000};
  narrow = coarser(narrow);
  EXPECT_EQ(narrow.height, 500);
  EXPECT_GE(level_capacity_floats(1000, 1), 500u);
}

TEST(PyramidLevels, ALevelIsHalvedAndNeverBelowOnePixel) {
  const LevelSize a = coarser({721, 574});
  EXPECT_EQ(a.width, 360);
  EXPECT_EQ(a.height, 287);
  const LevelSize b = coarser({1, 3});
  EXPECT_EQ(b.width, 1);
  EXPECT_EQ(b.height, 1);
}

}  // namespace
}  // namespace ft::gpu
