// The detector's decisions must not hang on thousandths of a pixel. A better sub-pixel
// interpolator (docs/benchmarks.md, "Sub-pixel bias") changes every displacement by up to
// 0.02 px, depending on where it falls between pixels; so does a GPU's summation order, far
// less. Before the contraction's peak was taken where the hold begins, a hundredth of a pixel
// moved held-out 40000's peak frame across its seven-frame hold and the tear was lost.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ft/plugin/ClipAnalysis.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {
namespace {

// An interpolator's phase error as the tracker's output would carry it: every displacement moved
// by amplitude_px * sin(2 pi d) — none on a pixel or half-way between, most a quarter off.
MotionRecord with_phase_error(MotionRecord m, double amplitude_px) {
  constexpr double kTwoPi = 6.283185307179586;
  for (std::size_t k = 1; k < m.cumulative.size(); ++k)
    for (std::size_t i = 0; i < m.cumulative[k].size(); ++i) {
      float& dx = m.cumulative[k].dx_px[i];
      float& dy = m.cumulative[k].dy_px[i];
      dx = float(dx + amplitude_px * std::sin(kTwoPi * dx));
      dy = float(dy + amplitude_px * std::sin(kTwoPi * dy));
    }
  return m;
}

struct StabilityClip {
  const char* preset;
  std::uint64_t seed;
};

void PrintTo(const StabilityClip& c, std::ostream* os) { *os << c.preset << " " << c.seed; }

class DetectionStability : public ::testing::TestWithParam<StabilityClip> {};

// The same findings — kind, place within 2 mm, gap within 0.5 mm — with every displacement moved
// by +-0.01 px, half the bias of the tracker's Catmull-Rom sampling.
TEST_P(DetectionStability, TheFindingsHoldWhenEveryDisplacementMovesByAHundredthOfAPixel) {
  const sim::SimulatedExam exam(sim::make_preset(GetParam().preset, GetParam().seed));
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  const ClipAnalysis a = analyse_clip(int(frames.size()), [&](int k) { return frames[std::size_t(k)]; }, exam.region());
  const FrameAt kept = [&](int k) { return frames[std::size_t(a.kept_frames[std::size_t(k)])]; };
  const DetectionSettings settings = settings_at(AnalysisSettings{}, a.scale).detection;
  const DetectionResult base = detect_tears(a.motion, kept, settings);
  for (double amplitude_px : {0.01, -0.01}) {
    SCOPED_TRACE("phase error " + std::to_string(amplitude_px) + " px");
    const DetectionResult moved = detect_tears(with_phase_error(a.motion, amplitude_px), kept, settings);
    EXPECT_EQ(moved.contraction.rest_frame, base.contraction.rest_frame);
    EXPECT_NEAR(moved.contraction.peak_frame, base.contraction.peak_frame, 1);
    ASSERT_EQ(moved.findings.size(), base.findings.size());
    for (std::size_t i = 0; i < base.findings.size(); ++i) {
      const TearFinding &b = base.findings[i], &m = moved.findings[i];
      EXPECT_EQ(m.kind, b.kind);
      EXPECT_LT(std::hypot(m.centre_x_mm - b.centre_x_mm, m.centre_z_mm - b.centre_z_mm), 2.0);
      EXPECT_NEAR(m.gap_mm, b.gap_mm, 0.5);
    }
  }
}

// Clips whose decisions moved under such a change before: an echogenic tear (40000), a partial
// tear of a bipennate muscle placed 5 mm away, a detachment read on another frame, and intact
// muscle, which must stay quiet.
INSTANTIATE_TEST_SUITE_P(RealMuscle, DetectionStability,
                         ::testing::Values(StabilityClip{"real_echogenic_tear+probe_moved", 40000},
                                           StabilityClip{"real_partial_tear+bipennate", 2000},
                                           StabilityClip{"real_myotendinous_tear", 38001}, StabilityClip{"real_intact", 2001}));

}  // namespace
}  // namespace ft
