// The tracker through a contraction as large and fast as a real maximal one (probes'
// real_* presets): fascicles turning ~20 -> ~42 deg, the deep aponeurosis sliding
// 15-33 mm against the superficial one, the muscle moving 10-15 mm under the probe and
// up to 1.7 mm (17 px) between frames, speckle decorrelating out of plane.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "TrackingScenes.h"
#include "ft/gpu/FieldOperations.h"
#include "ft/gpu/LagrangianTracker.h"
#include "ft/gpu/SpeckleTracker.h"

namespace ft::gpu {
namespace {

// Seed 5 has one of the larger slides of the preset.
sim::SimulationConfig fast_contraction() { return sim::make_preset("real_intact", 5); }

// Beyond the presets, at the top of what a maximal contraction reaches: a rectus femoris 18 mm
// thick whose fascicles turn 20 -> 45 deg (its deep aponeurosis then slides 25 mm), in 45
// frames instead of 60 (the fastest tissue ~1.8 mm a frame).
sim::SimulationConfig maximal_contraction() {
  sim::SimulationConfig c = sim::make_preset("real_intact", 5, 45);
  c.anatomy.aponeurosis_mm = c.anatomy.fascia_mm + 18.0;
  c.anatomy.femur_mm = c.anatomy.aponeurosis_mm + 12.0;
  sim::set_fibre_angles(c, 20.0, 45.0);
  return c;
}

// Points of the tracked grid on soft tissue (above the femur at rest) still in the image region
// at that frame — what a tracker could follow at best — and how many of them it did (valid).
struct SoftTissue {
  int in_view = 0, tracked = 0;
};
SoftTissue soft_tissue(const sim::SimulatedExam& exam, const DisplacementField& tracked, const DisplacementField& truth) {
  const UltrasoundRegion& region = exam.region();
  const double femur_row = region.bounds.y0_px + exam.config().anatomy.femur_mm / region.mm_per_px_y;
  SoftTissue n;
  for (int r = 0; r < tracked.rows; ++r)
    for (int c = 0; c < tracked.columns; ++c) {
      const int tc = int(std::lround((tracked.x_px(c) - truth.origin_x_px) / truth.step_px));
      const int tr = int(std::lround((tracked.y_px(r) - truth.origin_y_px) / truth.step_px));
      if (tc < 0 || tr < 0 || tc >= truth.columns || tr >= truth.rows || tracked.y_px(r) >= femur_row) continue;
      const std::size_t j = truth.index(tc, tr);
      if (!region.bounds.contains(int(tracked.x_px(c) + truth.dx_px[j]), int(tracked.y_px(r) + truth.dy_px[j]))) continue;
      ++n.in_view;
      n.tracked += tracked.valid[tracked.index(c, r)];
    }
  return n;
}

}  // namespace

TEST(RealContraction, TheSceneIsAsLargeAndFastAsARealContraction) {
  const sim::SimulatedExam exam(fast_contraction());
  const sim::ClipTruth truth = exam.clip_truth();
  const sim::FrameTruth& rest = truth.frames.front();
  const sim::FrameTruth& peak = truth.frames[std::size_t(truth.peak_frame)];
  EXPECT_LT(rest.rf_fibre_angle_deg, 23.0);
  EXPECT_GT(peak.rf_fibre_angle_deg, 38.0);
  EXPECT_GT(std::abs(peak.aponeurosis_slide_mm), 15.0);
  EXPECT_LT(peak.rf_fibre_strain, -0.2);
}

TEST(RealContraction, EveryFramePairKeepsMostPointsValid) {
  const sim::SimulatedExam exam(fast_contraction());
  SpeckleTracker tracker({}, Backend::Cpu);
  DisplacementField last;
  Frame previous = exam.render_frame(0);
  double worst = 1.0;
  for (int k = 1; k < exam.frame_count(); ++k) {
    Frame next = exam.render_frame(k);
    last = tracker.track(previous, next, exam.region(), last.size() ? &last : nullptr);
    worst = std::min(worst, last.valid_fraction());
    previous = std::move(next);
  }
  // Before the search was sized from the pyramid and the seed, the fastest pairs kept 21-39 %.
  EXPECT_GT(worst, 0.7);
}

TEST(RealContraction, MaterialPointsAreFollowedFromRestToPeak) {
  const sim::SimulatedExam exam(fast_contraction());
  const int peak = exam.clip_truth().peak_frame;
  SpeckleTracker tracker({}, Backend::Cpu);
  LagrangianTracker lagrangian(tracker, exam.region());
  lagrangian.reset(exam.render_frame(0));
  for (int k = 1; k <= peak; ++k) lagrangian.add(exam.render_frame(k));
  const DisplacementField& tracked = lagrangian.cumulative();
  const DisplacementField truth = exam.true_displacement(0, peak);
  const test::FieldError e = test::compare_fields(tracked, truth);
  const SoftTissue soft = soft_tissue(exam, tracked, truth);
  std::printf("rest -> peak: %d of %d points of soft tissue in view valid (grid %zu)\n", soft.tracked, soft.in_view, tracked.size());
  // Valid means tracked now: most of the tissue still in view must be, and where it is,
  // it must be where the tissue really went (displacements here reach 250 px). 58 % of the
  // soft tissue in view since the presets' thicker and faster muscles (tenth session); on
  // the thinner, slower ones before, 46 % of the whole grid (41 % before re-keying fell back
  // to the last frame that still matched well).
  ASSERT_GT(soft.tracked, int(0.55 * double(soft.in_view)));
  EXPECT_LT(e.median_epe_px * exam.region().mm_per_px_x, 0.1) << "median error at peak, mm";
  // 0.108 mm on the faster scene (0.085 on the slower one, 0.10 before re-keying fell back).
  EXPECT_LT(e.mean_epe_px * exam.region().mm_per_px_x, 0.12) << "mean error at peak, mm";
  EXPECT_GT(lagrangian.rematched_frames(), 0) << "the fastest frames were matched again from the frame before";
}

// The tracker end to end on the largest contraction: every frame pair keeps most points (90 %
// of pairs, the fastest included, at 0.7 or more), and material points reach the peak where
// the tissue went.
TEST(RealContraction, AMaximalContractionFromTwentyToFortyFiveDegreesIsTrackedEndToEnd) {
  const sim::SimulatedExam exam(maximal_contraction());
  const sim::ClipTruth truth = exam.clip_truth();
  const int peak = truth.peak_frame;
  EXPECT_NEAR(truth.frames.front().rf_fibre_angle_deg, 20.0, 1.0);
  EXPECT_GT(truth.frames[std::size_t(peak)].rf_fibre_angle_deg, 44.0);
  EXPECT_GT(std::abs(truth.frames[std::size_t(peak)].aponeurosis_slide_mm), 25.0);
  EXPECT_LT(truth.frames[std::size_t(peak)].rf_fibre_strain, -0.35);
  double fastest_mm = 0.0;  // the largest true motion of tissue between two frames
  for (int k = 0; k + 1 < exam.frame_count(); ++k) {
    const DisplacementField step = exam.true_displacement(k, k + 1);
    for (std::size_t i = 0; i < step.dx_px.size(); ++i)
      if (step.valid[i]) fastest_mm = std::max(fastest_mm, std::hypot(step.dx_px[i], step.dy_px[i]) * exam.region().mm_per_px_x);
  }
  EXPECT_GT(fastest_mm, 1.7);
  SpeckleTracker tracker({}, Backend::Cpu);
  DisplacementField last;
  Frame previous = exam.render_frame(0);
  std::vector<double> valid;
  for (int k = 1; k < exam.frame_count(); ++k) {
    Frame next = exam.render_frame(k);
    last = tracker.track(previous, next, exam.region(), last.size() ? &last : nullptr);
    valid.push_back(last.valid_fraction());
    previous = std::move(next);
  }
  std::sort(valid.begin(), valid.end());
  EXPECT_GE(valid[valid.size() / 10], 0.7) << "10th percentile of the pairs' valid fraction";
  std::printf("fastest tissue %.2f mm a frame; pairs: worst valid fraction %.3f, 10th percentile %.3f\n", fastest_mm,
              valid.front(), valid[valid.size() / 10]);

  LagrangianTracker lagrangian(tracker, exam.region());
  lagrangian.reset(exam.render_frame(0));
  for (int k = 1; k <= peak; ++k) lagrangian.add(exam.render_frame(k));
  const DisplacementField truth_at_peak = exam.true_displacement(0, peak);
  const test::FieldError e = test::compare_fields(lagrangian.cumulative(), truth_at_peak);
  const SoftTissue soft = soft_tissue(exam, lagrangian.cumulative(), truth_at_peak);
  const double mm = exam.region().mm_per_px_x;
  std::printf("rest -> peak: %d of %d points of soft tissue in view valid, median error %.3f mm, mean %.3f mm\n",
              soft.tracked, soft.in_view, e.median_epe_px * mm, e.mean_epe_px * mm);
  EXPECT_GT(soft.tracked, int(0.55 * double(soft.in_view)));
  EXPECT_LT(e.median_epe_px * mm, 0.15) << "median error at peak, mm";
}

}  // namespace ft::gpu
