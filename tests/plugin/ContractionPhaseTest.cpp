// Two clips at the same contraction phase: rest to rest, peak to peak, in proportion between.
#include <gtest/gtest.h>

#include "ft/plugin/ContractionPhase.h"

namespace ft {
namespace {
ContractionSummary contraction(int rest, int peak) {
  ContractionSummary c;
  c.rest_frame = rest;
  c.peak_frame = peak;
  return c;
}
}  // namespace

TEST(ContractionPhase, OnsetPeakAndReleaseMeetTheirOwnInProportionBetween) {
  ContractionSummary a = contraction(0, 20), b = contraction(50, 30);  // b relaxed most at its end
  a.cycles.push_back({0, 20, -0.06, 12, 28, 0.0});
  b.cycles.push_back({50, 30, -0.05, 20, 44, 0.0});
  const PhaseAnchors injured = phase_anchors(a, 40), other = phase_anchors(b, 60);
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 12, other), 20) << "onset";
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 20, other), 30) << "peak";
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 28, other), 44) << "release";
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 16, other), 25) << "half way up";
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 6, other), 10) << "half way through the rest before";
  EXPECT_NEAR(frame_at_same_phase(injured, 39, other), 59, 1e-9);
}

// Without cycles: the rest frame and the peak.
TEST(ContractionPhase, RestMeetsRestAndPeakMeetsPeakInProportionBetween) {
  const PhaseAnchors injured = phase_anchors(contraction(10, 30), 60), other = phase_anchors(contraction(5, 45), 90);
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 10, other), 5);
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 30, other), 45);
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 20, other), 25) << "half way to the peak";
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 0, other), 0);
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 59, other), 89);
  EXPECT_NEAR(frame_at_same_phase(injured, 44.5, other), 45 + 0.5 * 44, 1e-9) << "half way through the relaxation";
  EXPECT_DOUBLE_EQ(frame_at_same_phase(injured, 100, other), 89) << "past the end: the other's end";
  for (double f : {0.0, 7.0, 10.0, 22.0, 30.0, 51.0, 59.0})
    EXPECT_NEAR(frame_at_same_phase(other, frame_at_same_phase(injured, f, other), injured), f, 1e-9) << "and back";
}

// A clip at rest from its first frame, and one whose most relaxed frame comes after its peak:
// both are anchored at their peaks.
TEST(ContractionPhase, AClipWithoutRestBeforeItsPeakIsAnchoredAtThePeak) {
  const PhaseAnchors from_start = phase_anchors(contraction(0, 20), 40), late_rest = phase_anchors(contraction(35, 10), 40);
  EXPECT_DOUBLE_EQ(frame_at_same_phase(from_start, 20, late_rest), 10);
  EXPECT_DOUBLE_EQ(frame_at_same_phase(from_start, 10, late_rest), 5);
  EXPECT_NEAR(frame_at_same_phase(late_rest, 25, from_start), 20 + 15.0 / 29 * 19, 1e-9) << "relaxation in proportion";
  const PhaseAnchors one_frame = phase_anchors(contraction(0, 0), 1);
  EXPECT_DOUBLE_EQ(frame_at_same_phase(one_frame, 0, from_start), 0) << "a clip of one frame";
}

}  // namespace ft
