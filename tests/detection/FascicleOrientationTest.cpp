// Fascicle direction read from the image: streaks like perimysium at a known angle, with
// speckle-like noise, read at every grid point — including the points near the region's
// edges, whose averaging lines leave the image and are summed tap by tap with checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/FascicleOrientation.h"
#include "ft/core/Frame.h"
#include "ft/core/Random.h"

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

}  // namespace
}  // namespace ft
