// The forward-backward check's tolerance: a circle of forward_backward_px, or an ellipse
// lateral_scale times as wide across the image (TrackingParameters::forward_backward_lateral_scale).
#include <gtest/gtest.h>

#include "FieldMath.h"
#include "PairPlan.h"
#include "ft/gpu/SpeckleTracker.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::gpu {
namespace {

// A backward match that lands (ex, ey) px from where the point started at (100, 80).
bool returns(float ex, float ey, float lateral_scale, unsigned char status = kMatchOk) {
  MatchResult back;
  back.dx = -5.0f + ex;  // went +5 px across and +2 px down: came back from (105, 82)
  back.dy = -2.0f + ey;
  back.status = status;
  return returns_home(100, 80, 105, 82, back, 1.0, lateral_scale);
}

}  // namespace

TEST(ForwardBackwardTolerance, ACircleByDefault) {
  EXPECT_TRUE(returns(0.7f, 0.7f, 1.0f));
  EXPECT_FALSE(returns(0.8f, 0.8f, 1.0f));
  EXPECT_FALSE(returns(1.2f, 0.0f, 1.0f));
  EXPECT_FALSE(returns(0.0f, 0.0f, 1.0f, kMatchOnBorder));  // a backward match that failed never returns
}

TEST(ForwardBackwardTolerance, WiderAcrossTheImageOnly) {
  EXPECT_TRUE(returns(2.9f, 0.0f, 3.0f));
  EXPECT_FALSE(returns(3.1f, 0.0f, 3.0f));
  EXPECT_FALSE(returns(0.0f, 1.1f, 3.0f));  // in depth as strict as ever
  EXPECT_TRUE(returns(2.0f, 0.7f, 3.0f));   // (2/3)^2 + 0.7^2 = 0.93
  EXPECT_FALSE(returns(2.4f, 0.7f, 3.0f));  // 0.64 + 0.49 > 1
}

TEST(ForwardBackwardTolerance, ThePairPlanCarriesTheScaleNeverBelowOne) {
  TrackingParameters p;
  const TrackingGeometry geo = make_geometry(p, 0.1, 400, 300);
  const TrackingGrid grid = make_tracking_grid(400, 300, geo.kernel_half_px, 8);
  EXPECT_FLOAT_EQ(make_pair_plan(p, geo, grid, 1.0).forward_backward_lateral_scale, 1.0f);
  p.forward_backward_lateral_scale = 2.5;
  EXPECT_FLOAT_EQ(make_pair_plan(p, geo, grid, 1.0).forward_backward_lateral_scale, 2.5f);
  p.forward_backward_lateral_scale = 0.3;
  EXPECT_FLOAT_EQ(make_pair_plan(p, geo, grid, 1.0).forward_backward_lateral_scale, 1.0f);
}

// The CPU tracker applies the plan's scale: on texture smeared side to side (the simulator's wide
// beam, which reads as the recorded screens do) more points come back within the ellipse.
TEST(ForwardBackwardTolerance, TheTrackerKeepsMorePointsOnSmearedTextureWithALateralScale) {
  const sim::SimulatedExam exam(sim::make_preset("real_intact+wide_beam", 3));
  auto valid_points = [&](double lateral_scale) {
    TrackingParameters p;
    p.forward_backward = true;
    p.forward_backward_lateral_scale = lateral_scale;
    SpeckleTracker cpu(p, Backend::Cpu);
    const DisplacementField f = cpu.track(exam.render_frame(10), exam.render_frame(11), exam.region());
    std::size_t n = 0;
    for (std::uint8_t v : f.valid) n += v != 0;
    return n;
  };
  const std::size_t circle = valid_points(1.0), ellipse = valid_points(3.0);
  EXPECT_GT(double(ellipse), 1.05 * double(circle)) << circle << " points within the circle";
}

}  // namespace ft::gpu
