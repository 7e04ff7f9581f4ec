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
  // Whatever the speckle says: its majors alone (every 62.5 px) would pass for centimetre
  // ticks of one length, but they are not the column of starts the ruler makes.
  for (double hint : {0.05, 0.08, 0.1, 0.13, 0.16, 0.2, 0.3})
    EXPECT_FALSE(read_depth_scale(f, kImage, hint)) << "hint " << hint << " mm/px";
}

TEST(DepthScale, AnAlternatingPatternFarFromTheSpeckleEstimateIsNotBelieved) {
  Frame f = screen(1);
  draw_ruler(f, kImage.x1_px + 3, +1, 25.0, 2);  // read as 0.2 mm/px
  EXPECT_TRUE(read_depth_scale(f, kImage, 0.15));
  EXPECT_FALSE(read_depth_scale(f, kImage, 0.08)) << "the speckle says pixels 2.5 times smaller";
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
  EXPECT_EQ(scale->distance_px, 131) << "from the image's edge to the nearest tick (5 px off the spine)";
  // The same ruler with ticks of irregular spacing is no ruler.
  for (int k = 1; k <= 5; ++k) f.set_value(spine_x + k, 20 + int(std::lround(2 * px_per_cm)), 0.0f);
  for (int k = 1; k <= 5; ++k) f.set_value(spine_x + k, 20 + int(std::lround(2 * px_per_cm)) + 20, 163.0f);
  EXPECT_FALSE(read_depth_scale(f, image, 0.15));
}

// Frames as on a Telemed screen without the ruler, for what must not be read as one.
Frame telemed_like_screen(const PixelRect& image, std::uint64_t seed) {
  Frame f(600, 320);
  Random random(seed);
  for (int y = image.y0_px; y <= image.y1_px; ++y)
    for (int x = image.x0_px; x <= image.x1_px; ++x) f.set_value(x, y, float(random.uniform() * 255.0));
  return f;
}

TEST(DepthScale, LabelsAtARegularPitchAreNoSpineRuler) {
  // A column of "E" labels 56 px apart left of the image (a viewer's series labels): each
  // middle arm ends on the letter's stem, as a tick on a spine would, but no line runs on
  // between them.
  const PixelRect image{200, 24, 439, 305};
  Frame f = telemed_like_screen(image, 12);
  for (int i = 0; i < 6; ++i) {
    const int top = 16 + 56 * i, x0 = 70;
    for (int dy = 0; dy <= 8; ++dy) f.set_value(x0, top + dy, 200.0f);
    for (int dy : {0, 4, 8})
      for (int k = 0; k < 5; ++k) f.set_value(x0 + k, top + dy, 200.0f);
  }
  EXPECT_FALSE(read_depth_scale(f, image, 0.15));
}

TEST(DepthScale, TwoRulersThatDisagreeGiveNoScale) {
  // A dual view: this image's ruler on the left, the other image's (another depth) on the right.
  const PixelRect image{200, 24, 439, 305};
  Frame f = telemed_like_screen(image, 13);
  for (int side : {-1, +1}) {
    const int spine_x = side < 0 ? image.x0_px - 100 : image.x1_px + 100;
    const double px_per_cm = side < 0 ? 56.0 : 50.0;
    for (int y = 18; y <= 312; ++y) f.set_value(spine_x, y, 166.0f);
    for (int i = 0; 20 + i * px_per_cm <= 305; ++i)
      for (int k = 1; k <= 5; ++k) f.set_value(spine_x - side * k, 20 + int(std::lround(i * px_per_cm)), 163.0f);
  }
  EXPECT_FALSE(read_depth_scale(f, image, 0.18));
}

// A Telemed-style spine ruler over `image`: 1 cm ticks 5 px long from y0_tick on, the first
// and last 10 px, on a line that runs on past them.
void draw_spine_ruler(Frame& f, int spine_x, int side, int y0_tick, double px_per_cm, int ticks) {
  for (int y = y0_tick - 2; y <= y0_tick + int(px_per_cm * (ticks - 1)) + 8; ++y) f.set_value(spine_x, y, 166.0f);
  for (int i = 0; i < ticks; ++i) {
    const int y = y0_tick + int(std::lround(i * px_per_cm)), length = (i == 0 || i == ticks - 1) ? 10 : 5;
    for (int k = 1; k <= length; ++k) f.set_value(spine_x - side * k, y, 163.0f);
  }
}

TEST(DepthScale, ASpineRulerWithItsZeroTickInsideTheImageIsRead) {
  // 4 cm deep: ticks at 0-4 cm, long at both ends, all five inside the image's rows.
  const PixelRect image{200, 24, 439, 260};
  Frame f = telemed_like_screen(image, 14);
  draw_spine_ruler(f, image.x0_px - 120, -1, 26, 56.0, 5);
  const auto scale = read_depth_scale(f, image, 0.16);
  ASSERT_TRUE(scale);
  EXPECT_NEAR(scale->mm_per_px(), 10.0 / 56.0, 0.002);
  EXPECT_EQ(scale->distance_px, 114) << "where the short ticks start, not the long end ones";
}

TEST(DepthScale, ARulerBesideTheImageThatCannotBeReadIsNotReplacedByOneFurtherOut) {
  // Beside the image: a 2 mm ruler (regular, but no pattern this reader takes); further out a
  // spine ruler. Which one measures this image is not for the reader to guess.
  const PixelRect image{200, 24, 439, 305};
  Frame f = telemed_like_screen(image, 15);
  for (int i = 0; image.y0_px + i * 12.5 <= image.y1_px; ++i)
    for (int k = 0; k < (i % 5 == 0 ? 6 : 3); ++k) f.set_value(image.x1_px + 2 + k, image.y0_px + int(std::lround(i * 12.5)), 230.0f);
  draw_spine_ruler(f, image.x0_px - 120, -1, 20, 56.0, 6);
  EXPECT_FALSE(read_depth_scale(f, image, 0.16));
}

}  // namespace ft
