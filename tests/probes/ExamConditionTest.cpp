// Exam conditions laid over the realistic presets (curved layers, a bipennate rectus
// femoris, the scanner's speckle reduction, a probe moved mid-clip): each does what a
// real exam does, and the ground truth stays exact under it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ft/core/Error.h"
#include "ft/probes/ExamCondition.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"
#include "ft/probes/TissueMotion.h"

namespace ft::sim {
namespace {

constexpr double kPi = 3.14159265358979323846;

double distance(const PointMm& a, const PointMm& b) { return std::hypot(a.x_mm - b.x_mm, a.z_mm - b.z_mm); }

int peak_frame(const TissueMotion& motion, int frames) {
  int peak = 0;
  for (int f = 1; f < frames; ++f)
    if (motion.contraction(f) > motion.contraction(peak) + 1e-12) peak = f;
  return peak;
}

class ConditionedPreset : public ::testing::TestWithParam<std::string> {};

TEST_P(ConditionedPreset, ForwardAndInverseUndoEachOther) {
  const SimulationConfig config = make_preset(GetParam(), 7);
  const TissueMotion motion(config);
  for (int frame : {0, peak_frame(motion, config.frame_count), config.frame_count / 2}) {
    const MotionState s = motion.state(frame);
    double worst = 0.0;
    int gap_mismatch = 0;
    for (double z = 0.05; z < config.probe.depth_mm; z += 0.31) {
      for (double x = -12.0; x < config.probe.width_mm + 12.0; x += 0.37) {
        const PointMm image = motion.forward({x, z}, s);
        const MaterialPoint back = motion.inverse(image, s);
        worst = std::max(worst, distance(back.rest, {x, z}));
        gap_mismatch += back.in_tear_gap != motion.in_rest_gap({x, z});
      }
    }
    for (double z = 0.0; z < config.probe.depth_mm; z += 0.23)
      for (double x = 0.0; x < config.probe.width_mm; x += 0.29)
        worst = std::max(worst, distance(motion.forward(motion.inverse({x, z}, s).rest, s), {x, z}));
    EXPECT_LT(worst, 1e-6) << GetParam() << " frame " << frame;
    EXPECT_EQ(gap_mismatch, 0) << GetParam() << " frame " << frame;
  }
}

INSTANTIATE_TEST_SUITE_P(Conditions, ConditionedPreset,
                         ::testing::Values("real_tear+curved_fascia", "real_tear+bipennate", "real_tear+probe_moved",
                                           "real_oblique_tear+bipennate+curved_fascia",
                                           "real_myotendinous_tear+curved_fascia+probe_moved",
                                           "real_vessel+curved_fascia+bipennate"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '+', '_');
                           return name;
                         });

// The truth's gap (through the image map's Jacobian) is the length of the fibre line
// through the tear that the motion itself shows as haematoma; bipennate: each half's
// line, averaged.
TEST(ExamCondition, TearGapTruthHoldsOnCurvedAndBipennateMuscle) {
  for (const char* name : {"real_tear+curved_fascia", "real_tear+bipennate", "real_oblique_tear+curved_fascia+bipennate",
                           "real_myotendinous_tear+curved_fascia"}) {
    const SimulationConfig config = make_preset(name, 4);
    const SimulatedExam exam(config);
    const TissueMotion motion(config);
    const ClipTruth truth = exam.clip_truth();
    const ThighAnatomy& a = config.anatomy;
    for (int k : {0, truth.peak_frame}) {
      const MotionState s = motion.state(k);
      const bool myotendinous = config.tear.kind == TearKind::Myotendinous;
      const auto band = motion.torn_band_mm();
      std::vector<double> depths{0.5 * (band.first + band.second)};
      if (a.rf_bipennate) depths = {0.75 * band.first + 0.25 * band.second, 0.25 * band.first + 0.75 * band.second};
      double measured = 0.0;
      for (double z : depths) {
        // Where the tear crosses this depth in the image, and the fibres' direction there.
        const PointMm at = myotendinous ? motion.detachment()->gap_centre(s.retraction_mm)
                                        : PointMm{motion.tear_line_x_mm(z), z};
        const double theta = (a.rf_bipennate && at.z_mm < 0.5 * (a.fascia_mm + a.aponeurosis_mm) ? -1 : 1) *
                             a.rf_pennation_deg * kPi / 180.0;
        const double h = 1e-3;
        auto image = [&](double t) {
          return motion.to_image(motion.rf_deform({at.x_mm + t * std::cos(theta), at.z_mm + t * std::sin(theta)}, s), s);
        };
        const PointMm c = image(0.0), ahead = image(h);
        const double phi = std::atan2(ahead.z_mm - c.z_mm, ahead.x_mm - c.x_mm), step = 0.002;
        double inside = 0.0;
        for (double t = -12.0; t < 12.0; t += step)
          inside += motion.inverse({c.x_mm + t * std::cos(phi), c.z_mm + t * std::sin(phi)}, s).in_tear_gap ? step : 0.0;
        measured += inside / double(depths.size());
      }
      EXPECT_NEAR(measured, truth.frames[std::size_t(k)].tear.gap_mm, 0.05) << name << " frame " << k;
    }
    EXPECT_NEAR(truth.frames.front().tear.gap_mm, truth.gap_rest_mm, 0.05) << name;
    EXPECT_GT(truth.frames[std::size_t(truth.peak_frame)].tear.gap_mm, truth.gap_rest_mm + 1.5) << name;
  }
}

TEST(ExamCondition, CurvedLayersLieDeeperAtTheEdgesUnderAFlatSkin) {
  const SimulationConfig config = make_preset("real_intact+curved_fascia", 3);
  const TissueMotion motion(config);
  const MotionState s = motion.state_at(0.0, 0);
  const ThighAnatomy& a = config.anatomy;
  EXPECT_GE(a.layer_sagitta_mm, 1.5);
  EXPECT_LE(a.layer_sagitta_mm, 2.5);
  auto depth_of = [&](double x, double z) { return motion.forward({x, z}, s).z_mm - s.jitter.z_mm; };
  const double w = config.probe.width_mm;
  for (double z : {a.fascia_mm, a.aponeurosis_mm, a.femur_mm}) {
    EXPECT_NEAR(depth_of(0.0, z) - depth_of(0.5 * w, z), a.layer_sagitta_mm, 1e-9) << "z " << z;
    EXPECT_NEAR(depth_of(w, z) - depth_of(0.5 * w, z), a.layer_sagitta_mm, 1e-9) << "z " << z;
  }
  EXPECT_NEAR(depth_of(0.0, 0.5 * a.skin_mm), depth_of(0.5 * w, 0.5 * a.skin_mm), 1e-12) << "the skin stays flat";
}

TEST(ExamCondition, BipennateHalvesSteepenAndTheCentralAponeurosisSlides) {
  const SimulationConfig config = make_preset("real_intact+bipennate", 5);
  const TissueMotion motion(config);
  const ThighAnatomy& a = config.anatomy;
  const MotionState rest = motion.state_at(0.0, 0), peak = motion.state_at(1.0, 0);
  const double xc = 0.5 * config.probe.width_mm, centre = 0.5 * (a.fascia_mm + a.aponeurosis_mm);
  auto dx = [&](double z) { return motion.forward({xc, z}, peak).x_mm - motion.forward({xc, z}, rest).x_mm; };
  EXPECT_GT(std::abs(dx(centre) - dx(a.fascia_mm)), 7.0) << "the central aponeurosis slides against the fascia";
  EXPECT_LT(std::abs(dx(a.aponeurosis_mm - 1e-9) - dx(a.fascia_mm)), 1e-6) << "the deep aponeurosis does not";
  // A fibre segment in each half, mapped to the peak: both steepen from ~20 to ~40 deg.
  for (double z : {centre - 3.0, centre + 3.0}) {
    const double theta = (z < centre ? -1 : 1) * a.rf_pennation_deg * kPi / 180.0, l = 1.5;
    const PointMm p0{xc - 0.5 * l * std::cos(theta), z - 0.5 * l * std::sin(theta)};
    const PointMm p1{xc + 0.5 * l * std::cos(theta), z + 0.5 * l * std::sin(theta)};
    const PointMm q0 = motion.forward(p0, peak), q1 = motion.forward(p1, peak);
    const double angle = std::abs(std::atan2(q1.z_mm - q0.z_mm, q1.x_mm - q0.x_mm)) * 180.0 / kPi;
    EXPECT_GT(std::min(angle, 180.0 - angle), 36.0) << "half at z " << z;
  }
}

// Speckle SNR (mean / sd) of a patch of muscle, and the fascia's brightness over muscle.
struct Texture {
  double snr = 0, fascia_over_muscle = 0;
};

Texture texture(const SimulatedExam& exam) {
  const Frame f = exam.render_frame(0);
  const SimulationConfig& c = exam.config();
  const PixelRect r = exam.region().bounds;
  const double pitch = c.probe.pixel_pitch_mm;
  std::vector<double> muscle, fascia;
  for (int x = r.x0_px + 40; x < r.x1_px - 40; ++x) {
    for (double z = c.anatomy.fascia_mm + 3.0; z < c.anatomy.fascia_mm + 6.0; z += pitch)
      muscle.push_back(f.value(x, r.y0_px + int(std::lround(z / pitch))));
    fascia.push_back(f.value(x, r.y0_px + int(std::lround(c.anatomy.fascia_mm / pitch))));
  }
  auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); };
  double var = 0.0;
  const double m = mean(muscle);
  for (double v : muscle) var += (v - m) * (v - m);
  return {m / std::sqrt(var / double(muscle.size())), mean(fascia) / m};
}

TEST(ExamCondition, SpeckleReductionSmoothsSpeckleAndKeepsTheFascia) {
  SimulationConfig plain = make_preset("real_intact", 9, 4);
  plain.motion.jitter_mm = 0.0;
  SimulationConfig reduced = plain;
  reduced.probe.speckle_reduction = 1.0;
  const Texture before = texture(SimulatedExam(plain)), after = texture(SimulatedExam(reduced));
  RecordProperty("speckle_snr", std::to_string(before.snr) + " -> " + std::to_string(after.snr));
  // Smoothing along the structures only (adaptive, as scanners do): speckle SNR 4.3 -> 5.5
  // at full strength on this clip (a first, isotropic version reached 1.4x).
  EXPECT_GT(after.snr, 1.2 * before.snr);
  EXPECT_GT(after.fascia_over_muscle, 0.85 * before.fascia_over_muscle);
  const SimulationConfig drawn = make_preset("real_intact+speckle_reduction", 9);
  EXPECT_GE(drawn.probe.speckle_reduction, 0.5);
  EXPECT_LE(drawn.probe.speckle_reduction, 1.0);
  // The burnt-in text around the image is not filtered.
  const Frame a = SimulatedExam(plain).render_frame(0), b = SimulatedExam(reduced).render_frame(0);
  const PixelRect r = SimulatedExam(plain).region().bounds;
  for (int y = 0; y < r.y0_px; ++y)
    for (int x = 0; x < a.width_px(); ++x) ASSERT_EQ(a.value(x, y), b.value(x, y)) << x << "," << y;
}

TEST(ExamCondition, TheProbeMovesOnceDuringASteadyStretch) {
  for (const char* name : {"real_tear+probe_moved", "real_contracted_start+probe_moved", "real_myotendinous_tear+probe_moved"})
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
      SCOPED_TRACE(std::string(name) + " seed " + std::to_string(seed));
      const SimulationConfig config = make_preset(name, seed);
      SimulationConfig held = config;
      held.motion.probe_move_x_mm = held.motion.probe_move_z_mm = 0.0;
      const TissueMotion motion(config), still(held);
      auto moved = [&](int k) { return motion.state(k).jitter.x_mm - still.state(k).jitter.x_mm; };
      for (int k = 1; k < config.frame_count; ++k) {
        if (std::abs(moved(k) - moved(k - 1)) < 1e-12) continue;
        ASSERT_NEAR(motion.contraction(k), motion.contraction(k - 1), 1e-9) << "frame " << k;
        ASSERT_LE(std::abs(moved(k) - moved(k - 1)), 1.8) << "mm per frame, frame " << k;
      }
    }
  const SimulationConfig config = make_preset("real_tear+probe_moved", 6);
  SimulationConfig held = config;
  held.motion.probe_move_x_mm = held.motion.probe_move_z_mm = 0.0;
  const TissueMotion motion(config), still(held);
  const MuscleMotion& m = config.motion;
  EXPECT_GE(std::abs(m.probe_move_x_mm), 3.0);
  EXPECT_LE(std::abs(m.probe_move_x_mm), 5.0);
  double largest_step = 0.0;
  int moving_frames = 0;
  for (int k = 0; k < config.frame_count; ++k) {
    const PointMm shift{motion.state(k).jitter.x_mm - still.state(k).jitter.x_mm,
                        motion.state(k).jitter.z_mm - still.state(k).jitter.z_mm};
    if (k > 0) {
      const PointMm before{motion.state(k - 1).jitter.x_mm - still.state(k - 1).jitter.x_mm,
                           motion.state(k - 1).jitter.z_mm - still.state(k - 1).jitter.z_mm};
      const double step = distance(shift, before);
      largest_step = std::max(largest_step, step);
      if (step > 1e-9) {
        ++moving_frames;
        EXPECT_NEAR(motion.contraction(k), motion.contraction(k - 1), 1e-9) << "the muscle is steady while the probe moves";
      }
    }
  }
  const MotionState last = motion.state(config.frame_count - 1), last_still = still.state(config.frame_count - 1);
  EXPECT_NEAR(last.jitter.x_mm - last_still.jitter.x_mm, m.probe_move_x_mm, 1e-9);
  EXPECT_NEAR(last.jitter.z_mm - last_still.jitter.z_mm, m.probe_move_z_mm, 1e-9);
  EXPECT_LE(moving_frames, 11);
  EXPECT_LE(largest_step, 1.0) << "mm per frame";
}

// The beam's magnitudes (the renderer's own tests check what they do to the image).
TEST(ExamCondition, AFocusedBeamIsDrawnWithinAnArraysRange) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const SimulationConfig c = make_preset("real_tear+focused_beam", seed);
    EXPECT_GE(c.probe.focus_depth_mm, 10.0);
    EXPECT_LE(c.probe.focus_depth_mm, 20.0);
    const double doubled_at_mm = std::sqrt(3.0) * c.probe.focal_half_depth_mm;
    EXPECT_GE(doubled_at_mm, 10.0 - 1e-9);
    EXPECT_LE(doubled_at_mm, 15.0 + 1e-9);
    EXPECT_GE(c.probe.residual_attenuation_db_per_mm, 0.1);
    EXPECT_LE(c.probe.residual_attenuation_db_per_mm, 0.3);
  }
  const SimulationConfig plain = make_preset("real_tear", 1);
  EXPECT_EQ(plain.probe.focus_depth_mm, 0.0) << "the presets' own beam stays uniform";
  EXPECT_EQ(plain.probe.residual_attenuation_db_per_mm, 0.0);
}

// Only the lateral PSF widens (ScreenTextureNote's tests read the texture it gives).
TEST(ExamCondition, AWideBeamWidensTheLateralPsfOnly) {
  const SimulationConfig plain = make_preset("real_tear", 3);
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const SimulationConfig c = make_preset("real_tear+wide_beam", seed);
    EXPECT_GE(c.probe.lateral_fwhm_mm, 1.45);
    EXPECT_LE(c.probe.lateral_fwhm_mm, 1.95);
    EXPECT_EQ(c.probe.axial_fwhm_mm, plain.probe.axial_fwhm_mm);
    EXPECT_EQ(c.probe.focus_depth_mm, 0.0);
  }
  EXPECT_LT(plain.probe.lateral_fwhm_mm, 1.0) << "the presets' own beam";
}

TEST(ExamCondition, PresetNamesTakeConditionsAsSuffixes) {
  const SimulationConfig c = make_preset("real_tear+bipennate+speckle_reduction", 2);
  EXPECT_EQ(c.preset, "real_tear+bipennate+speckle_reduction");
  EXPECT_TRUE(c.anatomy.rf_bipennate);
  EXPECT_GT(c.probe.speckle_reduction, 0.0);
  EXPECT_EQ(c.frame_count, recommended_frame_count("real_tear"));
  EXPECT_EQ(recommended_frame_count("real_tear+probe_moved"), recommended_frame_count("real_tear"));
  try {
    make_preset("real_tear+wobbly", 1);
    FAIL() << "an unknown condition must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bipennate"), std::string::npos) << "names the known ones: " << e.what();
  }
  EXPECT_THROW(make_preset("real_myotendinous_tear+bipennate", 1), Error);
}

}  // namespace
}  // namespace ft::sim
