// Reading the depth scale a scanner burns in beside the image, on constructed frames.
#include <gtest/gtest.h>

#include <cmath>

#include "ft/core/DepthScale.h"
#include "ft/core/Random.h"

namespace ft {
namespace {

const PixelRect kImage{40, 20, 239, 299};

// Speckle-like noise inside the image, black around it.
Frame screen(std::uint64_t seed) {
  Frame f(300, 320);
  Random random(seed);
  for (int y = kImage.y0_px; y <= kImage.y1_px; ++y)
    for (int x = kImage.x0_px; x <= kImage.x1_px; ++x) f.set_value(x, y, float(random.uniform() * 255.0));
  return f;
}

// Ticks every `spacing_px` from the image's top, `long_every`-th one longer (1: all long).
void draw_ruler(Frame& f, int x0, int side, double spacing_px, int long_every) {
  for (int i = 0; kImage.y0_px + i * spacing_px <= kImage.y1_px; ++i) {
    const int y = kImage.y0_px + int(std::lround(i * spacing_px));
    const int length = i % long_every == 0 ? 6 : 3;
    for (int k = 0; k < length; ++k) f.set_value(x0 + side * k, y, 230.0f);
  }
}

}  // namespace

TEST(DepthScale, CentimetreAndHalfCentimetreTicksGiveMmPerPixel) {
  Frame f = screen(1);
  draw_ruler(f, kImage.x1_px + 3, +1, 25.0, 2);  // 0.5 cm = 25 px: 0.2 mm/px
  const auto scale = read_depth_scale(f, kImage);
  ASSERT_TRUE(scale);
  EXPECT_NEAR(scale->mm_per_px(), 0.2, 0.002);
  EXPECT_TRUE(scale->right_side);
}

TEST(DepthScale, TicksOfOneLengthAreReadWithTheHelpOfARoughEstimate) {
  Frame f = screen(2);
  draw_ruler(f, kImage.x0_px - 2, -1, 62.5, 1);  // 62.5 px per tick: 0.16 mm/px if they are cm
  // Without an estimate, 1 cm and 0.5 cm ticks look alike: no scale rather than a wrong one.
  EXPECT_FALSE(read_depth_scale(f, kImage));
  const auto scale = read_depth_scale(f, kImage, 0.13);  // a speckle estimate 20 % off
  ASSERT_TRUE(scale);
  EXPECT_NEAR(scale->mm_per_px(), 0.16, 0.002);
  EXPECT_FALSE(scale->right_side);
  const auto half_cm = read_depth_scale(f, kImage, 0.07);  // the estimate says half centimetres
  ASSERT_TRUE(half_cm);
  EXPECT_NEAR(half_cm->mm_per_px(), 0.08, 0.001);
  EXPECT_FALSE(read_depth_scale(f, kImage, 0.113));  // in between: neither reading is safe
}

TEST(DepthScale, OtherTickPatternsAreNotGuessed) {
  // Millimetre-style ruler: a long tick every 5th (2 mm steps, majors at 1 cm).
  Frame f = screen(6);
  draw_ruler(f, kImage.x1_px + 2, +1, 12.5, 5);
  EXPECT_FALSE(read_depth_scale(f, kImage));
}

TEST(DepthScale, AScaleMustSpanTheImageFromItsTop) {
  Frame f = screen(7);
  for (int i = 0; i < 5; ++i)  // five regular ticks in the lower third only
    for (int k = 0; k < (i % 2 ? 3 : 6); ++k) f.set_value(kImage.x1_px + 2 + k, 220 + 15 * i, 230.0f);
  EXPECT_FALSE(read_depth_scale(f, kImage));
}

TEST(DepthScale, NoRulerIsNoScale) {
  EXPECT_FALSE(read_depth_scale(screen(3), kImage));
  // A frame that is all image (nothing beside it) has no ruler either.
  EXPECT_FALSE(read_depth_scale(screen(3), PixelRect{0, 0, 299, 319}));
}

TEST(DepthScale, IrregularMarksAreNotARuler) {
  Frame f = screen(4);
  for (int y : {30, 41, 90, 97, 180, 260})
    for (int k = 0; k < 4; ++k) f.set_value(kImage.x1_px + 2 + k, y, 230.0f);
  EXPECT_FALSE(read_depth_scale(f, kImage));
}

TEST(DepthScale, TextBesideTheImageIsNotARuler) {
  Frame f = screen(5);
  // Solid blocks (glyph-like, taller than a tick) at a regular spacing.
  for (int i = 0; i < 8; ++i)
    for (int dy = 0; dy < 7; ++dy)
      for (int k = 0; k < 5; ++k) f.set_value(kImage.x1_px + 2 + k, kImage.y0_px + 10 + 30 * i + dy, 230.0f);
  EXPECT_FALSE(read_depth_scale(f, kImage));
}

// Telemed's layout (Echo Wave, as on the real gastrocnemius recordings in docs/benchmarks.md):
// the ruler is a vertical line 137 px left of the image with 1 cm ticks pointing at it, the
// 0 and the full-depth ticks longer, the focus marker (a triangle) on it, a grey bar further
// left, and the settings as left-aligned text right of the image.
TEST(DepthScale, ATelemedRulerOnASpineFarFromTheImageIsRead) {
  const PixelRect image{200, 24, 439, 305};
  Frame f(600, 320);
  Random random(11);
  for (int y = image.y0_px; y <= image.y1_px; ++y)
    for (int x = image.x0_px; x <= image.x1_px; ++x) f.set_value(x, y, float(random.uniform() * 255.0));
  const int spine_x = image.x0_px - 137;
  const double px_per_cm = 56.0;  // 0.179 mm/px, 50 mm deep
  for (int y = 18; y <= 312; ++y) f.set_value(spine_x, y, 166.0f);  // on to the lateral ruler below
  for (int i = 0; i <= 5; ++i) {
    const int y = 20 + int(std::lround(i * px_per_cm)), length = (i == 0 || i == 5) ? 10 : 5;
    for (int k = 1; k <= length; ++k) f.set_value(spine_x + k, y, 163.0f);
  }
  for (int dy = 0; dy <= 8; ++dy)  // the focus marker: a triangle pointing at the image
    for (int k = 0; k <= 8 - dy; ++k) f.set_value(spine_x + 5 + k, 104 + dy, 160.0f), f.set_value(spine_x + 5 + k, 104 - dy, 160.0f);
  for (int y = 60; y < 180; ++y)  // the grey bar, white at its top
    for (int x = 10; x < 30; ++x) f.set_value(x, y, float(251 - (y - 60) * 2));
  for (int line = 0; line < 14; ++line) {  // text lines 12 px apart, each starting with an "F"
    const int top = 30 + 12 * line, x0 = image.x1_px + 16;
    for (int dy = 0; dy < 8; ++dy) f.set_value(x0, top + dy, 200.0f);
    for (int k = 0; k < 5; ++k) f.set_value(x0 + k, top, 200.0f);
    for (int k = 0; k < 3; ++k) f.set_value(x0 + k, top + 4, 200.0f);
  }
  const auto scale = read_depth_scale(f, image, 0.15);  // the speckle's estimate, 16 % small
  ASSERT_TRUE(scale);
  EXPECT_NEAR(scale->mm_per_px(), 10.0 / px_per_cm, 0.002);
  EXPECT_FALSE(scale->right_side);
  // The same ruler with ticks of irregular spacing is no ruler.
  for (int k = 1; k <= 5; ++k) f.set_value(spine_x + k, 20 + int(std::lround(2 * px_per_cm)), 0.0f);
  for (int k = 1; k <= 5; ++k) f.set_value(spine_x + k, 20 + int(std::lround(2 * px_per_cm)) + 20, 163.0f);
  EXPECT_FALSE(read_depth_scale(f, image, 0.15));
}

}  // namespace ft
