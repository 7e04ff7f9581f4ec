#include <gtest/gtest.h>

#include <cmath>

#include "ft/core/Random.h"
#include "ft/probes/SimulationPreset.h"
#include "ft/probes/TissueMotion.h"

namespace ft::sim {

class TissueMotionByPreset : public ::testing::TestWithParam<std::string> {};

// The ground truth rests on inverse() undoing forward(): check it everywhere.
TEST_P(TissueMotionByPreset, InverseUndoesForwardOutsideTheGap) {
  const SimulationConfig config = make_preset(GetParam(), 3);
  const TissueMotion motion(config);
  Random random(11);
  for (int frame : {0, 10, 18, 25, 39}) {
    const MotionState s = motion.state(frame);
    for (int i = 0; i < 2000; ++i) {
      const PointMm rest{random.uniform(-2, config.probe.width_mm + 2), random.uniform(0, config.probe.depth_mm)};
      if (motion.in_rest_gap(rest)) continue;
      const PointMm image = motion.forward(rest, s);
      const MaterialPoint back = motion.inverse(image, s);
      ASSERT_FALSE(back.in_tear_gap);
      EXPECT_NEAR(back.rest.x_mm, rest.x_mm, 1e-6) << "frame " << frame << " z " << rest.z_mm;
      EXPECT_NEAR(back.rest.z_mm, rest.z_mm, 1e-6) << "frame " << frame;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllPresets, TissueMotionByPreset, ::testing::ValuesIn(preset_names()));

TEST(TissueMotion, SlidingAtTheAponeurosisIsTangentialOnly) {
  const SimulationConfig config = make_preset("sliding", 1);
  const TissueMotion motion(config);
  const MotionState s = motion.state(25);
  ASSERT_GT(s.sliding_mm, 3.0);
  const double apo = config.anatomy.aponeurosis_mm;
  const PointMm above = motion.forward({19.0, apo - 1e-9}, s);
  const PointMm below = motion.forward({19.0, apo}, s);
  EXPECT_NEAR(above.z_mm, below.z_mm, 1e-6);        // no gap opens across the plane
  EXPECT_GT(std::abs(above.x_mm - below.x_mm), 2.5);  // the muscles slide past each other
}

TEST(TissueMotion, StumpsRetractApartUnderContraction) {
  const SimulationConfig config = make_preset("full_tear", 2);
  const TissueMotion motion(config);
  const double z = 0.5 * (config.anatomy.fascia_mm + config.anatomy.aponeurosis_mm);
  const double line = motion.tear_line_x_mm(z);
  const double half = 0.5 * config.tear.gap_rest_mm;
  auto gap_at = [&](int frame) {
    const MotionState s = motion.state(frame);
    return motion.forward({line + half, z}, s).x_mm - motion.forward({line - half, z}, s).x_mm;
  };
  EXPECT_NEAR(gap_at(0), config.tear.gap_rest_mm, 1e-9);
  EXPECT_GT(gap_at(22), config.tear.gap_rest_mm + 2.0);
}

}  // namespace ft::sim
