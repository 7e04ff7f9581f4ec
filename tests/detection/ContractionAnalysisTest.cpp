#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ft/core/ContractionAnalysis.h"
#include "ft/core/Deformation.h"

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

// The rest and the peak are plateaus (5 % of the range, on the strain from frame 0): a relaxed
// stretch at each end and a hold whose frames differ by less than the tracking's noise.
TEST(ContractionAnalysis, TheRestAndThePeakAreReadAsPlateaus) {
  const std::vector<double> stretch{1.0, 1.001, 0.999, 0.9, 0.8, 0.801, 0.805, 0.85, 0.9, 1.0, 0.9995};
  const ContractionSummary s = analyse(stretched_clip(stretch));
  ASSERT_EQ(s.rest_frame, 1);
  ASSERT_EQ(s.peak_frame, 4);
  EXPECT_EQ(s.rest_plateau, (std::vector<int>{0, 1, 2, 9, 10}));
  EXPECT_EQ(s.peak_plateau, (std::vector<int>{4, 5, 6}));
}

TEST(ContractionAnalysis, APlateauIsEveryFiniteFrameWithinItsToleranceOfTheExtreme) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> curve{0.0, 0.004, nan, -0.10, -0.197, -0.2, 0.001};
  EXPECT_EQ(plateau_frames(curve, true, 0.01), (std::vector<int>{0, 1, 6}));
  EXPECT_EQ(plateau_frames(curve, false, 0.01), (std::vector<int>{4, 5}));
  EXPECT_EQ(plateau_frames(curve, false, 0.0), (std::vector<int>{5}));
  EXPECT_TRUE(plateau_frames({nan, nan}, true, 0.01).empty());
}

// Analysed frames renumbered to the clip's own (every third kept): the plateaus go with them.
TEST(ContractionAnalysis, RenumberingMovesThePlateausWithTheFrames) {
  ContractionSummary s;
  s.rest_frame = 1;
  s.peak_frame = 4;
  s.rest_plateau = {0, 1, 9};
  s.peak_plateau = {4, 5};
  renumber_frames(s, [](int k) { return 3 * k; });
  EXPECT_EQ(s.rest_frame, 3);
  EXPECT_EQ(s.rest_plateau, (std::vector<int>{0, 3, 27}));
  EXPECT_EQ(s.peak_plateau, (std::vector<int>{12, 15}));
}

// The strain between two frames as the detector first wrote it, one point and frame pair at a
// time. The detector now works out the `from` frame's part once per point; its strains must stay
// these to the bit (rest and peak frames are chosen by comparing them).
double strain_as_first_written(const MotionRecord& m, const FibreField& fibres, const std::vector<std::uint8_t>& muscle,
                               int from, int to, int baseline) {
  const DisplacementField& a = m.cumulative[std::size_t(from)];
  const DisplacementField& b = m.cumulative[std::size_t(to)];
  std::vector<double> strains;
  for (int r = 0; r < a.rows; ++r)
    for (int c = 0; c < a.columns; ++c) {
      const std::size_t i = a.index(c, r);
      if (!muscle[i]) continue;
      const Tensor2 fa = deformation_gradient(a, c, r, baseline, m.mm_per_px_x, m.mm_per_px_y);
      const Tensor2 fb = deformation_gradient(b, c, r, baseline, m.mm_per_px_x, m.mm_per_px_y);
      const double t = fibres.angle_deg[i] * M_PI / 180.0;
      const double dx = fa.xx * std::cos(t) + fa.xy * std::sin(t), dy = fa.yx * std::cos(t) + fa.yy * std::sin(t);
      const double angle_from = std::atan2(dy, dx) * 180.0 / M_PI;
      strains.push_back((fb * fa.inverse()).stretch_along(angle_from) - 1.0);
    }
  if (strains.empty()) return 0.0;
  std::nth_element(strains.begin(), strains.begin() + long(strains.size() / 2), strains.end());
  return strains[strains.size() / 2];
}

TEST(ContractionAnalysis, StrainsAreTheSameToTheBitAsWorkedOutOnePairAtATime) {
  // A field that varies from point to point (shear, rotation, local bulges), fibres that turn
  // over the image, a muscle mask with holes, anisotropic pixels, and a rest frame that is not
  // the first.
  MotionRecord m;
  m.mm_per_px_x = 0.11;
  m.mm_per_px_y = 0.09;
  const int frames = 9;
  for (int k = 0; k < frames; ++k) {
    const double level = std::sin(M_PI * (k - 1) / 7.0);  // lengthens at frame 0, peaks near 4-5
    DisplacementField u(23, 17, 7.0, 11.0, 3.0);
    for (int r = 0; r < u.rows; ++r)
      for (int c = 0; c < u.columns; ++c) {
        const double x = u.x_px(c), y = u.y_px(r);
        u.dx_px[u.index(c, r)] = float(k == 0 ? 0.0 : -0.12 * level * (x - 40) + 0.03 * level * y + 0.4 * std::sin(0.13 * x + 0.07 * y + k));
        u.dy_px[u.index(c, r)] = float(k == 0 ? 0.0 : 0.08 * level * (y - 30) - 0.02 * level * x + 0.3 * std::cos(0.11 * y - 0.05 * x * k));
        u.valid[u.index(c, r)] = 1;
      }
    m.cumulative.push_back(u);
  }
  const std::size_t points = m.cumulative[0].size();
  FibreField fibres{std::vector<float>(points), std::vector<float>(points, 1.0f)};
  std::vector<std::uint8_t> muscle(points);
  for (std::size_t i = 0; i < points; ++i) {
    fibres.angle_deg[i] = float(-40.0 + 80.0 * double(i % 23) / 22.0 + 3.0 * double(i / 23 % 5));
    muscle[i] = (i * 7919) % 11 != 0;  // about one point in eleven left out
  }
  for (int baseline : {1, 2})
    for (int from : {0, 3})
      for (int to = 0; to < frames; ++to)
        EXPECT_EQ(fibre_strain_between(m, fibres, muscle, from, to, baseline),
                  strain_as_first_written(m, fibres, muscle, from, to, baseline))
            << "from " << from << " to " << to << ", baseline " << baseline;
  // A median hides a last-bit change at all points but one: each point alone, too.
  int points_compared = 0;
  for (std::size_t i = 0; i < points; i += 3) {
    std::vector<std::uint8_t> one(points, 0);
    one[i] = 1;
    for (int to : {1, 4, 8}) {
      ASSERT_EQ(fibre_strain_between(m, fibres, one, 3, to, 1), strain_as_first_written(m, fibres, one, 3, to, 1))
          << "point " << i << " to frame " << to;
      ++points_compared;
    }
  }
  EXPECT_GT(points_compared, 300);
  const ContractionSummary s = analyse_contraction(m, fibres, muscle, 1);
  ASSERT_NE(s.rest_frame, 0) << "the clip lengthens after its first frame: a rest frame of its own";
  for (int k = 0; k < frames; ++k)
    EXPECT_EQ(s.strain_by_frame[std::size_t(k)], k == s.rest_frame ? 0.0 : strain_as_first_written(m, fibres, muscle, s.rest_frame, k, 1))
        << "frame " << k;
}

}  // namespace
}  // namespace ft
