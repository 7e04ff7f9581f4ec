#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/TissueMotion.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::sim {
namespace {

float bilinear(const Frame& f, double x, double y) {
  const int x0 = int(std::floor(x)), y0 = int(std::floor(y));
  const double fx = x - x0, fy = y - y0;
  auto v = [&](int xx, int yy) {
    xx = std::clamp(xx, 0, f.width_px() - 1);
    yy = std::clamp(yy, 0, f.height_px() - 1);
    return double(f.value(xx, yy));
  };
  return float((1 - fy) * ((1 - fx) * v(x0, y0) + fx * v(x0 + 1, y0)) + fy * ((1 - fx) * v(x0, y0 + 1) + fx * v(x0 + 1, y0 + 1)));
}

struct WarpComparison {
  double warped_ncc;
  double unwarped_ncc;
  double mean_motion_px;
};

// Frame `from` against frame `to` sampled where the ground truth says the tissue went.
WarpComparison compare_with_truth(const SimulatedExam& exam, int from, int to, bool intact_only) {
  const Frame a = exam.render_frame(from), b = exam.render_frame(to);
  const DisplacementField truth = exam.true_displacement(from, to);
  const std::vector<std::uint8_t> tissue = exam.tissue_map(from);
  std::vector<float> ref, warped, unwarped;
  double motion = 0;
  const int border = 12;
  for (int r = border; r < truth.rows - border; ++r) {
    for (int c = border; c < truth.columns - border; ++c) {
      const std::size_t i = truth.index(c, r);
      if (!truth.valid[i]) continue;
      if (intact_only && tissue[i] != std::uint8_t(Tissue::RectusFemoris) && tissue[i] != std::uint8_t(Tissue::VastusIntermedius))
        continue;
      const double x = truth.x_px(c), y = truth.y_px(r);
      ref.push_back(a.value(int(x), int(y)));
      unwarped.push_back(b.value(int(x), int(y)));
      warped.push_back(bilinear(b, x + truth.dx_px[i], y + truth.dy_px[i]));
      motion += std::hypot(truth.dx_px[i], truth.dy_px[i]);
    }
  }
  return {test::ncc(ref, warped), test::ncc(ref, unwarped), motion / double(ref.size())};
}

}  // namespace

TEST(SimulatedExam, WarpingByTheTrueFieldReproducesTheNextFrame) {
  const SimulatedExam exam(make_preset("intact", 5));
  // Consecutive frames in the contraction ramp, and a pair four frames apart.
  for (auto [from, to] : {std::pair{10, 11}, std::pair{8, 12}}) {
    const WarpComparison c = compare_with_truth(exam, from, to, true);
    EXPECT_GT(c.mean_motion_px, 0.3) << "the pair must move for the test to mean anything";
    EXPECT_GT(c.warped_ncc, 0.9) << from << "->" << to;
    // Warping removes most of the decorrelation between the frames.
    EXPECT_LT(1.0 - c.warped_ncc, 0.3 * (1.0 - c.unwarped_ncc)) << from << "->" << to << " unwarped " << c.unwarped_ncc;
  }
}

TEST(SimulatedExam, TruthHoldsAcrossTheTearAndWithStrongSliding) {
  for (const char* preset : {"full_tear", "sliding", "vessel"}) {
    const SimulatedExam exam(make_preset(preset, 8));
    const WarpComparison c = compare_with_truth(exam, 12, 14, true);
    EXPECT_GT(c.warped_ncc, 0.8) << preset;
    EXPECT_LT(1.0 - c.warped_ncc, 0.4 * (1.0 - c.unwarped_ncc)) << preset << " unwarped " << c.unwarped_ncc;
  }
}

TEST(SimulatedExam, TearGapWidensWithContraction) {
  const SimulatedExam exam(make_preset("full_tear", 4));
  const ClipTruth truth = exam.clip_truth();
  ASSERT_TRUE(truth.tear_present);
  EXPECT_EQ(truth.grade, 3);
  const FrameTruth& rest = truth.frames.front();
  const FrameTruth& peak = truth.frames.at(std::size_t(truth.peak_frame));
  EXPECT_NEAR(rest.contraction, 0.0, 1e-9);
  EXPECT_NEAR(rest.tear.gap_mm, truth.gap_rest_mm, 1e-9);
  EXPECT_GT(peak.tear.gap_mm, rest.tear.gap_mm + 2.0);
  for (std::size_t k = 1; k < truth.frames.size(); ++k) {
    const auto& prev = truth.frames[k - 1];
    const auto& cur = truth.frames[k];
    if (cur.contraction > prev.contraction + 1e-6) {
      EXPECT_GT(cur.tear.gap_mm, prev.tear.gap_mm) << "frame " << k;
    }
    if (cur.contraction < prev.contraction - 1e-6) {
      EXPECT_LT(cur.tear.gap_mm, prev.tear.gap_mm) << "frame " << k;
    }
  }
}

TEST(SimulatedExam, TearMaskIsWhereTheTruthSaysAndIsHypoechoic) {
  const SimulatedExam exam(make_preset("full_tear", 6));
  const ClipTruth truth = exam.clip_truth();
  const int k = truth.peak_frame;
  const std::vector<std::uint8_t> mask = exam.tear_mask(k);
  const Frame frame = exam.render_frame(k);
  const UltrasoundRegion region = exam.region();
  const int width = region.bounds.width_px();
  const FrameTruth& f = truth.frames[std::size_t(k)];
  const int c = int(std::lround(f.tear.centre_col_px)) - region.bounds.x0_px;
  const int r = int(std::lround(f.tear.centre_row_px)) - region.bounds.y0_px;
  EXPECT_TRUE(mask[std::size_t(r) * width + c]) << "tear centre must lie in the gap";
  // Width of the mask along the centre row ~ the gap along x.
  int run = 0;
  for (int x = 0; x < width; ++x) run += mask[std::size_t(r) * width + x];
  const double gap_x_mm = run * region.mm_per_px_x;
  EXPECT_NEAR(gap_x_mm, f.tear.gap_mm * std::cos(f.rf_fibre_angle_deg * M_PI / 180.0), 0.5);
  // The haematoma is darker than the muscle beside it.
  double in = 0, out = 0;
  int n_in = 0, n_out = 0;
  for (int x = 0; x < width; ++x) {
    for (int y = r - 5; y <= r + 5; ++y) {
      const float v = frame.value(region.bounds.x0_px + x, region.bounds.y0_px + y);
      if (mask[std::size_t(y) * width + x]) { in += v; ++n_in; }
      else if (std::abs(x - c) < 60) { out += v; ++n_out; }
    }
  }
  EXPECT_LT(in / n_in, out / n_out - 25.0);
}

TEST(SimulatedExam, IntactAndConfounderPresetsHaveNoTear) {
  for (const char* preset : {"intact", "vessel", "sliding"}) {
    const SimulatedExam exam(make_preset(preset, 1));
    EXPECT_FALSE(exam.clip_truth().tear_present) << preset;
    const auto mask = exam.tear_mask(20);
    EXPECT_EQ(std::count(mask.begin(), mask.end(), 1), 0) << preset;
  }
}

TEST(SimulatedExam, PartialTearIsGradedPartialWithItsExtent) {
  const SimulatedExam exam(make_preset("partial_tear", 2));
  const ClipTruth truth = exam.clip_truth();
  EXPECT_TRUE(truth.tear_present);
  EXPECT_EQ(truth.grade, 2);
  EXPECT_NEAR(truth.extent_pct, 45.0, 1e-9);
}

TEST(SimulatedExam, GenerationIsDeterministic) {
  const SimulatedExam a(make_preset("full_tear", 9)), b(make_preset("full_tear", 9)), c(make_preset("full_tear", 10));
  for (int k : {0, 17}) {
    EXPECT_TRUE(a.render_frame(k).same_pixels(b.render_frame(k)));
    EXPECT_FALSE(a.render_frame(k).same_pixels(c.render_frame(k)));
  }
}

TEST(SimulatedExam, RegionContentDoesNotDependOnWhereTheRegionSits) {
  SimulationConfig moved = make_preset("partial_tear", 3);
  moved.layout.frame_width_px = 400;
  moved.layout.frame_height_px = 300;
  moved.layout.region_x0_px = 120;
  moved.layout.region_y0_px = 70;
  const SimulatedExam a(make_preset("partial_tear", 3)), b(moved);
  const Frame fa = a.render_frame(15), fb = b.render_frame(15);
  const PixelRect ra = a.region().bounds, rb = b.region().bounds;
  ASSERT_EQ(ra.width_px(), rb.width_px());
  for (int y = 0; y < ra.height_px(); ++y)
    for (int x = 0; x < ra.width_px(); ++x)
      ASSERT_EQ(fa.value(ra.x0_px + x, ra.y0_px + y), fb.value(rb.x0_px + x, rb.y0_px + y));
  EXPECT_NEAR(b.frame_truth(15).tear.centre_col_px - a.frame_truth(15).tear.centre_col_px, 80.0, 1e-9);
}

TEST(SimulatedExam, InconsistentConfigurationIsRejected) {
  SimulationConfig c = make_preset("intact", 1);
  c.layout.region_x0_px = 200;  // region no longer fits the frame
  EXPECT_THROW(SimulatedExam{c}, ft::Error);
  EXPECT_THROW(make_preset("no_such_preset", 1), ft::Error);
}

}  // namespace ft::sim
