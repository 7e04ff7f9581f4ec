#include <gtest/gtest.h>

#include <cmath>

#include "TrackingScenes.h"
#include "ft/core/Error.h"
#include "ft/gpu/FieldOperations.h"
#include "ft/gpu/LagrangianTracker.h"
#include "ft/gpu/SpeckleTracker.h"
#include "ft/gpu/StrainField.h"

// Accuracy against the simulator's exact ground truth. Bounds here are generous ones a
// broken tracker cannot meet; bench/ reports the real figures.
namespace ft::gpu {

TEST(SpeckleTracker, SubPixelTranslationsAreUnbiased) {
  SpeckleTracker tracker({}, Backend::Cpu);
  double sum_sq = 0;
  int n = 0;
  for (int tenth = 0; tenth <= 10; tenth += 2) {
    const double shift = tenth / 10.0;
    const sim::SimulatedExam exam(test::rigid_translation(shift, 0.5 * shift));
    const DisplacementField f = tracker.track(exam.render_frame(0), exam.render_frame(1), exam.region());
    const test::FieldError e = test::compare_fields(f, exam.true_displacement(0, 1));
    ASSERT_GT(e.points, 200);
    EXPECT_LT(std::abs(e.bias_x_px), 0.05) << shift;
    EXPECT_LT(std::abs(e.bias_y_px), 0.05) << shift;
    sum_sq += e.rmse_px * e.rmse_px;
    ++n;
  }
  EXPECT_LT(std::sqrt(sum_sq / n), 0.12);
}

TEST(SpeckleTracker, LargeTranslationsAreCapturedByThePyramid) {
  SpeckleTracker tracker({}, Backend::Cpu);
  for (auto [dx, dy] : {std::pair{10.0, 0.0}, std::pair{-10.0, 3.0}, std::pair{6.0, -8.0}}) {
    const sim::SimulatedExam exam(test::rigid_translation(dx, dy));
    const DisplacementField f = tracker.track(exam.render_frame(0), exam.render_frame(1), exam.region());
    const test::FieldError e = test::compare_fields(f, exam.true_displacement(0, 1));
    // Tissue leaving the field of view cannot be tracked: judge the bulk, robustly.
    EXPECT_LT(e.median_epe_px, 0.1) << dx << "," << dy;
    EXPECT_GT(e.share_within_half_px, 0.9) << dx << "," << dy;
    EXPECT_GT(f.valid_fraction(), 0.6) << dx << "," << dy;
  }
}

TEST(SpeckleTracker, ContractionWithSlidingAndJitterIsTrackedFrameToFrame) {
  SpeckleTracker tracker({}, Backend::Cpu);
  for (const char* preset : {"intact", "sliding"}) {
    const sim::SimulatedExam exam(sim::make_preset(preset, 7));
    DisplacementField previous;
    double worst = 0;
    for (int k = 6; k < 20; k += 3) {
      const DisplacementField f =
          tracker.track(exam.render_frame(k), exam.render_frame(k + 1), exam.region(), previous.size() ? &previous : nullptr);
      const test::FieldError e = test::compare_fields(f, exam.true_displacement(k, k + 1));
      worst = std::max(worst, e.mean_epe_px);
      previous = f;
    }
    EXPECT_LT(worst, 0.25) << preset;
  }
}

TEST(SpeckleTracker, OnlyTheImageRegionIsTracked) {
  SpeckleTracker tracker({}, Backend::Cpu);
  const sim::SimulatedExam exam(test::rigid_translation(1.0, 0.0));
  const UltrasoundRegion region = exam.region();
  const DisplacementField f = tracker.track(exam.render_frame(0), exam.render_frame(1), region);
  EXPECT_GE(f.origin_x_px, region.bounds.x0_px);
  EXPECT_GE(f.origin_y_px, region.bounds.y0_px);
  EXPECT_LE(f.x_px(f.columns - 1), region.bounds.x1_px);
  EXPECT_LE(f.y_px(f.rows - 1), region.bounds.y1_px);
  const FieldSummary s = summarise(f, region);
  EXPECT_NEAR(s.mean_dx_px, 1.0, 0.05);
  EXPECT_NEAR(s.mean_dx_mm, 0.15, 0.01);
  EXPECT_GT(s.mean_quality, 0.8);
}

TEST(SpeckleTracker, SeedsThatAreNotNumbersCountAsNoSeed) {
  SpeckleTracker tracker({}, Backend::Cpu);
  const sim::SimulatedExam exam(test::rigid_translation(3.0, -2.0));
  const Frame a = exam.render_frame(0), b = exam.render_frame(1);
  const DisplacementField unseeded = tracker.track(a, b, exam.region());
  DisplacementField corrupt = unseeded;
  for (std::size_t i = 0; i < corrupt.size(); ++i) {
    corrupt.dx_px[i] = i % 3 == 0 ? std::nanf("") : (i % 3 == 1 ? INFINITY : -1e30f);
    corrupt.dy_px[i] = std::nanf("");
  }
  const DisplacementField f = tracker.track(a, b, exam.region(), &corrupt);
  EXPECT_EQ(f.dx_px, unseeded.dx_px);
  EXPECT_EQ(f.dy_px, unseeded.dy_px);
  EXPECT_EQ(f.valid, unseeded.valid);
}

TEST(SpeckleTracker, AskingForCudaWithoutADeviceSaysSo) {
  if (cuda_device_available()) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_THROW(SpeckleTracker({}, Backend::Cuda), Error);
  EXPECT_EQ(SpeckleTracker({}, Backend::Auto).backend(), Backend::Cpu);
}

TEST(LagrangianTracker, AccumulatedDisplacementDriftsLittleOverAContraction) {
  const sim::SimulatedExam exam(sim::make_preset("intact", 12, 40));
  SpeckleTracker tracker({}, Backend::Cpu);
  LagrangianTracker lagrangian(tracker, exam.region());
  lagrangian.reset(exam.render_frame(0));
  for (int k = 1; k < 40; ++k) lagrangian.add(exam.render_frame(k));
  const test::FieldError e = test::compare_fields(lagrangian.cumulative(), exam.true_displacement(0, 39));
  ASSERT_GT(e.points, 100);
  EXPECT_LT(e.mean_epe_px * exam.region().mm_per_px_x, 0.3) << "drift over 40 frames, mm";
}

TEST(StrainField, FibreStrainFollowsTheContraction) {
  const sim::SimulatedExam exam(sim::make_preset("intact", 3, 40));
  const sim::ClipTruth truth = exam.clip_truth();
  SpeckleTracker tracker({}, Backend::Cpu);
  LagrangianTracker lagrangian(tracker, exam.region());
  lagrangian.reset(exam.render_frame(0));
  for (int k = 1; k <= truth.peak_frame; ++k) lagrangian.add(exam.render_frame(k));
  // Strain over the rectus femoris band only (rows between fascia and aponeurosis).
  const StrainField s = green_lagrange(lagrangian.cumulative(), 0.15, 0.15);
  const auto& cfg = exam.config();
  const double y_top = exam.region().bounds.y0_px + (cfg.anatomy.fascia_mm + 1.5) / 0.15;
  const double y_bottom = exam.region().bounds.y0_px + (cfg.anatomy.aponeurosis_mm - 1.5) / 0.15;
  const double angle = cfg.anatomy.rf_pennation_deg;
  double sum = 0;
  int n = 0;
  for (int r = 0; r < s.rows; ++r) {
    const double y = s.origin_y_px + r * s.step_px;
    if (y < y_top || y > y_bottom) continue;
    for (int c = 0; c < s.columns; ++c) {
      const std::size_t i = std::size_t(r) * s.columns + c;
      if (!s.valid[i]) continue;
      sum += engineering_strain_along(s, i, angle);
      ++n;
    }
  }
  ASSERT_GT(n, 50);
  const double expected = truth.frames[std::size_t(truth.peak_frame)].rf_fibre_strain;
  EXPECT_LT(expected, -0.05);
  EXPECT_NEAR(sum / n, expected, 0.025);
}

}  // namespace ft::gpu

namespace ft::gpu {

TEST(FieldOperations, DenseFieldsInPxAndMm) {
  SpeckleTracker tracker({}, Backend::Cpu);
  const sim::SimulatedExam exam(test::rigid_translation(1.5, -0.5));
  const DisplacementField grid = tracker.track(exam.render_frame(0), exam.render_frame(1), exam.region());
  const PixelRect inner{int(grid.x_px(2)), int(grid.y_px(2)), int(grid.x_px(grid.columns - 3)), int(grid.y_px(grid.rows - 3))};
  const DisplacementField dense = densify(grid, inner);
  EXPECT_EQ(dense.columns, inner.width_px());
  EXPECT_EQ(dense.step_px, 1.0);
  const std::size_t mid = dense.index(dense.columns / 2, dense.rows / 2);
  EXPECT_NEAR(dense.dx_px[mid], 1.5, 0.1);
  const FieldInMm mm = in_mm(dense, exam.region());
  EXPECT_NEAR(mm.dx_mm[mid], 1.5 * 0.15, 0.015);
  EXPECT_NEAR(mm.dy_mm[mid], -0.5 * 0.15, 0.015);
  UltrasoundRegion uncalibrated = exam.region();
  uncalibrated.units_x = PhysicalUnits::None;
  EXPECT_THROW(in_mm(dense, uncalibrated), Error);
}

TEST(SpeckleTracker, ForwardBackwardCheckDropsTissueThatLeavesTheImage) {
  TrackingParameters p;
  p.forward_backward = true;
  SpeckleTracker checked(p, Backend::Cpu), plain({}, Backend::Cpu);
  const sim::SimulatedExam exam(test::rigid_translation(9.0, 0.0));
  const DisplacementField a = checked.track(exam.render_frame(0), exam.render_frame(1), exam.region());
  const DisplacementField b = plain.track(exam.render_frame(0), exam.render_frame(1), exam.region());
  EXPECT_LE(a.valid_fraction(), b.valid_fraction());
  const test::FieldError e = test::compare_fields(a, exam.true_displacement(0, 1));
  EXPECT_GT(e.share_within_half_px, 0.97) << "what survives the check is right";
}

}  // namespace ft::gpu
