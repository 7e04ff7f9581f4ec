#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "ft/core/ContractionAnalysis.h"

// The contraction read from a constructed clip whose deformation is known exactly: every
// frame stretches the tissue uniformly along x by its own factor (fibres at 30 deg), so the
// strain along the fibres between any two frames has a closed form.
namespace ft {
namespace {

constexpr double kFibreDeg = 30.0;
constexpr double kMmPerPx = 0.1;

// Frame k stretches x by stretch[k] about the grid's middle; y is left as it is.
MotionRecord stretched_clip(const std::vector<double>& stretch) {
  MotionRecord m;
  m.mm_per_px_x = m.mm_per_px_y = kMmPerPx;
  const double centre_x = 10.0 + 4.0 * 9.5;
  for (double s : stretch) {
    DisplacementField u(20, 12, 10.0, 20.0, 4.0);
    for (int r = 0; r < u.rows; ++r)
      for (int c = 0; c < u.columns; ++c) {
        u.dx_px[u.index(c, r)] = float((s - 1.0) * (u.x_px(c) - centre_x));
        u.dy_px[u.index(c, r)] = 0.0f;
        u.valid[u.index(c, r)] = 1;
      }
    m.cumulative.push_back(u);
  }
  return m;
}

// Length of the fibre direction (at rest in frame 0) after a stretch s along x.
double fibre_length(double s) {
  const double t = kFibreDeg * M_PI / 180.0;
  return std::hypot(s * std::cos(t), std::sin(t));
}

ContractionSummary analyse(const MotionRecord& m) {
  const std::size_t points = m.cumulative[0].size();
  const FibreField fibres{std::vector<float>(points, float(kFibreDeg)), std::vector<float>(points, 1.0f)};
  return analyse_contraction(m, fibres, std::vector<std::uint8_t>(points, 1), 1);
}

TEST(ContractionAnalysis, StrainsAreAlongTheFibresAsTheyLieInTheRestFrame) {
  // Lengthens to frame 2 (the most relaxed), then shortens to frame 5 (the peak).
  const std::vector<double> stretch{1.0, 1.03, 1.06, 1.0, 0.9, 0.8, 0.85};
  const ContractionSummary s = analyse(stretched_clip(stretch));
  ASSERT_EQ(s.rest_frame, 2);
  ASSERT_EQ(s.peak_frame, 5);
  ASSERT_EQ(s.strain_by_frame.size(), stretch.size());
  EXPECT_EQ(s.strain_by_frame[2], 0.0);
  for (std::size_t k = 0; k < stretch.size(); ++k)
    EXPECT_NEAR(s.strain_by_frame[k], fibre_length(stretch[k]) / fibre_length(stretch[2]) - 1.0, 1e-5) << "frame " << k;
  EXPECT_NEAR(s.peak_strain, fibre_length(0.8) / fibre_length(1.06) - 1.0, 1e-5);
}

TEST(ContractionAnalysis, AClipThatStartsMostRelaxedIsMeasuredFromItsFirstFrame) {
  const std::vector<double> stretch{1.0, 0.95, 0.85, 0.8, 0.9, 0.97};
  const ContractionSummary s = analyse(stretched_clip(stretch));
  ASSERT_EQ(s.rest_frame, 0);
  ASSERT_EQ(s.peak_frame, 3);
  for (std::size_t k = 0; k < stretch.size(); ++k)
    EXPECT_NEAR(s.strain_by_frame[k], fibre_length(stretch[k]) / fibre_length(1.0) - 1.0, 1e-5) << "frame " << k;
  // The same strains as one frame pair at a time.
  const MotionRecord m = stretched_clip(stretch);
  const std::size_t points = m.cumulative[0].size();
  const FibreField fibres{std::vector<float>(points, float(kFibreDeg)), std::vector<float>(points, 1.0f)};
  for (int k = 1; k < int(stretch.size()); ++k)
    EXPECT_EQ(s.strain_by_frame[std::size_t(k)],
              fibre_strain_between(m, fibres, std::vector<std::uint8_t>(points, 1), 0, k, 1));
}

}  // namespace
}  // namespace ft
