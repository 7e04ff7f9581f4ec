#include "ft/plugin/MuscleStrain.h"

#include <gtest/gtest.h>

#include <cmath>

#include "OverlayFixtures.h"

namespace ft {
namespace {

// Every point of the field moved by `fraction` of its x (a uniform stretch along x).
DisplacementField stretched_along_x(double fraction) {
  DisplacementField f = test::whole_frame_field(0, 0);
  for (int r = 0; r < f.rows; ++r)
    for (int c = 0; c < f.columns; ++c) f.dx_px[f.index(c, r)] = float(fraction * f.x_px(c));
  return f;
}

DetectionResult two_compartments() {
  DetectionResult r;
  r.mm_per_px_y = 0.1;
  r.maps.compartments.resize(2);
  r.maps.compartments[0].top_mm = 3.0, r.maps.compartments[0].bottom_mm = 5.0, r.maps.compartments[0].fascicle_rest_deg = 20;
  r.maps.compartments[1].top_mm = 5.5, r.maps.compartments[1].bottom_mm = 8.0, r.maps.compartments[1].fascicle_rest_deg = -25;
  return r;
}

// Each compartment the analysis found is a band of the muscle with its own fascicles; the
// aponeurosis between two is in neither; no compartment, no muscle (and no strain shown).
TEST(MuscleStrain, TheMuscleIsItsCompartmentsAtRestEachWithItsFibres) {
  const UltrasoundRegion region = test::inset_region();
  DetectionResult none;
  none.mm_per_px_y = 0.1;
  EXPECT_TRUE(muscle_of(none, region, true).empty());
  const Muscle m = muscle_of(two_compartments(), region, true);
  ASSERT_EQ(m.bands.size(), 2u);
  EXPECT_DOUBLE_EQ(m.bands[0].top_y_px, 60.0);
  EXPECT_DOUBLE_EQ(m.bands[0].bottom_y_px, 80.0);
  EXPECT_DOUBLE_EQ(m.bands[1].top_y_px, 85.0);
  EXPECT_DOUBLE_EQ(m.bands[1].fibre_angle_deg, -25.0);
  // Strain along each band's own fibres: a stretch along 20 deg reads as lengthening there.
  const DisplacementField f = stretched_along_x(0.05);
  const std::vector<float> strain = fibre_strain_in(f, 0.1, 0.1, m);
  EXPECT_FALSE(std::isfinite(strain[f.index(12, 10)])) << "y 84: the aponeurosis between the two";
  EXPECT_TRUE(std::isfinite(strain[f.index(12, 8)])) << "y 68: the first compartment";
  EXPECT_FALSE(std::isfinite(strain[f.index(12, 2)])) << "y 20: above the muscle";
  EXPECT_NEAR(strain[f.index(12, 8)], 0.05 * std::pow(std::cos(20 * M_PI / 180), 2), 0.01);
}

// A clip that starts contracted: its first frame is shortened 10 % along the fibres against
// the rest frame that follows. Shown at the first frame, the muscle reads as contracted from
// rest (-10 %), not as unstrained (its own first frame) — and the rest frame as 0.
TEST(MuscleStrain, StrainIsFromTheRestFrameNotTheClipsFirst) {
  const Muscle m{{{0.0, 200.0, 0.0}}, {}};
  const DisplacementField first = stretched_along_x(0.0);
  const DisplacementField rest = stretched_along_x(1.0 / 0.9 - 1.0);  // 11 % longer than the first frame
  const std::vector<float> at_first = fibre_strain_in(rest, first, 0.1, 0.1, m);
  const std::vector<float> at_rest = fibre_strain_in(rest, rest, 0.1, 0.1, m);
  const std::size_t i = first.index(12, 8);
  EXPECT_NEAR(at_first[i], -0.10, 1e-4);
  EXPECT_NEAR(at_rest[i], 0.0, 1e-6);
  EXPECT_NEAR(fibre_strain_in(rest, 0.1, 0.1, m)[i], 1.0 / 0.9 - 1.0, 1e-4) << "from the first frame: lengthening";
  // Untracked at rest is untracked: no strain from a place never seen.
  DisplacementField lost = rest;
  lost.valid[i] = 0;
  EXPECT_FALSE(std::isfinite(fibre_strain_in(lost, first, 0.1, 0.1, m)[i]));
}

// A point's band is where the tissue is at rest: 20 px below its place in the first frame.
TEST(MuscleStrain, ABandHoldsThePointsThatLieInItAtRest) {
  const Muscle m{{{60.0, 100.0, 0.0}}, {}};
  const DisplacementField first = test::whole_frame_field(0, 0), rest = test::whole_frame_field(0, 20);
  const std::size_t above = first.index(12, 6);  // y 52 in the first frame, 72 at rest
  const std::size_t below = first.index(12, 11);  // y 92 in the first frame, 112 at rest
  const std::vector<float> strain = fibre_strain_in(rest, first, 0.1, 0.1, m);
  EXPECT_TRUE(std::isfinite(strain[above]));
  EXPECT_FALSE(std::isfinite(strain[below]));
}

// Two compartments whose depths overlap (an oblique aponeurosis, a bipennate muscle): each
// point takes the fibres of the compartment the analysis put it in, not the first band its
// depth falls in. Without labels (a live window) the depth decides.
TEST(MuscleStrain, APointTakesTheFibresOfTheCompartmentTheAnalysisPutItIn) {
  const UltrasoundRegion region = test::inset_region();
  DetectionResult r = two_compartments();
  r.maps.compartments[1].top_mm = 4.0;  // overlaps the first from 4 to 5 mm (y 70..80)
  const DisplacementField f = stretched_along_x(0.05);
  r.maps.compartment_of_point.assign(f.size(), -1);
  const std::size_t deep = f.index(12, 9), shallow = f.index(13, 9);  // both y 76, in either band
  r.maps.compartment_of_point[deep] = 1;
  r.maps.compartment_of_point[shallow] = 0;
  const auto along = [](double deg) { return 0.05 * std::pow(std::cos(deg * M_PI / 180), 2); };
  const std::vector<float> labelled = fibre_strain_in(f, 0.1, 0.1, muscle_of(r, region, true));
  EXPECT_NEAR(labelled[deep], along(-25), 0.002);
  EXPECT_NEAR(labelled[shallow], along(20), 0.002);
  EXPECT_FALSE(std::isfinite(labelled[f.index(12, 8)])) << "y 68, in the first band's depth but labelled in none";
  const std::vector<float> by_depth = fibre_strain_in(f, 0.1, 0.1, muscle_of(r, region, false));
  EXPECT_NEAR(by_depth[deep], along(20), 0.002);
  EXPECT_TRUE(std::isfinite(by_depth[f.index(12, 8)]));
}

}  // namespace
}  // namespace ft
