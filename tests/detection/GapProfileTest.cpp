// The dark band across a line, measured on constructed images (0.1 mm/px): its width, and
// where its middle lies from the profile's centre (the fluid-layer scan needs to know on
// which side of an aponeurosis the band it measured lies).
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
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


// An aponeurosis's bright line (wavering by +-1.5 px across the image around row 100 at its
// middle column, and sloping by `slope` rows per column) with speckled muscle above and below,
// drawn as echo amplitude blurred down the image (a 0.4 mm axial point spread) and log-compressed
// over 60 dB as a scanner does. Columns [0, layer_to_px) hold a layer of fluid, layer_px thick
// down the image, on `side` of the line (-1 above it, +1 below), starting 0.4 mm off the line's
// crest, where the muscle's echoes are missing; there the line's own echo is line_gain times as
// strong (a plane seen at another angle).
struct PlaneScene {
  int layer_to_px = 0;
  double layer_px = 0.0;
  int side = -1;
  double slope = 0.0;
  double line_gain = 1.0;
  std::uint64_t seed = 3;
};

double line_row(const PlaneScene& scene, double x) { return 100.0 + 1.5 * std::sin(x / 23.0) + scene.slope * (x - 100.0); }

Frame with_plane_and_layer(const PlaneScene& scene) {
  constexpr int kSize = 200;
  constexpr double kSigmaPx = 1.7, kMuscleAmplitude = 58.0, kPlaneAmplitude = 450.0;
  Random speckle(scene.seed);
  std::vector<double> scatter(std::size_t(kSize + 4) * kSize);
  for (double& v : scatter) v = std::abs(speckle.normal()) + 0.2;
  Frame f(kSize, kSize);
  for (int x = 0; x < kSize; ++x) {
    const double line = line_row(scene, x);
    const bool layered = x < scene.layer_to_px;
    std::vector<double> echo(kSize);
    for (int y = 0; y < kSize; ++y) {
      const double off = scene.side * (y - line);
      const bool in_layer = layered && off >= 4.0 && off < 4.0 + scene.layer_px;
      double lateral = 0;  // each speckle 4 px long across the image
      for (int i = 0; i < 4; ++i) lateral += scatter[std::size_t(y) * (kSize + 4) + std::size_t(x + i)];
      echo[std::size_t(y)] = in_layer ? 0.0 : 0.25 * lateral;
    }
    const double plane = kPlaneAmplitude * (layered ? scene.line_gain : 1.0);
    for (int y = 0; y < kSize; ++y) {
      double blurred = 0, weight = 0;
      for (int k = -6; k <= 6; ++k)
        if (y + k >= 0 && y + k < kSize) {
          const double w = std::exp(-0.5 * k * k / (kSigmaPx * kSigmaPx));
          blurred += w * echo[std::size_t(y + k)];
          weight += w;
        }
      const double amplitude = kMuscleAmplitude * blurred / weight + plane * std::exp(-0.5 * (y - line) * (y - line) / (2.0 * 2.0));
      f.data8()[y * kSize + x] = std::uint8_t(std::clamp(20.0 * std::log10(std::max(1.0, amplitude)) * 255.0 / 60.0, 0.0, 255.0));
    }
  }
  return f;
}

// Points along the scene's line (as the plane map gives them: to the pixel, not on its crest)
// every 5 px from x0 to x1.
std::vector<PointPx> along_line(const PlaneScene& scene, int x0, int x1) {
  std::vector<PointPx> points;
  for (int x = x0; x <= x1; x += 5) points.push_back({double(x), std::round(line_row(scene, x) + 0.4)});
  return points;
}

// The layer read on the scene: its first 100 columns against the rest.
std::optional<BandWidth> layer_read(const PlaneScene& scene, int side) {
  return layer_beside_plane(with_plane_and_layer(scene), PixelRect{0, 0, 199, 199}, along_line(scene, 12, 88),
                            along_line(scene, 112, 188), side, 1.0, kMmPerPx, kMmPerPx);
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

// A 0.6 mm layer of fluid over an aponeurosis (a myotendinous detachment at rest), read on the
// mean of a stretch of the plane against the plane where the muscle lies on it: its width within
// a tenth of a millimetre, its middle a little further from the line than the layer's (the
// line's blurred crest fills the layer's near edge). The same on a plane sloping 15 deg, whose
// columns are averaged along it: along the rows, 2 mm of them span 0.5 mm of depth.
TEST(GapProfile, AThinLayerAlongAPlaneIsReadOnTheMeanOfItsColumns) {
  for (double slope : {0.0, 0.27})
    for (std::uint64_t seed : {3u, 4u, 5u}) {
      const std::optional<BandWidth> layer = layer_read({100, 6.0, -1, slope, 1.0, seed}, -1);
      ASSERT_TRUE(layer.has_value()) << "seed " << seed << ", slope " << slope;
      EXPECT_TRUE(layer->found) << "seed " << seed << ", slope " << slope << ": contrast " << layer->contrast;
      EXPECT_NEAR(layer->width_mm, 0.6, 0.1) << "seed " << seed << ", slope " << slope;
      EXPECT_NEAR(layer->centre_offset_mm, -0.7, 0.15) << "seed " << seed << ", slope " << slope << ": above the line";
    }
}

// Where the muscle lies on the plane all along, the mean profiles of two stretches differ by
// speckle alone: no layer. Nor is a layer below the line read as one above it.
TEST(GapProfile, NoLayerIsReadWhereTheMuscleLiesOnThePlane) {
  for (std::uint64_t seed : {3u, 4u, 5u}) {
    const std::optional<BandWidth> none = layer_read({0, 0.0, -1, 0.0, 1.0, seed}, -1);
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->found) << "seed " << seed << ": contrast " << none->contrast;
    EXPECT_FALSE(layer_read({100, 6.0, 1, 0.0, 1.0, seed}, -1).value_or(BandWidth{}).found) << "seed " << seed;
    EXPECT_TRUE(layer_read({100, 6.0, 1, 0.0, 1.0, seed}, 1).value_or(BandWidth{}).found) << "seed " << seed;
  }
}

// A stretch of the plane whose own line is dimmer (at another angle to the beam, or out of
// focus) falls short of the intact plane most on the line's crest, fading over its blur: no layer.
TEST(GapProfile, ADimmerStretchOfThePlaneIsNoLayer) {
  for (std::uint64_t seed : {3u, 4u, 5u})
    EXPECT_FALSE(layer_read({100, 0.0, -1, 0.0, 0.3, seed}, -1).value_or(BandWidth{}).found) << "seed " << seed;
}

// Too little of the plane to average, on either side of the comparison, or a dark layer wider
// than the 4 mm read: nothing is measured, and the caller keeps the columns' own readings.
TEST(GapProfile, AThinLayerIsNotReadFromTooLittleOfThePlaneOrPastItsReach) {
  const PlaneScene scene{100, 6.0, -1, 0.0, 1.0, 3};
  const PixelRect region{0, 0, 199, 199};
  const Frame image = with_plane_and_layer(scene);
  EXPECT_FALSE(layer_beside_plane(image, region, along_line(scene, 50, 50), along_line(scene, 112, 188), -1, 1.0, kMmPerPx, kMmPerPx));
  EXPECT_FALSE(layer_beside_plane(image, region, along_line(scene, 12, 88), along_line(scene, 150, 160), -1, 1.0, kMmPerPx, kMmPerPx));
  // Points whose columns leave the image are not used.
  EXPECT_FALSE(layer_beside_plane(image, region, {{2.0, 100.0}, {197.0, 100.0}}, along_line(scene, 112, 188), -1, 1.0,
                                  kMmPerPx, kMmPerPx));
  EXPECT_FALSE(layer_read({100, 45.0, -1, 0.0, 1.0, 3}, -1)) << "4.5 mm of fluid: wider than read";
}

}  // namespace ft
