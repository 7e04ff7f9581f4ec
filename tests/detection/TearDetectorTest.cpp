#include <gtest/gtest.h>

#include <cmath>

#include "ft/core/GapFollower.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

// End-to-end detection on simulated clips with exact truth. Seeds differ from the
// sample data's; the benchmark harness (bench_detection) covers the wider variety.
namespace ft {
namespace {

struct Outcome {
  ClipAnalysis analysis;
  sim::ClipTruth truth;
  UltrasoundRegion region;
};

Outcome analyse(const sim::SimulationConfig& config) {
  const sim::SimulatedExam exam(config);
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  Outcome run{analyse_clip(int(frames.size()), [&](int k) { return frames[std::size_t(k)]; }, exam.region()),
          exam.clip_truth(), exam.region()};
  return run;
}

double localisation_error_mm(const Outcome& run) {
  const TearFinding& f = run.analysis.detection.findings.front();
  const sim::FrameTruth& t = run.truth.frames[std::size_t(f.frame)];
  return std::hypot(f.centre_x_mm - t.tear.centre_x_mm, f.centre_z_mm - t.tear.centre_z_mm);
}

}  // namespace

TEST(TearDetector, FullThicknessTearIsFoundLocalisedMeasuredAndGraded) {
  const Outcome run = analyse(sim::make_preset("full_tear", 31));
  ASSERT_TRUE(run.analysis.detection.tear_detected);
  ASSERT_EQ(run.analysis.detection.findings.size(), 1u);
  const TearFinding& f = run.analysis.detection.findings.front();
  EXPECT_LT(localisation_error_mm(run), 2.0);
  EXPECT_NEAR(f.gap_mm, run.truth.frames[std::size_t(f.frame)].tear.gap_mm, 1.0);
  EXPECT_NEAR(f.gap_rest_mm, run.truth.gap_rest_mm, 1.0);
  EXPECT_GT(f.extent_pct, 80.0);
  EXPECT_EQ(f.grade, TearGrade::CompleteWithRetraction);
  EXPECT_GT(f.confidence, 0.8);
  // Whole-frame pixels and region mm describe the same point.
  EXPECT_NEAR(f.centre_col_px, run.region.bounds.x0_px + f.centre_x_mm / run.region.mm_per_px_x, 1e-6);
  EXPECT_LT(run.analysis.detection.contraction.peak_strain, -0.03);
}

// Live monitoring runs the detector again every few frames over the same window: the
// fascicles of a frame are read once, and reading them again would change nothing.
TEST(TearDetector, FasciclesReadOnceGiveTheSameFindingsWhenTheDetectorRunsAgain) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 31));
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  const FrameAt frame_at = [&](int k) { return frames[std::size_t(k)]; };
  const ClipAnalysis clip = analyse_clip(int(frames.size()), frame_at, exam.region());
  ASSERT_EQ(clip.detection.findings.size(), 1u);
  FascicleReadings readings;
  const DetectionResult first = detect_tears(clip.motion, frame_at, {}, &readings);
  const std::size_t read = readings.frames_read();
  EXPECT_GE(read, 2u);                        // frame 0 and the rest or peak frame at least
  EXPECT_LT(read, std::size_t(exam.frame_count()));  // not every frame
  const DetectionResult again = detect_tears(clip.motion, frame_at, {}, &readings);
  EXPECT_EQ(readings.frames_read(), read) << "a frame's fascicles were read twice";
  ASSERT_EQ(again.findings.size(), first.findings.size());
  EXPECT_EQ(again.findings.front().gap_mm, first.findings.front().gap_mm);
  EXPECT_EQ(again.findings.front().centre_x_mm, first.findings.front().centre_x_mm);
  EXPECT_EQ(first.findings.front().gap_mm, clip.detection.findings.front().gap_mm);
  // Readings of another grid are not reused: the same frames tracked on a coarser grid.
  AnalysisSettings coarser;
  coarser.grid_mm = 0.8;
  const ClipAnalysis other = analyse_clip(int(frames.size()), frame_at, exam.region(), coarser);
  const DetectionResult reused = detect_tears(other.motion, frame_at, {}, &readings);
  const DetectionResult fresh = detect_tears(other.motion, frame_at, {});
  ASSERT_EQ(reused.findings.size(), fresh.findings.size());
  ASSERT_FALSE(fresh.findings.empty());
  EXPECT_EQ(reused.findings.front().gap_mm, fresh.findings.front().gap_mm);
  EXPECT_EQ(reused.contraction.peak_frame, fresh.contraction.peak_frame);
}

// Live, a finding's gap is read again on every frame tracked after its evaluation by the
// follower the detector made it with: on the frames the detector read, the follower must give
// the gap-time curve the detector reported, to the bit (one reading, not a second copy).
TEST(TearDetector, AFindingsFollowerReadsItsGapTimeCurveAgain) {
  const Outcome run = analyse(sim::make_preset("full_tear", 31));
  ASSERT_EQ(run.analysis.detection.findings.size(), 1u);
  const TearFinding& f = run.analysis.detection.findings.front();
  ASSERT_TRUE(f.follower) << "an intramuscular tear's gap is read from its stumps' motion";
  const MotionRecord& m = run.analysis.motion;
  ASSERT_EQ(f.gap_by_frame_mm.size(), std::size_t(m.frame_count()));
  ASSERT_EQ(f.gap_measured_by_frame.size(), std::size_t(m.frame_count()));
  for (int k = 0; k < m.frame_count(); ++k) {
    const DisplacementField& u_k = m.cumulative[std::size_t(k)];
    EXPECT_EQ(f.follower->gap_mm(u_k), f.gap_by_frame_mm[std::size_t(k)]) << "frame " << k;
    // Marked measured exactly where the follower can read the muscle around the gap.
    const std::optional<double> opening = f.follower->opening_mm(u_k);
    EXPECT_EQ(f.gap_measured_on(std::size_t(k)), opening && std::isfinite(*opening)) << "frame " << k;
  }
  EXPECT_GT(f.gap_mm, f.gap_rest_mm + 1.0);
  EXPECT_EQ(run.analysis.detection.motion_frame0, run.analysis.kept_frames.front());
}

// Stumps 6 mm apart across a surface whose normal the muscle shortens by 30 %: intact muscle
// takes them to 4.2 mm, a structure that does not shorten keeps them 6 mm apart, 1.8 mm "open".
// The normal is carried by F^-T: a shear that tilts the surface shortens it, one along the
// surface does not.
TEST(GapFollower, WhatAStructureCarriedWholeWouldOpen) {
  GapFollowerGeometry g;
  g.stump_a_x_px = 10.0;
  g.stump_b_x_px = 70.0;  // 6 mm at 0.1 mm/px, along the normal (1, 0)
  g.rest_separation_mm = 6.0;
  const GapFollower follower({}, {}, 1, 0.1, 0.1, g);
  EXPECT_NEAR(follower.opening_if_unshortened_mm(Tensor2{0.7, 0.0, 0.0, 1.0 / 0.7}), 1.8, 1e-9);
  EXPECT_NEAR(follower.opening_if_unshortened_mm(Tensor2{1.0, 0.0, 0.0, 1.0}), 0.0, 1e-9) << "at rest";
  EXPECT_NEAR(follower.opening_if_unshortened_mm(Tensor2{1.0, 0.0, 0.0, 0.7}), 0.0, 1e-9) << "shortened along the surface only";
  EXPECT_NEAR(follower.opening_if_unshortened_mm(Tensor2{1.0, 0.75, 0.0, 1.0}), 1.2, 1e-9) << "the surface tilted";
  EXPECT_NEAR(follower.opening_if_unshortened_mm(Tensor2{1.0, 0.0, 0.75, 1.0}), 0.0, 1e-9) << "sliding along itself";
  const double c = std::cos(0.4), s = std::sin(0.4);
  EXPECT_NEAR(follower.opening_if_unshortened_mm(Tensor2{c, -s, s, c}), 0.0, 1e-9) << "turned";
  EXPECT_LT(follower.opening_if_unshortened_mm(Tensor2{1.3, 0.0, 0.0, 1.0}), 0.0) << "lengthened along the normal";
  // Stumps carried 0.5 mm sideways, their separation kept: the opening they read is that bound.
  DisplacementField moved(9, 3, 0.0, 0.0, 10.0);
  for (std::size_t i = 0; i < moved.size(); ++i) {
    moved.dx_px[i] = 5.0f;
    moved.valid[i] = 1;
  }
  const Tensor2 shortened{0.7, 0.0, 0.0, 1.0 / 0.7};
  EXPECT_NEAR(follower.opening_mm(moved, shortened), follower.opening_if_unshortened_mm(shortened), 1e-6);
}

TEST(TearDetector, PartialTearIsFoundAsPartial) {
  const Outcome run = analyse(sim::make_preset("partial_tear", 32));
  ASSERT_TRUE(run.analysis.detection.tear_detected);
  const TearFinding& f = run.analysis.detection.findings.front();
  EXPECT_LT(localisation_error_mm(run), 3.0);
  EXPECT_EQ(f.grade, TearGrade::Partial);
  EXPECT_GT(f.extent_pct, 20.0);
  EXPECT_LT(f.extent_pct, 80.0);
  EXPECT_NEAR(f.gap_mm, run.truth.frames[std::size_t(f.frame)].tear.gap_mm, 1.0);
}

TEST(TearDetector, NormalSlidingAVesselAndIntactMuscleAreNotFlagged) {
  for (const char* preset : {"intact", "vessel", "sliding"}) {
    const Outcome run = analyse(sim::make_preset(preset, 33));
    EXPECT_FALSE(run.analysis.detection.tear_detected) << preset;
    EXPECT_FALSE(run.analysis.detection.notes.empty()) << preset;
  }
}

TEST(TearDetector, WorksWhenTheMuscleIsContractedInTheFirstFrame) {
  const Outcome run = analyse(sim::make_preset("contracted_start", 34));
  ASSERT_TRUE(run.analysis.detection.tear_detected);
  EXPECT_LT(localisation_error_mm(run), 3.0);
  EXPECT_GT(run.analysis.detection.contraction.rest_frame, 0);
}

TEST(TearDetector, FindingsDoNotDependOnWhereTheRegionSitsInTheFrame) {
  sim::SimulationConfig a = sim::make_preset("full_tear", 35, 30), b = a;
  b.layout.frame_width_px = 420;
  b.layout.frame_height_px = 330;
  b.layout.region_x0_px = 150;
  b.layout.region_y0_px = 110;
  const Outcome ra = analyse(a), rb = analyse(b);
  ASSERT_TRUE(ra.analysis.detection.tear_detected);
  ASSERT_TRUE(rb.analysis.detection.tear_detected);
  const TearFinding& fa = ra.analysis.detection.findings.front();
  const TearFinding& fb = rb.analysis.detection.findings.front();
  EXPECT_NEAR(fa.centre_x_mm, fb.centre_x_mm, 0.2);
  EXPECT_NEAR(fa.centre_z_mm, fb.centre_z_mm, 0.2);
  EXPECT_NEAR(fb.centre_col_px - fa.centre_col_px, 110.0, 1.5);
  EXPECT_NEAR(fb.centre_row_px - fa.centre_row_px, 80.0, 1.5);
  EXPECT_NEAR(fa.gap_mm, fb.gap_mm, 0.3);
}

TEST(TearDetector, NoMotionMeansNoFindingAndSaysWhy) {
  const Outcome still = analyse(sim::make_preset("still", 36, 12));
  EXPECT_FALSE(still.analysis.detection.tear_detected);
  ASSERT_FALSE(still.analysis.detection.notes.empty());
  EXPECT_NE(still.analysis.detection.notes.front().find("contraction"), std::string::npos);
  const Outcome two = analyse(sim::make_preset("full_tear", 37, 2));
  EXPECT_FALSE(two.analysis.detection.tear_detected);
  EXPECT_NE(two.analysis.detection.notes.front().find("frames"), std::string::npos);
}

TEST(ClipAnalysis, RepeatedFramesOfAFrameGrabberAreDroppedBeforeTracking) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 38, 30));
  std::vector<Frame> captured;  // each scanner frame captured 2 or 3 times
  for (int k = 0; k < exam.frame_count(); ++k)
    for (int copy = 0; copy < 2 + k % 2; ++copy) captured.push_back(exam.render_frame(k));
  const ClipAnalysis a = analyse_clip(int(captured.size()), [&](int k) { return captured[std::size_t(k)]; }, exam.region());
  EXPECT_EQ(a.kept_frames.size(), std::size_t(exam.frame_count()));
  ASSERT_TRUE(a.detection.tear_detected);
  // Frames are reported in the captured clip's numbering.
  EXPECT_GE(a.detection.findings.front().frame, 30);
}

}  // namespace ft

#include "ft/plugin/LiveTearMonitor.h"

namespace ft {

// Frames fed one at a time: the tear is reported while the clip is still running, and
// evaluations come every update_every frames, not at the end.
TEST(LiveTearMonitor, ReportsTheTearAsFramesArrive) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 39, 40));
  LiveSettings settings;
  settings.update_every = 8;
  LiveTearMonitor monitor(exam.region(), settings);
  int evaluations = 0, first_report = -1, first_waiting = -1;
  for (int k = 0; k < exam.frame_count(); ++k) {
    if (auto result = monitor.add_frame(exam.render_frame(k))) {
      ++evaluations;
      if (result->tear_detected && first_report < 0) first_report = k;
      if (result->inconclusive_reason == "a possible tear waits for the next frames to confirm it" && first_waiting < 0)
        first_waiting = k;
    }
  }
  EXPECT_EQ(evaluations, 5);
  ASSERT_GE(first_report, 0);
  EXPECT_LT(first_report, 32) << "found during the hold, before the clip ended";
  // Read first by the evaluation before, which said it waits for confirmation (FindingConfirmation).
  EXPECT_EQ(first_waiting, first_report - settings.update_every);
  ASSERT_TRUE(monitor.latest().tear_detected);
  const auto& f = monitor.latest().findings.front();
  const sim::FrameTruth t = exam.clip_truth().frames[std::size_t(f.frame)];  // a copy: clip_truth() is a temporary
  EXPECT_LT(std::hypot(f.centre_x_mm - t.tear.centre_x_mm, f.centre_z_mm - t.tear.centre_z_mm), 3.0);
}

// Between evaluations the findings follow the frames: the last evaluation's tear read on
// each frame tracked after it, as the contraction goes on opening it and the probe slides.
// The followed gap and centre meet the simulator's truth of that frame; an evaluation of
// another window is not followed (its positions are another frame's pixels).
TEST(LiveTearMonitor, FindingsFollowEachFrameTrackedAfterTheirEvaluation) {
  sim::SimulationConfig config = sim::make_preset("full_tear", 39, 40);
  config.motion.probe_move_x_mm = 3.0;  // the sonographer slides the probe during the hold
  config.motion.probe_move_from = 0.55;
  config.motion.probe_move_to = 0.85;
  const sim::SimulatedExam exam(config);
  const sim::ClipTruth truth = exam.clip_truth();
  LiveSettings settings;
  settings.update_every = 8;
  LiveTearMonitor monitor(exam.region(), settings);
  std::optional<DetectionResult> evaluated;
  int followed = 0;
  double widest_followed = 0;
  for (int k = 0; k < exam.frame_count(); ++k) {
    if (auto r = monitor.add_frame(exam.render_frame(k)); r && r->tear_detected) evaluated = r;
    else if (evaluated) {
      const FollowedFindings now = monitor.findings_on_newest_frame(*evaluated);
      ASSERT_EQ(now.findings.size(), evaluated->findings.size()) << "frame " << k;
      EXPECT_EQ(now.frame, k);
      const FollowedFinding& followed_one = now.findings.front();
      ASSERT_TRUE(followed_one.followed) << "frame " << k;
      EXPECT_EQ(followed_one.peak_gap_mm, evaluated->findings.front().gap_mm);
      const TearFinding& f = followed_one.now;
      EXPECT_EQ(f.frame, k);
      const sim::TearTruth& t = truth.frames[std::size_t(k)].tear;
      EXPECT_NEAR(f.gap_mm, t.gap_mm, 1.0) << "frame " << k;
      // Where the gap is now (the probe moved 3 mm since the evaluation): within 1 mm.
      EXPECT_LT(std::hypot(f.centre_x_mm - t.centre_x_mm, f.centre_z_mm - t.centre_z_mm), 1.0) << "frame " << k;
      EXPECT_NEAR(f.centre_col_px - exam.region().bounds.x0_px, f.centre_x_mm / exam.region().mm_per_px_x, 1e-6);
      EXPECT_GE(f.retraction_mm, 0.0);
      EXPECT_NEAR(f.retraction_left_mm + f.retraction_right_mm, std::max(0.0, f.gap_mm - f.gap_rest_mm), 1e-9);
      EXPECT_EQ(f.grade, evaluated->findings.front().grade) << "only an evaluation grades";
      widest_followed = std::max(widest_followed, f.gap_mm);
      ++followed;
    }
  }
  EXPECT_GE(followed, 10) << "the frames after the first finding but the evaluations' own";
  EXPECT_GT(widest_followed, truth.gap_rest_mm + 1.0) << "the gap is seen opening between evaluations";
  // Where the muscle around a gap cannot be measured on the frame, its gap stays as found (not
  // the rest gap: a closed gap); a finding without a follower (a fluid layer read on the image)
  // stays as the evaluation found it.
  DetectionResult unmeasurable = *evaluated;
  TearFinding fluid = evaluated->findings.front();
  fluid.follower.reset();
  GapFollowerGeometry at_centre;
  at_centre.stump_a_x_px = at_centre.stump_b_x_px = fluid.centre_col_px;
  at_centre.stump_a_y_px = at_centre.stump_b_y_px = fluid.centre_row_px;
  unmeasurable.findings.front().follower =  // no compartment points: nothing to measure
      std::make_shared<GapFollower>(std::vector<std::size_t>{}, std::vector<Tensor2>{}, 1, 0.1, 0.1, at_centre);
  unmeasurable.findings.push_back(fluid);
  const FollowedFindings kept = monitor.findings_on_newest_frame(unmeasurable);
  ASSERT_EQ(kept.findings.size(), 2u);
  EXPECT_FALSE(kept.findings[0].followed);
  EXPECT_EQ(kept.findings[0].now.gap_mm, fluid.gap_mm);
  EXPECT_EQ(kept.findings[0].now.frame, exam.frame_count() - 1) << "drawn where its stumps are now";
  EXPECT_FALSE(kept.findings[1].followed);
  EXPECT_EQ(kept.findings[1].now.frame, fluid.frame) << "as found";
  EXPECT_EQ(kept.findings[1].now.gap_mm, fluid.gap_mm);
  EXPECT_FALSE(kept.any_followed());
  // A new window tracks from its own first frame: the last window's finding is not read there.
  ASSERT_FALSE(monitor.findings_on_newest_frame(*evaluated).findings.empty());
  monitor.end_window();
  monitor.add_frame(exam.render_frame(exam.frame_count() - 1));
  EXPECT_EQ(monitor.window_start(), exam.frame_count());
  EXPECT_TRUE(monitor.findings_on_newest_frame(*evaluated).findings.empty());
}

// A window whose fibres shorten less than min_window_strain holds no contraction to judge a tear
// by: live windows begin wherever the last ended (relaxed, held, moved passively), and on the real
// recordings such windows read tracking noise as tears. The simulated full tear's fibres shorten
// about 6 %: asked for 20 %, it is not judged; at the default 4 % it is.
TEST(LiveTearMonitor, AWindowWithoutAContractionStrongEnoughIsNotJudged) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 39, 40));
  LiveSettings settings;
  settings.update_every = 8;
  settings.min_window_strain = 0.20;
  LiveTearMonitor strict(exam.region(), settings);
  LiveTearMonitor as_shipped(exam.region(), LiveSettings{settings.analysis, 8});
  bool found_strict = false, found = false;
  std::string reason;
  for (int k = 0; k < exam.frame_count(); ++k) {
    const Frame frame = exam.render_frame(k);
    if (auto r = strict.add_frame(frame)) {
      found_strict |= r->tear_detected;
      reason = r->inconclusive_reason;
    }
    if (auto r = as_shipped.add_frame(frame)) found |= r->tear_detected;
  }
  EXPECT_FALSE(found_strict);
  EXPECT_EQ(reason, "no contraction to judge a tear by");
  EXPECT_TRUE(found);
}

// A coarser grid asked for mid-window (LivePipeline does when this computer cannot keep up)
// takes effect at the next window, which end_window() starts at once; its evaluations say
// so, and the tear is still found at 0.71 mm.
TEST(LiveTearMonitor, ACoarserGridStartsWithTheNextWindowAndIsNamedInTheNotes) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 39, 40));
  LiveSettings settings;
  settings.update_every = 8;
  LiveTearMonitor monitor(exam.region(), settings);
  for (int k = 0; k < 3; ++k) monitor.add_frame(exam.render_frame(k));
  const std::size_t fine_points = monitor.latest_field().size();
  monitor.set_grid_mm(0.5 * std::sqrt(2.0));
  monitor.add_frame(exam.render_frame(3));
  EXPECT_DOUBLE_EQ(monitor.grid_mm(), 0.5) << "the window's grid does not change inside it";
  EXPECT_EQ(monitor.latest_field().size(), fine_points);
  monitor.end_window();
  EXPECT_TRUE(monitor.window_full());
  std::optional<DetectionResult> last;
  for (int k = 4; k < exam.frame_count(); ++k)
    if (auto r = monitor.add_frame(exam.render_frame(k))) last = r;
  EXPECT_EQ(monitor.window_start(), 4);
  EXPECT_NEAR(monitor.grid_mm(), 0.71, 0.01);
  EXPECT_LT(double(monitor.latest_field().size()), 0.6 * double(fine_points)) << "about half the points";
  ASSERT_TRUE(last);
  bool named = false;
  for (const std::string& n : last->notes) named |= n.find("points 0.71 mm apart (0.5 mm asked)") != std::string::npos;
  EXPECT_TRUE(named);
  EXPECT_TRUE(last->tear_detected);
}

}  // namespace ft

namespace ft {
namespace {

// A full tear seen on a 400 x 300 captured screen, the image at (90, 60) inside it.
sim::SimulationConfig screen_capture() {
  sim::SimulationConfig config = sim::make_preset("full_tear", 40, 40);
  config.layout.frame_width_px = 400;
  config.layout.frame_height_px = 300;
  config.layout.region_x0_px = 90;
  config.layout.region_y0_px = 60;
  return config;
}

}  // namespace

// A screen recording with no Ultrasound Regions and no calibration: the moving image
// is found inside the captured frame (text and scale around it stay still), the mm are
// read from the depth scale the scanner drew beside it, and the tear is found where it
// is, its gap measured in mm.
TEST(ClipAnalysis, FindsTheImageAndTheTearInAnUncalibratedScreenCapture) {
  const sim::SimulatedExam exam(screen_capture());
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  UltrasoundRegion whole;  // what a reader gives for a file without regions or spacing
  whole.bounds = {0, 0, 399, 299};
  const ClipAnalysis a = analyse_clip(int(frames.size()), [&](int k) { return frames[std::size_t(k)]; }, whole);
  const PixelRect truth = exam.region().bounds;
  EXPECT_NEAR(a.region.bounds.x0_px, truth.x0_px, 8);
  EXPECT_NEAR(a.region.bounds.x1_px, truth.x1_px, 8);
  EXPECT_NEAR(a.region.bounds.y0_px, truth.y0_px, 8);
  EXPECT_NEAR(a.region.bounds.y1_px, truth.y1_px, 8);
  EXPECT_EQ(a.scale.source, ScaleSource::DepthScale);
  EXPECT_NEAR(a.scale.mm_per_px(), exam.config().probe.pixel_pitch_mm, 0.02 * exam.config().probe.pixel_pitch_mm);
  EXPECT_TRUE(a.detection.calibrated);
  std::string notes;
  for (const auto& n : a.detection.notes) notes += n + "; ";
  for (const auto& n : a.warnings) notes += n + "; ";
  ASSERT_TRUE(a.detection.tear_detected) << notes;
  const TearFinding& f = a.detection.findings.front();
  const sim::FrameTruth t = exam.clip_truth().frames[std::size_t(f.frame)];  // a copy: clip_truth() is a temporary
  EXPECT_NEAR(f.centre_col_px, t.tear.centre_col_px, 15.0);
  EXPECT_NEAR(f.centre_row_px, t.tear.centre_row_px, 15.0);
  EXPECT_NEAR(f.gap_mm, t.tear.gap_mm, 1.0);
}

// The same screen, live from a grabber without calibration (its source gives the whole
// captured frame as the region): the moving image is found in the first frames, as for a
// recorded clip, and not the whole screen with its text analysed at a guessed scale. Windows
// of 24 frames: the area is read again at each restart and stays where the image is.
TEST(LiveTearMonitor, FindsTheImageInAnUncalibratedGrabbersScreen) {
  const sim::SimulatedExam exam(screen_capture());
  UltrasoundRegion whole;
  whole.bounds = {0, 0, 399, 299};
  LiveSettings settings;
  settings.update_every = 4;
  settings.window_frames = 24;
  LiveTearMonitor monitor(whole, settings);
  std::optional<DetectionResult> first_report;
  for (int k = 0; k < exam.frame_count(); ++k) {
    const std::optional<DetectionResult> r = monitor.add_frame(exam.render_frame(k));
    // The live view reads the field after every frame, the held ones too (the first eleven).
    if (k < 11)
      EXPECT_EQ(monitor.latest_field().size(), 0u) << "nothing tracked yet while the image is looked for";
    else
      EXPECT_GT(monitor.latest_field().size(), 0u);
    if (r && r->tear_detected && !first_report) first_report = r;
  }
  EXPECT_EQ(monitor.frames_seen(), exam.frame_count()) << "the frames held to find the image are analysed too";
  const PixelRect truth = exam.region().bounds;
  EXPECT_NEAR(monitor.region().bounds.x0_px, truth.x0_px, 8);
  EXPECT_NEAR(monitor.region().bounds.x1_px, truth.x1_px, 8);
  EXPECT_NEAR(monitor.region().bounds.y0_px, truth.y0_px, 8);
  EXPECT_NEAR(monitor.region().bounds.y1_px, truth.y1_px, 8);
  EXPECT_EQ(monitor.scale().source, ScaleSource::DepthScale);
  ASSERT_TRUE(first_report.has_value()) << "no tear reported";
  std::string notes;
  for (const std::string& n : first_report->notes) notes += n + "; ";
  EXPECT_NE(notes.find("moving image area"), std::string::npos) << notes;
  EXPECT_TRUE(first_report->calibrated) << notes;
  const TearFinding& f = first_report->findings.front();
  const sim::FrameTruth t = exam.clip_truth().frames[std::size_t(f.frame)];
  EXPECT_NEAR(f.centre_col_px, t.tear.centre_col_px, 15.0);
  EXPECT_NEAR(f.centre_row_px, t.tear.centre_row_px, 15.0);
  EXPECT_NEAR(f.gap_mm, t.tear.gap_mm, 1.0);
}

}  // namespace ft

#include <algorithm>
#include <chrono>
#include <thread>

#include "TestSupport.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/plugin/LivePipeline.h"
#include "ft/plugin/SourceFactory.h"
#include "ft/core/Random.h"

namespace ft {

namespace {

// A capture of `frames` at `fps`, as a frame grabber records it, with the exam's region.
Clip grabber_capture(std::vector<Frame> frames, double fps, const UltrasoundRegion& region) {
  Clip capture;
  capture.frame_time_ms = 1000.0 / fps;
  capture.regions.push_back(region);
  capture.source.manufacturer = "test";
  for (std::size_t k = 0; k < frames.size(); ++k) frames[k].acquisition_time_ns = std::int64_t(double(k) * 1e9 / fps);
  capture.frames = std::move(frames);
  return capture;
}

// The frame as a grabber delivers it again: each grey level off by up to 1.
Frame with_grabber_noise(Frame f, Random& noise) {
  for (std::size_t i = 0; i < f.byte_count(); ++i)
    f.data8()[i] = std::uint8_t(std::clamp(int(f.data8()[i]) + int(std::lround(noise.uniform(-1.0, 1.0))), 0, 255));
  return f;
}

// Replays the capture live through a queue of `queue_frames` and waits until every frame
// is accounted for (how fast is bench_ingest's business).
// With `record`, the pipeline also journals every frame into the folder.
LiveStats replay_live(const Clip& capture, const test::TempDir& dir, std::size_t queue_frames,
                      const LiveSettings& settings = {}, bool record = false,
                      std::vector<DetectionResult>* results = nullptr) {
  dicom::write_ultrasound_clip(capture, {}, dir.file("capture.dcm"));
  LivePipeline pipeline(make_frame_source("file:" + dir.file("capture.dcm")), settings, queue_frames);
  if (record) pipeline.record_to(dir.file("journal"));
  pipeline.start();
  while (pipeline.source().status().state == SourceState::Streaming) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  LiveStats s = pipeline.stats();
  for (int wait = 0; wait < 600 && s.processed + s.repeats + s.skipped < s.frames_in; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    s = pipeline.stats();
  }
  pipeline.stop(true);
  if (results) *results = pipeline.take_results();
  return pipeline.stats();
}

}  // namespace

// A frame grabber at 60 frames/s on a slower scanner: each scanner frame arrives 2-3
// times. Live, the repeats are recognised, not fed to the tracker as zero motion.
TEST(LivePipeline, RecognisesGrabberRepeatsInAReplayedCapture) {
  test::TempDir dir;
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 42, 24));
  std::vector<Frame> frames;
  int repeats = 0;
  for (int k = 0; k < exam.frame_count(); ++k)
    for (int copy = 0; copy < 2 + k % 2; ++copy) {
      frames.push_back(exam.render_frame(k));
      repeats += copy > 0;
    }
  const Clip capture = grabber_capture(std::move(frames), 60.0, exam.region());
  const LiveStats s = replay_live(capture, dir, 64);
  EXPECT_EQ(s.frames_in, long(capture.frames.size()));
  EXPECT_EQ(s.skipped, 0) << "a 64-frame queue holds this short capture";
  // Every repeat is caught; a scanner frame at rest that barely changed may be taken for
  // one too (it carries no motion either).
  EXPECT_GE(s.repeats, repeats);
  EXPECT_LE(s.repeats, repeats + 2);
  EXPECT_EQ(s.processed + s.repeats, s.frames_in);
}

// A scanner far faster than any computer tracks (1000 frames/s through a queue of 4):
// frames are skipped, so the window is ended before its first evaluation and the next one
// tracks points 0.71 mm apart, which the stats and the evaluation's notes say. With the
// coarsest spacing set to the asked one the grid never changes.
TEST(LivePipeline, FramesSkippedEarlyInAWindowMakeTheNextOneCoarser) {
  test::TempDir dir;
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 42, 40));
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  const Clip capture = grabber_capture(frames, 1000.0, exam.region());
  std::vector<DetectionResult> results;
  const LiveStats s = replay_live(capture, dir, 4, {}, false, &results);
  EXPECT_GT(s.skipped, 0);
  EXPECT_DOUBLE_EQ(s.asked_grid_mm, 0.5);
  EXPECT_NEAR(s.grid_mm, 0.71, 0.01);
  EXPECT_EQ(s.grid_changes, 1);
  ASSERT_FALSE(results.empty()) << "the replay's last frames are evaluated when it ends";
  bool named = false;
  for (const std::string& n : results.back().notes) named |= n.find("points 0.71 mm apart (0.5 mm asked)") != std::string::npos;
  EXPECT_TRUE(named);

  test::TempDir fixed_dir;
  LiveSettings fixed;
  fixed.coarsest_grid_mm = fixed.analysis.grid_mm;
  const LiveStats f = replay_live(capture, fixed_dir, 4, fixed, false, &results);
  EXPECT_GT(f.skipped, 0);
  EXPECT_DOUBLE_EQ(f.grid_mm, 0.5);
  EXPECT_EQ(f.grid_changes, 0);
  for (const DetectionResult& r : results)
    for (const std::string& n : r.notes) EXPECT_EQ(n.find("mm asked"), std::string::npos) << n;
}

namespace {

// A source whose frames the test hands over itself, on the test's thread, when it likes.
class PushedFrames final : public FrameSource {
 public:
  explicit PushedFrames(UltrasoundRegion region) : region_(std::move(region)) {}
  void start(FrameHandler handler) override { handler_ = std::move(handler); }
  void stop() override { handler_ = nullptr; }
  SourceStatus status() const override { return {SourceState::Streaming, "", delivered_, 0}; }
  StreamInfo stream_info() const override { return {{region_}, 30.0, "pushed by the test"}; }
  std::string uri() const override { return "test:pushed"; }
  void push(Frame frame) {
    ++delivered_;
    handler_(std::move(frame));
  }

 private:
  UltrasoundRegion region_;
  FrameHandler handler_;
  std::uint64_t delivered_ = 0;
};

// The window's first frame tracked with nothing waiting, then twenty frames at once: a
// queue that grows, each frame waiting behind the others. With no lag allowed the window
// ends for lag and the next one is coarser, nothing skipped; with any wait allowed nothing
// changes. (How long a frame waits depends on the machine; that the queue grows does not.)
LiveStats push_a_burst(const std::vector<Frame>& frames, const UltrasoundRegion& region, double lag_limit_ms) {
  LiveSettings settings;
  settings.lag_limit_ms = lag_limit_ms;
  auto source = std::make_unique<PushedFrames>(region);
  PushedFrames& pushed = *source;
  LivePipeline pipeline(std::move(source), settings, 64);
  pipeline.start();
  pushed.push(frames[0]);
  for (int wait = 0; wait < 600 && pipeline.stats().processed < 1; ++wait)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (std::size_t k = 1; k <= 20; ++k) pushed.push(frames[k]);
  LiveStats s = pipeline.stats();
  for (int wait = 0; wait < 600 && s.processed + s.repeats + s.skipped < s.frames_in; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    s = pipeline.stats();
  }
  pipeline.stop();
  return pipeline.stats();
}

// A layer for review is named where and when the user sees the findings: its place in mm only
// when the result is calibrated, its frame counted from 1 as the findings panel counts them.
TEST(TearDetector, ALayerForReviewIsNotedWhereAndWhenTheUserSeesIt) {
  DetectionResult r;
  TearFinding layer;
  layer.frame = 44;
  layer.centre_x_mm = 19.3;
  layer.centre_z_mm = 28.6;
  layer.centre_col_px = 257.0;
  layer.centre_row_px = 350.0;
  r.for_review.push_back(layer);
  note_layers_for_review(r);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes.front().find("for review, not a finding"), std::string::npos) << r.notes.front();
  EXPECT_NE(r.notes.front().find("(19.3, 28.6) mm, frame 45"), std::string::npos) << r.notes.front();
  EXPECT_TRUE(is_layer_for_review_note(r.notes.front())) << "a viewer listing the layers apart can leave it out";
  EXPECT_FALSE(is_layer_for_review_note("no contraction was seen"));
  r.notes.clear();
  r.calibrated = false;
  note_layers_for_review(r);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes.front().find("pixel (257, 350), frame 45"), std::string::npos) << r.notes.front();
  EXPECT_EQ(r.notes.front().find(" mm,"), std::string::npos) << "no mm without a calibration";
}

}  // namespace

TEST(LivePipeline, FramesLaggingWhileTheQueueGrowsMakeTheNextWindowCoarser) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 42, 40));
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  ASSERT_GT(frames.size(), 20u);
  const LiveStats lagging = push_a_burst(frames, exam.region(), -1.0);
  EXPECT_EQ(lagging.skipped, 0);
  EXPECT_NEAR(lagging.grid_mm, 0.71, 0.01);
  EXPECT_EQ(lagging.grid_changes, 1);
  const LiveStats waiting_allowed = push_a_burst(frames, exam.region(), 1e9);
  EXPECT_EQ(waiting_allowed.skipped, 0);
  EXPECT_DOUBLE_EQ(waiting_allowed.grid_mm, 0.5);
  EXPECT_EQ(waiting_allowed.grid_changes, 0);
}

// A probe held still shows the same picture frame after frame, each with the grabber's
// noise: a grabber repeats a frame a few times, not forever, so some are taken as new and
// the live view and the tracking go on.
TEST(LivePipeline, AStillProbeIsNotTakenForOneLongRepeat) {
  test::TempDir dir;
  const sim::SimulatedExam exam(sim::make_preset("intact", 42, 2));
  Random noise(9);
  const Frame still = exam.render_frame(0);
  std::vector<Frame> frames;
  for (int k = 0; k < 42; ++k) frames.push_back(with_grabber_noise(still, noise));
  const LiveStats s = replay_live(grabber_capture(std::move(frames), 30.0, exam.region()), dir, 64);
  EXPECT_EQ(s.frames_in, 42);
  EXPECT_GE(s.processed, 42 / 7) << "every 7th frame of a still probe is new";
}

// Live analysis that cannot run (the GPU asked for by name, on a machine without one) says
// why and keeps receiving and recording every frame; it never takes the process down.
TEST(LivePipeline, AnAnalysisThatCannotRunSaysWhyAndRecordingGoesOn) {
  if (gpu::cuda_device_available()) GTEST_SKIP() << "a CUDA device is present: --backend cuda would work";
  test::TempDir dir;
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 42, 12));
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  LiveSettings settings;
  settings.analysis.backend = gpu::Backend::Cuda;
  const LiveStats s = replay_live(grabber_capture(std::move(frames), 30.0, exam.region()), dir, 64, settings, true);
  EXPECT_NE(s.analysis_error.find("CUDA"), std::string::npos) << s.analysis_error;
  EXPECT_EQ(s.frames_in, 12);
  EXPECT_EQ(s.recorded, 12);
  EXPECT_EQ(s.processed, 0);
  EXPECT_EQ(s.skipped + s.repeats, 12);
}

// Still frames taken as new (a probe held still) must not teach the pipeline that a
// grabber's noise is a typical change: the repeats after the pause are still repeats.
TEST(LivePipeline, RepeatsAfterAStillSpellAreStillRecognised) {
  test::TempDir dir;
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 42, 24));
  Random noise(13);
  std::vector<Frame> frames;
  auto scanner_frame = [&](const Frame& f) {  // a 20 frames/s scanner grabbed at 60
    frames.push_back(f);
    frames.push_back(with_grabber_noise(f, noise));
    frames.push_back(with_grabber_noise(f, noise));
  };
  for (int k = 8; k < 16; ++k) scanner_frame(exam.render_frame(k));
  const Frame held = exam.render_frame(15);
  // Long enough (7 s) for the still frames taken as new to outnumber the moving ones.
  constexpr int kStill = 420;
  for (int k = 0; k < kStill; ++k) frames.push_back(with_grabber_noise(held, noise));
  for (int k = 16; k < 24; ++k) scanner_frame(exam.render_frame(k));
  const LiveStats s = replay_live(grabber_capture(std::move(frames), 60.0, exam.region()), dir, 1024);
  EXPECT_EQ(s.skipped, 0);
  // 16 scanner frames, and the still spell's run rule at 60 frames/s: one in 12 (35 of 420).
  EXPECT_LE(s.processed, 16 + kStill / 12 + 3) << "repeats after the still spell were taken as new frames";
  EXPECT_GE(s.processed, 16 + kStill / 12 - 4);
}

// A grabber repeats a frame with a little noise of its own (never bit-identical). When the
// analysis falls behind, only new scanner frames count as skipped: the repeats are told
// apart as they arrive.
TEST(LivePipeline, NoisyRepeatsAreNotCountedAsSkippedScannerFrames) {
  test::TempDir dir;
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 42, 24));
  Random noise(5);
  std::vector<Frame> frames;
  int repeats = 0;
  for (int k = 0; k < exam.frame_count(); ++k) {
    const Frame scanner_frame = exam.render_frame(k);
    frames.push_back(scanner_frame);
    for (int copy = 1; copy < 3; ++copy, ++repeats) frames.push_back(with_grabber_noise(scanner_frame, noise));
  }
  const Clip capture = grabber_capture(std::move(frames), 60.0, exam.region());
  // A queue of one: the analysis cannot keep up with a replay as fast as the file reads.
  const LiveStats s = replay_live(capture, dir, 1);
  EXPECT_EQ(s.frames_in, long(capture.frames.size()));
  EXPECT_GE(s.repeats, repeats);
  EXPECT_LE(s.repeats, repeats + 2);
  EXPECT_EQ(s.processed + s.skipped, s.frames_in - s.repeats);
  EXPECT_LE(s.skipped, exam.frame_count()) << "only scanner frames can be skipped";
}


// A replayed clip that has ended is evaluated to its last frame: at stop() the evaluations
// still due run, and one more over the frames after the last due (40 frames, due every 12:
// at 12, 24 and 36, then 37-40 at the end). Every evaluation publishes its findings in order
// or is counted as dropped.
TEST(LivePipeline, AReplayedClipIsEvaluatedToItsLastFrame) {
  test::TempDir dir;
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 39, 40));
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  LiveSettings settings;
  settings.update_every = 12;
  std::vector<DetectionResult> results;
  const LiveStats s = replay_live(grabber_capture(frames, 20.0, exam.region()), dir, 64, settings, false, &results);
  ASSERT_EQ(s.analysis_error, "");
  ASSERT_EQ(s.processed, exam.frame_count()) << "every frame of the clip is new and tracked";
  EXPECT_EQ(s.evaluations + s.evaluations_dropped, 4);
  EXPECT_EQ(results.size(), std::size_t(s.evaluations)) << "no result overwritten before it was taken";
  ASSERT_FALSE(results.empty());
  EXPECT_TRUE(results.back().tear_detected) << "the last evaluation read the whole clip";
  EXPECT_EQ(results.back().contraction.strain_by_frame.size(), std::size_t(s.processed))
      << "and it read every frame tracked";
}

}  // namespace ft
