// Fascicle direction read from the image: streaks like perimysium at a known angle, with
// speckle-like noise, read at every grid point — including the points near the region's
// edges, whose averaging lines leave the image and are summed tap by tap with checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/FascicleOrientation.h"
#include "ft/core/FascicleReadings.h"
#include "ft/core/Frame.h"
#include "ft/core/Random.h"
#include "ft/core/TextureLengths.h"
#include "TestSupport.h"

namespace ft {
namespace {

constexpr double kMmPerPx = 0.1;

// Bright streaks 1 mm apart running at `angle_deg` from the x axis (y down), on noise.
Frame streaks(int width_px, int height_px, double angle_deg, std::uint64_t seed) {
  Frame f(width_px, height_px);
  Random noise = Random::stream(seed, 1);
  const double a = angle_deg * M_PI / 180.0;
  for (int y = 0; y < height_px; ++y)
    for (int x = 0; x < width_px; ++x) {
      const double across_mm = (-x * std::sin(a) + y * std::cos(a)) * kMmPerPx;  // distance across the streaks
      const double streak = std::pow(0.5 + 0.5 * std::cos(2 * M_PI * across_mm), 4);
      f.set_value(x, y, float(60 + 120 * streak + noise.uniform(-40, 40)));
    }
  return f;
}

// Largest difference between the reading and `angle_deg` over the grid points that `take` keeps.
template <class Take>
double worst_error_deg(const FibreField& r, const DisplacementField& grid, double angle_deg, Take take) {
  double worst = 0;
  for (int row = 0; row < grid.rows; ++row)
    for (int col = 0; col < grid.columns; ++col)
      if (take(grid.x_px(col), grid.y_px(row))) {
        double d = std::abs(r.angle_deg[grid.index(col, row)] - angle_deg);
        worst = std::max(worst, std::min(d, 180 - d));
      }
  return worst;
}

TEST(FascicleOrientation, StreaksAreReadAtTheirAngleEverywhereIncludingTheEdges) {
  constexpr int kWidth = 320, kHeight = 240, kStepPx = 5;
  const PixelRect region{0, 0, kWidth - 1, kHeight - 1};
  const DisplacementField grid(kWidth / kStepPx, kHeight / kStepPx, 2, 2, kStepPx);
  for (double angle_deg : {-35.0, 0.0, 22.0, 48.0}) {
    const FibreField r = fascicle_orientation(streaks(kWidth, kHeight, angle_deg, 7), region, grid, kMmPerPx);
    ASSERT_EQ(r.angle_deg.size(), grid.size());
    // The working image is 0.3 mm/px and each line 6 mm (10 px each side): the points within
    // 3 mm of an edge have lines that leave the image.
    const auto near_edge = [&](double x, double y) { return std::min({x, y, kWidth - 1 - x, kHeight - 1 - y}) < 30; };
    EXPECT_LT(worst_error_deg(r, grid, angle_deg, [&](double x, double y) { return !near_edge(x, y); }), 3.0) << angle_deg;
    EXPECT_LT(worst_error_deg(r, grid, angle_deg, near_edge), 5.0) << angle_deg;
    for (float c : r.coherence) EXPECT_TRUE(c > 0.2f && c <= 1.0f) << angle_deg << ": coherence " << c;
  }
}

// Faint streaks at `angle_deg` on speckle-like noise whose grains are `elongation` times longer
// across than in depth (white noise blurred by a Gaussian, sigma 1.2 px in depth): as a wide
// beam or a recorded screen's smoothing leaves them.
Frame streaks_on_elongated_grain(int width_px, int height_px, double angle_deg, double elongation, std::uint64_t seed) {
  const std::vector<double> v = test::blurred_noise_field(width_px, height_px, 1.2 * elongation, 1.2, unsigned(seed));
  Frame f(width_px, height_px);
  const double a = angle_deg * M_PI / 180.0;
  for (int y = 0; y < height_px; ++y)
    for (int x = 0; x < width_px; ++x) {
      const double across_mm = (-x * std::sin(a) + y * std::cos(a)) * kMmPerPx;
      const double streak = std::pow(0.5 + 0.5 * std::cos(2 * M_PI * across_mm / 1.5), 4);
      const double grain = v[std::size_t(y) * std::size_t(width_px) + std::size_t(x)];
      f.set_value(x, y, float(std::clamp(120 + 50 * streak + 40 * grain, 0.0, 255.0)));
    }
  return f;
}

// The median reading over the points 4 mm or more inside the image.
double median_inside_deg(const FibreField& r, const DisplacementField& grid, int width_px, int height_px) {
  std::vector<float> inside;
  for (int row = 0; row < grid.rows; ++row)
    for (int col = 0; col < grid.columns; ++col) {
      const double x = grid.x_px(col), y = grid.y_px(row);
      if (std::min({x, y, width_px - 1 - x, height_px - 1 - y}) >= 40) inside.push_back(r.angle_deg[grid.index(col, row)]);
    }
  std::nth_element(inside.begin(), inside.begin() + long(inside.size() / 2), inside.end());
  return inside[inside.size() / 2];
}

// Grain five times longer across than in depth: a line 6 mm long averages few grains lying
// level and many crossing them, so level lines keep the most variance whatever the fascicles
// do, and the reading comes out flat. Lines as long as the grain along them average the grain
// alike in every direction (the texture's elongation, as TextureLengths measures it).
TEST(FascicleOrientation, StreaksOnGrainLongAcrossAreReadAtTheirAngleWhenTheLinesFollowTheGrain) {
  constexpr int kWidth = 400, kHeight = 300, kStepPx = 10;
  constexpr double kElongation = 5.0;
  const PixelRect region{0, 0, kWidth - 1, kHeight - 1};
  const DisplacementField grid(kWidth / kStepPx, kHeight / kStepPx, 5, 5, kStepPx);
  for (double angle_deg : {20.0, 35.0}) {
    const Frame image = streaks_on_elongated_grain(kWidth, kHeight, angle_deg, kElongation, 11);
    FascicleScale grain_aware;
    grain_aware.texture_elongation = kElongation;
    const double aware = median_inside_deg(fascicle_orientation(image, region, grid, kMmPerPx, grain_aware), grid, kWidth, kHeight);
    const double fixed = median_inside_deg(fascicle_orientation(image, region, grid, kMmPerPx), grid, kWidth, kHeight);
    EXPECT_NEAR(aware, angle_deg, 2.0) << "lines as long as the grain";
    EXPECT_LT(std::abs(fixed), 5.0) << "lines of one length read the grain (why its length matters)";
  }
}

// What the detector reads (FascicleReadings) follows the grain it is given (the analysis gives
// it on texture as elongated as a recorded screen's), and readings made along another grain are
// not reused.
TEST(FascicleReadings, FollowTheGrainTheyAreGiven) {
  constexpr int kWidth = 400, kHeight = 300, kStepPx = 10;
  MotionRecord m = test::calibrated_motion_record(kWidth, kHeight, kMmPerPx);
  m.cumulative.emplace_back(kWidth / kStepPx, kHeight / kStepPx, 5, 5, kStepPx);
  const PixelRect region{0, 0, kWidth - 1, kHeight - 1};
  const Frame screen = streaks_on_elongated_grain(kWidth, kHeight, 20.0, 5.0, 11);
  const double grain = measure_texture_lengths(screen, region).elongation();
  ASSERT_GE(grain, kScreenTextureElongation);
  FascicleReadings readings;
  EXPECT_NEAR(median_inside_deg(readings.in_frame(0, screen, m, grain), m.cumulative[0], kWidth, kHeight), 20.0, 2.0);
  EXPECT_EQ(readings.frames_read(), 1u);
  EXPECT_EQ(readings.in_frame(0, screen, m).angle_deg, fascicle_orientation(screen, region, m.cumulative[0], kMmPerPx).angle_deg)
      << "a reading along another grain was reused";
}

}  // namespace
}  // namespace ft
