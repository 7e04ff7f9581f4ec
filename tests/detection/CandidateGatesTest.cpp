// Each gate of the tear detector on constructed numbers: the physics it stands for,
// without a simulator in between.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "ft/core/CandidateGates.h"
#include "ft/core/ContractionAnalysis.h"

namespace ft::gates {
namespace {
const DetectionSettings kSettings;
BandWidth band(double width_mm) { return BandWidth{width_mm > 0, width_mm, width_mm > 0 ? 0.4 : 0.0}; }
}  // namespace

TEST(CandidateGates, FibreEndsPullingApartOpenTheSurface) {
  // Stumps move apart along x across a vertical surface: G = a (x) n with a || n.
  const SurfaceMotion m = surface_motion(Tensor2{0.3, 0.0, 0.0, 0.0});
  EXPECT_NEAR(m.normal_deg, 0.0, 1e-9);
  EXPECT_NEAR(m.opening_share, 1.0, 1e-9);
}

TEST(CandidateGates, MusclesSlidingPastEachOtherDoNotOpenIt) {
  // Deep tissue slides along x under a horizontal surface (normal along y): a _|_ n.
  const SurfaceMotion m = surface_motion(Tensor2{0.0, 0.8, 0.0, 0.0});
  EXPECT_NEAR(std::abs(m.normal_deg), 90.0, 1e-9);
  EXPECT_NEAR(m.opening_share, 0.0, 1e-9);
}

TEST(CandidateGates, AnObliqueJumpOpensByItsNormalPart) {
  // A jump at 60 deg to a surface normal of 0 deg: cos(60) of it opens.
  const double a = 0.4, t = 60.0 * M_PI / 180.0;
  const SurfaceMotion m = surface_motion(Tensor2{a * std::cos(t), 0.0, a * std::sin(t), 0.0});
  EXPECT_NEAR(m.normal_deg, 0.0, 1e-9);
  EXPECT_NEAR(m.opening_share, 0.5, 1e-9);
}

TEST(CandidateGates, APatchJoinedToASlidingBandTakesTheGapsNormal) {
  // 60 points of a gap opening across a vertical surface (normal 0 deg, small jumps) and
  // 30 points of an aponeurosis band sliding along x (normal 90 deg, jumps 4x larger): the
  // mean gradient of the whole patch points between them; the dominant normal is the gap's.
  std::vector<Tensor2> jumps;
  std::vector<double> weights;
  for (int i = 0; i < 60; ++i) {
    jumps.push_back(Tensor2{0.3, 0.0, 0.1 * std::sin(i), 0.0});
    weights.push_back(1.0);
  }
  for (int i = 0; i < 30; ++i) {
    jumps.push_back(Tensor2{0.0, 1.2, 0.0, 0.0});
    weights.push_back(1.0);
  }
  Tensor2 mean{0, 0, 0, 0};
  for (const Tensor2& j : jumps) mean = Tensor2{mean.xx + j.xx / 90, mean.xy + j.xy / 90, mean.yx + j.yx / 90, mean.yy + j.yy / 90};
  EXPECT_GT(axial_difference_deg(surface_motion(mean).normal_deg, 0.0), 45.0);
  EXPECT_LT(axial_difference_deg(dominant_normal_deg(jumps, weights, 1.0), 0.0), 4.0);
}

TEST(CandidateGates, AxialDirectionsDifferByAtMostNinetyDegrees) {
  EXPECT_NEAR(axial_difference_deg(85.0, -85.0), 10.0, 1e-9);
  EXPECT_NEAR(axial_difference_deg(0.0, 90.0), 90.0, 1e-9);
  EXPECT_NEAR(axial_difference_deg(-30.0, 170.0), 20.0, 1e-9);
}

TEST(CandidateGates, AGapRunsAlongItsSurfaceAndAPocketDoesNot) {
  EXPECT_TRUE(is_gap_shaped(12.0, 3.0, kSettings));   // full-thickness tear: 12 mm long, 3 mm gap
  EXPECT_TRUE(is_gap_shaped(5.0, 2.9, kSettings));    // partial tear
  EXPECT_FALSE(is_gap_shaped(1.6, 1.7, kSettings));   // round pocket on a sliding plane
  EXPECT_FALSE(is_gap_shaped(2.0, 3.1, kSettings));   // streak along the normal
  EXPECT_TRUE(is_gap_shaped(6.0, 6.5, kSettings));    // a round haematoma cavity: left to the other gates
}

TEST(CandidateGates, OpeningIsJudgedAlongTheNormalAsItLiesAtPeak) {
  // The muscle around shears by 1.5 (deep aponeurosis sliding 24 mm under a 16 mm muscle):
  // a surface with rest normal (1, 0) lies along F^-T (1, 0) = (1, -1.5) at peak. Stumps
  // that pull straight apart there open fully; the rest-frame normal would call it 55 %.
  const Tensor2 around{1.0, 1.5, 0.0, 1.0};
  const double nx = 1.0 / std::hypot(1.0, 1.5), ny = -1.5 / std::hypot(1.0, 1.5);
  const Tensor2 opening{0.3 * nx, 0.0, 0.3 * ny, 0.0};  // a (x) N
  EXPECT_NEAR(surface_motion(opening, around).normal_deg, 0.0, 1e-9);
  EXPECT_NEAR(surface_motion(opening, around).opening_share, 1.0, 1e-9);
  EXPECT_NEAR(surface_motion(opening).opening_share, nx, 1e-9);
  // Sliding along the surface as it lies at peak: no opening.
  const Tensor2 sliding{-0.3 * ny, 0.0, 0.3 * nx, 0.0};
  EXPECT_NEAR(surface_motion(sliding, around).opening_share, 0.0, 1e-9);
}

TEST(CandidateGates, FibreCutIsOneAcrossTheFibresAndZeroAlongThem) {
  EXPECT_NEAR(fibre_cut(20.0, 20.0), 1.0, 1e-12);
  EXPECT_NEAR(fibre_cut(20.0, 110.0), 0.0, 1e-12);
  EXPECT_NEAR(fibre_cut(45.0, -45.0), 0.0, 1e-12);
}

TEST(CandidateGates, SurfacesAreClassedByFibresAponeurosisAndOpening) {
  EXPECT_EQ(classify_surface(0.95, 0.9, false, kSettings), SurfaceClass::AcrossFibres);
  EXPECT_EQ(classify_surface(0.95, 0.2, false, kSettings), SurfaceClass::Sliding);
  // Fibres pulled off an aponeurosis at ~30 deg: the jump is half opening.
  EXPECT_EQ(classify_surface(0.4, 0.5, true, kSettings), SurfaceClass::AlongFibresOnAponeurosis);
  EXPECT_EQ(classify_surface(0.4, 0.5, false, kSettings), SurfaceClass::FascialPlane);
  EXPECT_EQ(classify_surface(0.4, 0.1, true, kSettings), SurfaceClass::FascialPlane);
  // An oblique surface 53-63 deg off the fibres is a tear only where it clearly opens, away from
  // an aponeurosis (there it is judged as fibres pulled off), by its gradient and by its stumps.
  EXPECT_EQ(classify_surface(0.55, 0.8, false, kSettings, true), SurfaceClass::AcrossFibres);
  EXPECT_EQ(classify_surface(0.55, 0.8, false, kSettings, false), SurfaceClass::FascialPlane);
  EXPECT_EQ(classify_surface(0.55, 0.6, false, kSettings, true), SurfaceClass::FascialPlane);
  EXPECT_EQ(classify_surface(0.4, 0.9, false, kSettings, true), SurfaceClass::FascialPlane);
  EXPECT_EQ(classify_surface(0.55, 0.8, true, kSettings, true), SurfaceClass::AlongFibresOnAponeurosis);
}

TEST(CandidateGates, UntrackedTissueIsNotHaematomaUnlessTheMuscleAroundIsTracked) {
  EXPECT_TRUE(holds_haematoma(band(0), band(2.5), 0.0, 0.0, kSettings));    // dark at peak
  EXPECT_FALSE(holds_haematoma(band(1.5), band(0), 0.0, 0.9, kSettings));   // dark at rest only: compressed structure
  EXPECT_TRUE(holds_haematoma(band(0), band(0), 0.8, 0.9, kSettings));      // echogenic, decorrelating
  EXPECT_FALSE(holds_haematoma(band(0), band(0), 1.0, 0.1, kSettings));     // nothing tracked anywhere
  EXPECT_FALSE(holds_haematoma(band(0), band(0), 0.05, 0.95, kSettings));   // tracked, not dark: motion only
  // Around a probe move or fast shear the surroundings lose some tracking too: below 60 %
  // tracked around, the patch must have lost more, all of it at 50 % — no cliff at 60 %.
  EXPECT_TRUE(holds_haematoma(band(0), band(0), 0.94, 0.59, kSettings));
  EXPECT_TRUE(holds_haematoma(band(0), band(0), 0.40, 0.59, kSettings)) << "just below 60 %: a little more than 30 %";
  EXPECT_FALSE(holds_haematoma(band(0), band(0), 0.60, 0.55, kSettings)) << "half way: more than 65 % needed";
  EXPECT_TRUE(holds_haematoma(band(0), band(0), 0.70, 0.55, kSettings));
  EXPECT_FALSE(holds_haematoma(band(0), band(0), 1.00, 0.45, kSettings)) << "too little tracked around it";
}

TEST(CandidateGates, AGapWidensAndAStructureDoesNot) {
  EXPECT_TRUE(band_stays_the_same(band(2.0), band(2.0), 0.5));
  EXPECT_TRUE(band_stays_the_same(band(2.0), band(1.6), 0.5));
  EXPECT_TRUE(band_stays_the_same(band(0.6), band(0.7), 0.5));   // measurement noise
  EXPECT_FALSE(band_stays_the_same(band(1.0), band(3.0), 0.5));
  EXPECT_FALSE(band_stays_the_same(band(0), band(3.0), 0.5));    // no band at rest: a gap that opened
  EXPECT_TRUE(band_widens(band(0), band(1.2), 0.5));
  EXPECT_TRUE(band_widens(band(1.0), band(2.0), 0.5));
  EXPECT_FALSE(band_widens(band(1.0), band(1.3), 0.5));
  EXPECT_FALSE(band_widens(band(1.0), band(0), 0.5));
}

// Held-out 56000's echogenic tear through a focused beam: a faint band 0.85 mm at rest and 0.98
// at peak; the stumps opened 3.7 mm beyond the compartment's deformation, where a structure
// carried whole between them would have opened 2.4; the gap 95 % decorrelated with 74 % of the
// muscle around it tracked. A sliver of the bright haematoma, not a structure; each condition
// taken away, it is one.
TEST(CandidateGates, AFaintSliverInsideADecorrelatingGapIsNoStructure) {
  const BandWidth rest{true, 0.85, 0.16}, peak{true, 0.98, 0.17};
  EXPECT_TRUE(sliver_in_bright_haematoma(rest, peak, 3.7, 2.4, 0.95, 0.74, kSettings));
  // A structure carried whole opens the stumps at most as much as if nothing between them
  // shortened; beyond that by less than the widening asked of a band (0.5 mm) is within noise.
  EXPECT_TRUE(sliver_in_bright_haematoma(rest, peak, 2.9, 2.4, 0.95, 0.74, kSettings));
  EXPECT_FALSE(sliver_in_bright_haematoma(rest, peak, 2.85, 2.4, 0.95, 0.74, kSettings));
  EXPECT_FALSE(sliver_in_bright_haematoma(rest, peak, 2.4, 2.4, 0.95, 0.74, kSettings));
  EXPECT_FALSE(sliver_in_bright_haematoma(rest, peak, std::nan(""), 2.4, 0.95, 0.74, kSettings));
  // Where the muscle lengthens along the normal (an oblique surface) a structure carried whole
  // would read a negative opening: the margin is then over 0, not over that.
  EXPECT_FALSE(sliver_in_bright_haematoma(rest, peak, 0.3, -0.5, 0.95, 0.74, kSettings));
  EXPECT_TRUE(sliver_in_bright_haematoma(rest, peak, 0.6, -0.5, 0.95, 0.74, kSettings));
  // Fluid-dark at rest or at peak: a vessel, or the gap itself, which must widen.
  EXPECT_FALSE(sliver_in_bright_haematoma(BandWidth{true, 0.85, 0.30}, peak, 3.7, 2.4, 0.95, 0.74, kSettings));
  EXPECT_FALSE(sliver_in_bright_haematoma(rest, BandWidth{true, 0.98, 0.30}, 3.7, 2.4, 0.95, 0.74, kSettings));
  EXPECT_TRUE(sliver_in_bright_haematoma(rest, BandWidth{true, 0.98, 0.29}, 3.7, 2.4, 0.95, 0.74, kSettings));
  // Not decorrelating as a haematoma with no band must: too little lost, or too little tracked around.
  EXPECT_FALSE(sliver_in_bright_haematoma(rest, peak, 3.7, 2.4, 0.2, 0.74, kSettings));
  EXPECT_FALSE(sliver_in_bright_haematoma(rest, peak, 3.7, 2.4, 0.95, 0.45, kSettings));
  // Only a band seen at rest and at peak (one that kept its width) is judged.
  EXPECT_FALSE(sliver_in_bright_haematoma(BandWidth{}, peak, 3.7, 2.4, 0.95, 0.74, kSettings));
  EXPECT_FALSE(sliver_in_bright_haematoma(rest, BandWidth{}, 3.7, 2.4, 0.95, 0.74, kSettings));
}

TEST(CandidateGates, FluidBetweenFibreEndsAndAnAponeurosisIsClearlyDarkAndWidens) {
  const BandWidth faint{true, 1.9, 0.16};   // the plane's own partial-volume edge, sliding
  const BandWidth fluid{true, 3.5, 0.62};
  EXPECT_TRUE(fluid_layer_opens(band(0.5), fluid, kSettings));
  EXPECT_FALSE(fluid_layer_opens(band(0), faint, kSettings)) << "widens, but hardly darker than muscle";
  EXPECT_FALSE(fluid_layer_opens(band(3.0), fluid, kSettings)) << "dark, but no wider than at rest";
  // At rest a detachment's thin layer is not seen; the plane's edge reads a faint band 1-2 mm
  // wide at its own half depth, whatever lies beneath. Fluid at peak is measured against fluid.
  const BandWidth edge_at_rest{true, 1.7, 0.17}, fluid_on_the_way{true, 2.0, 0.62};
  EXPECT_TRUE(fluid_layer_opens(edge_at_rest, fluid_on_the_way, kSettings));
  EXPECT_FALSE(fluid_layer_opens(band(1.7), fluid_on_the_way, kSettings)) << "as much fluid at rest";
  EXPECT_DOUBLE_EQ(layer_before_mm(edge_at_rest, fluid_on_the_way, kSettings), 0.0);
  EXPECT_DOUBLE_EQ(fluid_width_mm(edge_at_rest, kSettings), 0.0);
  EXPECT_DOUBLE_EQ(fluid_width_mm(fluid, kSettings), 3.5);
  // A fat layer between two muscles whose contrast wanders across the fluid floor with probe
  // pressure or gain is one layer, 1.8 mm wide at rest and at peak: it does not open.
  const BandWidth fat_at_rest{true, 1.8, 0.27}, fat_at_peak{true, 1.9, 0.33};
  EXPECT_FALSE(fainter_than_fluid(fat_at_rest, fat_at_peak, kSettings));
  EXPECT_DOUBLE_EQ(layer_before_mm(fat_at_rest, fat_at_peak, kSettings), 1.8);
  EXPECT_FALSE(fluid_layer_opens(fat_at_rest, fat_at_peak, kSettings));
  EXPECT_FALSE(fainter_than_fluid(band(0.8), fluid, kSettings)) << "fluid already: its width counts";
}

TEST(CandidateGates, ARunningMedianOfThreeDropsOneSamplesSpeckle) {
  EXPECT_EQ(running_median3({0, 0, 3.0, 0, 0}), (std::vector<double>{0, 0, 0, 0, 0}));
  EXPECT_EQ(running_median3({0, 2.0, 2.2, 2.1, 0}), (std::vector<double>{0, 2.0, 2.1, 2.1, 0}));
  EXPECT_EQ(running_median3({4.0, 1.0}), (std::vector<double>{4.0, 1.0})) << "too short: kept as it is";
}

// A fluid layer's gap-time curve is smoothed after its unmeasured frames were given the rest
// gap: a frame measured between two that were not now holds their rest gap, no reading.
TEST(CandidateGates, AReadingBetweenTwoNonReadingsIsNoneAfterTheMedian) {
  EXPECT_EQ(readings_after_median3({1, 0, 1, 0, 1}), (std::vector<std::uint8_t>{1, 0, 0, 0, 1}))
      << "the ends keep their own value in the median";
  EXPECT_EQ(readings_after_median3({1, 1, 0, 1, 1}), (std::vector<std::uint8_t>{1, 1, 0, 1, 1}));
  EXPECT_EQ(readings_after_median3({0, 1, 1, 0}), (std::vector<std::uint8_t>{0, 1, 1, 0}));
}

// Along a run one sample's speckle and the run's ends do not decide where it peaks.
TEST(CandidateGates, ARunPeaksWhereItsRunningMedianIsLargest) {
  EXPECT_EQ(largest_along({0.3, 1.9, 2.5, 2.7, 2.6, 0.4, 0.3}), 3u);
  EXPECT_EQ(largest_along({0.3, 0.4, 5.0, 0.5, 2.0, 2.2, 2.1, 0.2}), 5u) << "one sample's speckle";
  EXPECT_EQ(largest_along({4.0, 1.0, 1.0, 1.6, 1.4, 1.0}), 3u) << "an end has no median";
  EXPECT_EQ(largest_along({1.0, 2.0, 2.0, 2.0, 1.0}), 1u) << "ties: the first";
  EXPECT_EQ(largest_along({1.0, 2.0}), 1u) << "too short for a median: its largest";
  EXPECT_EQ(largest_along({}), 0u);
}

// A detachment's fluid at peak along the plane: about as wide over the detached stretch,
// narrowing at its tapering ends; a separate dark patch beyond a narrow gap is not part of it.
TEST(CandidateGates, TheWideStretchRunsToAFractionOfTheLargest) {
  const std::vector<double> widths{1.2, 3.3, 3.5, 3.4, 3.6, 3.3, 3.5, 2.9, 1.3, 1.2, 3.4, 3.4, 1.0};
  const Stretch s = stretch_around_largest(widths, 0.75);  // running medians 1.2 3.3 3.4 3.5 3.4 3.5 3.3 2.9 1.3 ...
  EXPECT_EQ(s.largest, 3u);
  EXPECT_EQ(s.first, 1u) << "the run's end keeps its raw value: 1.2 < 2.6";
  EXPECT_EQ(s.last, 7u) << "up to the first sample under three quarters";
  EXPECT_EQ(stretch_around_largest({}, 0.75).last, 0u);
  const Stretch two = stretch_around_largest({2.0, 3.0}, 0.5);
  EXPECT_EQ(two.first, 0u);
  EXPECT_EQ(two.last, 1u);
}

// A tear through half of a bipennate muscle seen as two pieces of 2.7 and 2.5 mm, one above
// the other (surfaces near vertical: normals 7 and -6 deg; fibres at 20 deg), their ends
// 0.2 mm apart.
TEST(CandidateGates, TwoPiecesOfOneTearContinueEachOther) {
  const RestSurface upper{23.15, 16.93, 7.3, 2.74}, lower{23.02, 19.76, -6.1, 2.49};
  const std::optional<double> joined = joined_length_mm(upper, 20.0, lower, 20.0);
  ASSERT_TRUE(joined);
  EXPECT_NEAR(*joined, std::hypot(0.13, 2.83) + 0.5 * (2.74 + 2.49), 1e-9);
  EXPECT_EQ(joined_length_mm(lower, 20.0, upper, 20.0), joined) << "either way round";
  // Facing different ways: two surfaces.
  EXPECT_FALSE(joined_length_mm({20.0, 17.0, 0.0, 2.5}, 20.0, {20.0, 20.0, 40.0, 2.5}, 20.0));
  // One beyond the other, but their ends 4 mm apart: two lesions (or one and noise).
  EXPECT_FALSE(joined_length_mm({20.0, 15.0, 0.0, 2.0}, 20.0, {20.0, 21.0, 0.0, 2.0}, 20.0));
  // Facing the same way but side by side across the surface (the line between them 30 deg
  // off it): two surfaces.
  EXPECT_FALSE(joined_length_mm({20.0, 17.0, 0.0, 2.5}, -20.0, {21.7, 20.0, 0.0, 2.5}, -20.0));
  EXPECT_TRUE(joined_length_mm({20.0, 17.0, 0.0, 2.5}, -20.0, {20.5, 20.0, 0.0, 2.5}, -20.0)) << "9 deg off: one";
  // Normals 170 and -5 deg are 15 deg apart (directions are axial).
  EXPECT_TRUE(joined_length_mm({20.0, 17.0, 170.0, 2.5}, 20.0, {20.0, 20.0, -5.0, 2.5}, 20.0));
}

// Pockets on a horizontal sliding plane, one beside the other along it: the shear across the
// plane gives each a normal across it (90 deg), so their surfaces run along the plane, one
// beyond the other. With the fibres at 20-45 deg to the plane the line between them does not
// cross the fibres as a tear does: not one tear.
TEST(CandidateGates, PocketsAlongASlidingPlaneAreNotPiecesOfOneTear) {
  const RestSurface left{20.0, 20.0, 90.0, 2.0}, right{23.0, 20.0, 90.0, 2.0};
  EXPECT_FALSE(joined_length_mm(left, 20.0, right, 20.0));
  EXPECT_FALSE(joined_length_mm(left, 45.0, right, 45.0));
  EXPECT_FALSE(joined_length_mm(left, 20.0, right, 80.0)) << "each piece's fibres are crossed";
  EXPECT_FALSE(joined_length_mm(left, 80.0, right, 20.0));
  EXPECT_TRUE(joined_length_mm(left, 80.0, right, 80.0)) << "fibres nearly vertical: the line crosses them";
}

TEST(CandidateGates, FluidCarriedAlongWasAlreadyThereAtRest) {
  // A vessel in the septum, 2.5 mm wide over three columns beneath the muscle's path.
  EXPECT_FALSE(fluid_is_new(3.0, {0, 0.2, 2.5, 2.6, 2.4, 0.1}, kSettings));
  EXPECT_TRUE(fluid_is_new(3.8, {0, 0.2, 2.5, 2.6, 2.4, 0.1}, kSettings)) << "1.3 mm wider than the layer's median at rest";
  // A tear's fluid: nothing at rest but the plane's own partial-volume edge.
  EXPECT_TRUE(fluid_is_new(2.0, {0, 0.3, 0, 0.4, 0.2}, kSettings));
  // One column's dark speckle at rest is not a layer.
  EXPECT_TRUE(fluid_is_new(2.0, {0, 0, 3.0, 0, 0}, kSettings));
  // Fewer than three columns: the narrowest speaks (one column is no layer).
  EXPECT_TRUE(fluid_is_new(2.0, {2.5, 0}, kSettings));
  EXPECT_FALSE(fluid_is_new(2.0, {1.5, 1.4}, kSettings));
}

TEST(CandidateGates, FluidCarriedAlongIsAsDarkAtRestAsAtPeak) {
  const BandWidth fluid{true, 1.97, 0.66};
  // A vessel or fat carried along the plane: as dark at rest, its width counts.
  EXPECT_DOUBLE_EQ(carried_layer_mm({true, 1.9, 0.60}, fluid, kSettings), 1.9);
  EXPECT_DOUBLE_EQ(carried_layer_mm({true, 1.9, 0.52}, fluid, kSettings), 1.9) << "0.14 fainter: the same layer";
  // A thin haematoma that widened under contraction, or speckle just past the fluid floor:
  // 0.35 fainter than the fluid at peak, not the fluid carried.
  EXPECT_DOUBLE_EQ(carried_layer_mm({true, 1.15, 0.31}, fluid, kSettings), 0.0);
  // Clearly fluid at rest (0.10 above the floor): carried, however much darker the peak reads.
  EXPECT_DOUBLE_EQ(carried_layer_mm({true, 1.8, 0.42}, {true, 2.0, 0.75}, kSettings), 1.8);
  // No fluid at rest at all (under the floor): nothing carried, however wide its half depth.
  EXPECT_DOUBLE_EQ(carried_layer_mm({true, 2.0, 0.25}, {true, 2.2, 0.33}, kSettings), 0.0);
  EXPECT_DOUBLE_EQ(carried_layer_mm({false, 0.0, 0.0}, fluid, kSettings), 0.0);
}

TEST(CandidateGates, FluidIsDarkerThanItsPlanesSpeckleAtRest) {
  // Beyond a focused beam's focus the plane's band reads 0.30-0.43 at rest by speckle alone.
  const std::vector<double> deep_plane{0.20, 0.40, 0.44, 0.41, 0.37, 0.32, 0.23, 0.21};
  EXPECT_FALSE(darker_than_plane_speckle(0.36, deep_plane)) << "an intact muscle's 0.36 'layer' at peak";
  EXPECT_TRUE(darker_than_plane_speckle(0.66, deep_plane)) << "a detachment's fluid";
  // The running median's 0.41 is a dip to 0.59 of the level: fluid's is below 0.85 of that, 0.50.
  EXPECT_TRUE(darker_than_plane_speckle(0.52, deep_plane)) << "a dip to 0.48";
  EXPECT_FALSE(darker_than_plane_speckle(0.47, deep_plane)) << "a dip to 0.53: barely darker than speckle's";
  // Seed 52001 through the beam, a clip that starts contracted: speckle on vastus intermedius's
  // side of the deep aponeurosis, 0.32 against stretches of 0.26 before and 0.27 after it (the
  // columns the muscle's way left beside it; 0 where no band was found).
  const std::vector<double> before{0.298, 0.252, 0.186, 0.232, 0.256, 0.263, 0.0, 0.0, 0.185, 0.162};
  const std::vector<double> after{0.171, 0.0, 0.240, 0.166, 0.207, 0.216, 0.256, 0.295, 0.213, 0.192, 0.152,
                                  0.187, 0.213, 0.247, 0.208, 0.252, 0.254, 0.283, 0.271, 0.198, 0.186, 0.178};
  EXPECT_FALSE(darker_than_plane_speckle(0.322, before));
  EXPECT_FALSE(darker_than_plane_speckle(0.322, after));
  // The faintest detachment's fluid of the development set (main 37000): 0.39 against stretches
  // of 0.18 and 0.21, a dip to 0.77 of the speckle's.
  const std::vector<double> faint_before{0.160, 0.191, 0.169, 0.0, 0.0, 0.187, 0.153, 0.0, 0.160, 0.0,
                                         0.0, 0.205, 0.155, 0.0, 0.186, 0.0, 0.0, 0.0, 0.178, 0.222,
                                         0.171, 0.168, 0.153, 0.0, 0.0, 0.0, 0.0};
  const std::vector<double> faint_after{0.0, 0.204, 0.227, 0.207, 0.159, 0.0, 0.0, 0.0, 0.0,
                                        0.0, 0.0, 0.155, 0.152, 0.159, 0.158, 0.0, 0.203};
  EXPECT_TRUE(darker_than_plane_speckle(0.388, faint_before));
  EXPECT_TRUE(darker_than_plane_speckle(0.388, faint_after));
  // One column's dark speckle does not set the bar (its median with its neighbours does).
  EXPECT_TRUE(darker_than_plane_speckle(0.40, {0.18, 0.21, 0.60, 0.20, 0.19}));
  EXPECT_TRUE(darker_than_plane_speckle(0.46, {0.40, 0.30})) << "fewer than three: the faintest sets the bar";
  EXPECT_FALSE(darker_than_plane_speckle(0.46, {0.40, 0.38}));
  EXPECT_FALSE(darker_than_plane_speckle(1.0, {1.0, 1.0, 1.0})) << "speckle's band clipped to black: nothing is darker";
  EXPECT_TRUE(darker_than_plane_speckle(0.36, {})) << "no plane read at rest";
  // The 52001 layer still dips past the speckle's darkest stretches: a faint layer, named for review.
  EXPECT_TRUE(dips_past_plane_speckle(0.322, before));
  EXPECT_TRUE(dips_past_plane_speckle(0.322, after));
  EXPECT_FALSE(dips_past_plane_speckle(0.36, deep_plane)) << "as dark as speckle beyond the focus";
  EXPECT_TRUE(dips_past_plane_speckle(0.36, {}));
}

TEST(CandidateGates, FluidOnAnAponeurosisIsALayerAlongItAndAVesselIsRound) {
  EXPECT_TRUE(runs_along_the_plane(9.5, 3.0));   // a detachment's fluid, 3 times as long as thick
  EXPECT_TRUE(runs_along_the_plane(4.5, 3.0));
  EXPECT_FALSE(runs_along_the_plane(3.5, 3.65)) << "a distending vessel pressed against the plane";
}

TEST(CandidateGates, FluidOfFibresPulledOffLiesAgainstTheAponeurosisAndAFlattenedVeinInTheMuscle) {
  EXPECT_TRUE(lies_against_the_plane(0.0)) << "the layer begins at the line's edge";
  EXPECT_TRUE(lies_against_the_plane(1.5)) << "a millimetre and a half of stumps or clot";
  EXPECT_FALSE(lies_against_the_plane(1.6));
  EXPECT_FALSE(lies_against_the_plane(3.1)) << "a vein flattened into a slit 3.1 mm of muscle above a deep aponeurosis";
  EXPECT_TRUE(lies_against_the_plane(std::numeric_limits<double>::quiet_NaN())) << "not measured: no reason to refuse";
}

TEST(CandidateGates, AFluidLayerMustStayOpenOverTheHold) {
  const double rest = 0.6;
  EXPECT_TRUE(stays_open({0.6, 0.9, 1.7, 2.3, 2.5, 2.4, 1.2}, rest, kSettings.min_opening_mm, 3));
  EXPECT_FALSE(stays_open({0.6, 0.7, 2.5, 0.8, 0.6}, rest, kSettings.min_opening_mm, 3)) << "one frame's edge";
  EXPECT_FALSE(stays_open({0.6, 1.7, 1.8, 0.7}, rest, kSettings.min_opening_mm, 3)) << "two frames only";
  // Three wide frames, each alone between narrow ones: the running median keeps none of the
  // inner ones (and the last, an end, as it is).
  EXPECT_FALSE(stays_open(running_median3({0.6, 2.6, 0.6, 2.6, 0.6, 2.6, 0.6}), rest, kSettings.min_opening_mm, 3));
  EXPECT_TRUE(stays_open({0.6, 2.6, 0.6, 2.6, 0.6, 2.6, 0.6}, rest, kSettings.min_opening_mm, 3)) << "unsmoothed";
  EXPECT_FALSE(fluid_is_new(2.0, {}, kSettings)) << "nothing measured at rest shows nothing new";
}

TEST(CandidateGates, AFluidLayersGapIsItsWidthAcrossThePlaneOverTheFibresSine) {
  EXPECT_NEAR(along_fibres_mm(1.0, 30.0, 0.0), 2.0, 1e-9);
  EXPECT_NEAR(along_fibres_mm(1.0, -30.0, 0.0), 2.0, 1e-9) << "fibres below the plane";
  EXPECT_NEAR(along_fibres_mm(2.0, 90.0, 60.0), 2.0, 1e-9) << "read down a column, across a plane sloping 60 deg: half";
  EXPECT_NEAR(along_fibres_mm(1.0, 5.0, 0.0), 4.0, 1e-9) << "fibres nearly along the plane: a quarter's floor";
}

// A band already there at rest that widens about as the fascicles turn (the dark stretch of
// intact muscle between an aponeurosis and where its streaks end stands up as they steepen)
// opens only by a degree or two of fibre reading; new fluid opens whatever the reading.
TEST(CandidateGates, AnOpeningThatADegreeOrTwoOfFibreReadingClosesIsNoOpening) {
  const double min_opening = kSettings.min_opening_mm;
  // The healthy gastrocnemius beside the deep aponeurosis of a recorded isokinetic push (as read
  // with the fascicles along the screen's grain): 2.46 mm at rest, 5.28 at peak, fibres 21.8 -> 38.2
  // deg from a plane sloping -3.2 deg: 6.6 -> 8.5 mm along them.
  const LayerAlongFibres recorded{2.458, 5.281, 18.646, 35.0, -3.18};
  EXPECT_NEAR(opening_with_fibres_off_mm(recorded, 0.0), 1.93, 0.01);
  EXPECT_NEAR(fibre_angle_margin_deg(recorded, min_opening), 1.88, 0.02);
  EXPECT_LT(fibre_angle_margin_deg(recorded, min_opening), kSettings.min_fibre_angle_margin_deg);
  // A detachment: 0.5 mm at rest, 2.5 at peak, fibres 20 -> 40 deg.
  const LayerAlongFibres detachment{0.5, 2.5, 20.0, 40.0, 0.0};
  EXPECT_GT(fibre_angle_margin_deg(detachment, min_opening), 10.0);
  // The same mirrored (fibres below the plane): the same margin.
  EXPECT_NEAR(fibre_angle_margin_deg({0.5, 2.5, -20.0, -40.0, 0.0}, min_opening), fibre_angle_margin_deg(detachment, min_opening), 0.02);
  // The margin is the error at which the opening reaches min_opening_mm.
  const double margin = fibre_angle_margin_deg(detachment, min_opening);
  EXPECT_NEAR(opening_with_fibres_off_mm(detachment, margin), min_opening, 0.01);
  // Directions are axial: fibres read 180 deg round give the same margin.
  EXPECT_NEAR(fibre_angle_margin_deg({0.5, 2.5, 200.0, 220.0, 0.0}, min_opening), margin, 0.02);
  EXPECT_NEAR(fibre_angle_margin_deg({0.5, 2.5, 160.0, 140.0, 0.0}, min_opening), margin, 0.02);
  // Fluid with nothing at rest, 1 mm or more across the plane, opens whatever the reading.
  EXPECT_DOUBLE_EQ(fibre_angle_margin_deg({0.0, 1.8, 20.0, 40.0, 0.0}, min_opening), kNoAngleErrorCloses);
  // A thin one that opens 1 mm only along fibres read at 40 deg (0.65 mm across) is held to it.
  EXPECT_LT(fibre_angle_margin_deg({0.0, 0.65, 40.0, 40.0, 0.0}, min_opening), 1.0);
  // No opening to begin with: no margin.
  EXPECT_DOUBLE_EQ(fibre_angle_margin_deg({2.0, 2.0, 20.0, 20.0, 0.0}, min_opening), 0.0);
}

TEST(CandidateGates, FluidNearAFoundTearsSurfaceIsMeasuredAcrossItAndBeyondItsEnds) {
  const RestSurface across_x{10.0, 20.0, 0.0, 8.0};  // normal along x: the surface runs along y, 16..24 mm
  EXPECT_NEAR(mm_from_surface(across_x, 12.0, 20.0), 2.0, 1e-9);   // beside it
  EXPECT_NEAR(mm_from_surface(across_x, 10.0, 23.0), 0.0, 1e-9);   // on it, inside its length
  EXPECT_NEAR(mm_from_surface(across_x, 10.0, 27.0), 3.0, 1e-9);   // beyond its end, along it
  EXPECT_NEAR(mm_from_surface(across_x, 13.0, 28.0), 4.0, 1e-9);   // beyond its end and beside: the larger
  const RestSurface tilted{0.0, 0.0, 45.0, 0.0};                    // a point-like surface
  EXPECT_NEAR(mm_from_surface(tilted, 3.0, 4.0), 7.0 / std::sqrt(2.0), 1e-9);  // across the 45 deg normal
}

TEST(CandidateGates, ALongThinPatchShowsItsSurfacesDirectionByItsShape) {
  // Two rows of points 0.5 mm apart along a line 62 deg from x, 18 mm long.
  std::vector<double> x, y;
  const double c = std::cos(62.0 * M_PI / 180.0), s = std::sin(62.0 * M_PI / 180.0);
  for (int i = 0; i <= 36; ++i)
    for (double across : {-0.25, 0.25}) {
      x.push_back(30.0 + (i * 0.5 - 9.0) * c - across * s);
      y.push_back(10.0 + (i * 0.5 - 9.0) * s + across * c);
    }
  const std::optional<PointsLie> lie = points_lie(x, y);
  ASSERT_TRUE(lie.has_value());
  EXPECT_NEAR(lie->along_deg, 62.0, 1e-6);
  EXPECT_NEAR(lie->length_mm, 18.0, 1e-6);
  // Mirrored: -62 deg, not 118.
  for (double& v : y) v = -v;
  EXPECT_NEAR(points_lie(x, y)->along_deg, -62.0, 1e-6);
  // A square block, and too few points, show no direction.
  std::vector<double> bx, by;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      bx.push_back(i * 0.5);
      by.push_back(j * 0.5);
    }
  EXPECT_FALSE(points_lie(bx, by).has_value());
  EXPECT_FALSE(points_lie({0.0, 1.0, 2.0, 3.0}, {0.0, 0.0, 0.0, 0.0}).has_value()) << "four points";
  EXPECT_TRUE(points_lie({0.0, 1.0, 2.0, 3.0, 4.0, 5.0}, {0.0, 0.0, 0.0, 0.0, 0.0, 0.0}).has_value());
}

TEST(CandidateGates, StumpsMustShortenLikeTheirCompartment) {
  EXPECT_TRUE(is_contracting(-0.20, -0.30, kSettings));
  EXPECT_FALSE(is_contracting(-0.05, -0.30, kSettings));  // carried, not contracting (fat, tendon)
  EXPECT_FALSE(is_contracting(0.10, -0.30, kSettings));   // stretched
  EXPECT_FALSE(is_contracting(-0.20, 0.02, kSettings));   // the compartment does not contract at all
}

TEST(CandidateGates, ATearIsGradedByItsExtentAndNeverByAGuess) {
  EXPECT_EQ(grade_of(TearKind::Intramuscular, 3.0, 0.2), TearGrade::Minimal);
  EXPECT_EQ(grade_of(TearKind::Intramuscular, 40.0, 1.0), TearGrade::Partial);
  EXPECT_EQ(grade_of(TearKind::Intramuscular, 95.0, 1.0), TearGrade::CompleteWithRetraction);
  EXPECT_EQ(grade_of(TearKind::Intramuscular, 95.0, 0.2), TearGrade::Partial) << "across the muscle but not retracted";
  // The thickness was not found: no extent, and no grade made up from it.
  EXPECT_EQ(grade_of(TearKind::Intramuscular, -1.0, 2.0), TearGrade::Ungraded);
  EXPECT_EQ(grade_of(TearKind::Intramuscular, kUnmeasured, 2.0), TearGrade::Ungraded);
  EXPECT_EQ(grade_of(TearKind::Myotendinous, 100.0, 3.0), TearGrade::Partial) << "the aponeurosis holds";
}

// A complete grade whose end stopped short of an aponeurosis in muscle that moved without
// opening may be partial: the grade stands (motion proves no fibre intact), the words and a note
// say the doubt, with every such end named; a partial grade never may be partial.
TEST(CandidateGates, ACompleteGradeWhoseEndStoppedInUnopenedMuscleMayBePartial) {
  DetectionResult r;
  r.calibrated = true;
  TearFinding f;
  f.extent_pct = 90.7;
  f.muscle_thickness_mm = 19.5;
  f.retraction_mm = 1.2;
  f.extent_spared_above_pct = 9.3;
  f.grade = grade_of(f.kind, f.extent_pct, f.retraction_mm);
  EXPECT_EQ(f.grade, TearGrade::CompleteWithRetraction);
  EXPECT_TRUE(may_be_partial(f));
  EXPECT_EQ(describe_grade(f), "complete tear with retraction (may be partial)");
  r.findings.push_back(f);
  note_tear_ends(r);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0], describe_spared_end(f, r));
  EXPECT_NE(r.notes[0].find("stops 1.8 mm short of the superficial aponeurosis"), std::string::npos) << r.notes[0];
  f.extent_pct = 90.0;  // both ends short: both named
  f.extent_spared_above_pct = 100.0 * 0.9 / 19.5;
  f.extent_spared_below_pct = 100.0 * 1.06 / 19.5;
  EXPECT_NE(describe_spared_end(f, r).find("stops 0.9 mm short of the superficial aponeurosis and 1.1 mm short of the deep aponeurosis"),
            std::string::npos) << describe_spared_end(f, r);
  f.extent_spared_above_pct = f.extent_spared_below_pct = 0.0;
  EXPECT_FALSE(may_be_partial(f)) << "its ends reached the aponeuroses";
  f.extent_spared_above_pct = 9.3;
  f.extent_pct = 80.0;
  f.grade = grade_of(f.kind, f.extent_pct, f.retraction_mm);
  EXPECT_FALSE(may_be_partial(f)) << "graded partial already";
}

// A partial grade may be complete only where the muscle the tracker lost beyond the tear's ends
// would carry it through the muscle (90 %).
TEST(CandidateGates, APartialTearMayBeCompleteOnlyWhereTheLostMuscleWouldCarryItThrough) {
  TearFinding f;
  f.kind = TearKind::Intramuscular;
  f.extent_pct = 87.8;
  f.retraction_mm = 1.6;
  f.grade = grade_of(f.kind, f.extent_pct, f.retraction_mm);
  ASSERT_EQ(f.grade, TearGrade::Partial);
  EXPECT_FALSE(may_be_complete(f)) << "nothing lost beyond it";
  f.extent_unseen_below_pct = 12.2;
  EXPECT_TRUE(may_be_complete(f));
  EXPECT_EQ(describe_grade(f), "partial tear (may be complete)");
  f.extent_unseen_below_pct = 1.0;
  f.extent_unseen_above_pct = 1.0;
  EXPECT_FALSE(may_be_complete(f)) << "89.8 %: partial either way";
  f.extent_unseen_above_pct = 1.2;
  EXPECT_TRUE(may_be_complete(f)) << "both ends lost: 90 % together";
  f.retraction_mm = 0.0;  // not asked: a report of an uncalibrated clip carries none
  EXPECT_TRUE(may_be_complete(f));
  f.kind = TearKind::Myotendinous;
  EXPECT_FALSE(may_be_complete(f)) << "the aponeurosis holds";
  f.kind = TearKind::Intramuscular;
  f.extent_pct = 95.0;
  f.retraction_mm = 0.3;
  f.grade = grade_of(f.kind, f.extent_pct, f.retraction_mm);
  ASSERT_EQ(f.grade, TearGrade::Partial) << "through the muscle, its stumps not retracted";
  EXPECT_FALSE(may_be_complete(f)) << "seen through the muscle already";
  f.retraction_mm = 1.6;
  f.grade = grade_of(f.kind, f.extent_pct, f.retraction_mm);
  EXPECT_FALSE(may_be_complete(f)) << "complete already";
  EXPECT_EQ(describe_grade(f), describe(TearGrade::CompleteWithRetraction));
}

TEST(CandidateGates, ContractionsAreFoundOnTheStrainCurveWithHysteresis) {
  // Two contractions, the second weaker (-0.16 against -0.20), a wobble at the top of the first.
  const std::vector<double> strain = {0.0, -0.05, -0.15, -0.20, -0.11, -0.19, -0.08, 0.01, -0.02, -0.10, -0.16, -0.14, -0.03, 0.0};
  const std::vector<ContractionCycle> cycles = find_contractions(strain, -0.20);
  ASSERT_EQ(cycles.size(), 2u) << "-0.11 stays above 0.3 of the peak: the same contraction";
  EXPECT_EQ(cycles[0].rest_frame, 0);
  EXPECT_EQ(cycles[0].peak_frame, 3);
  EXPECT_EQ(cycles[0].first_frame, 2);
  EXPECT_EQ(cycles[0].last_frame, 6);  // 0.4 of the peak: still contracted
  EXPECT_EQ(cycles[1].rest_frame, 7);  // the most relaxed frame between the two
  EXPECT_EQ(cycles[1].peak_frame, 10);
  EXPECT_NEAR(cycles[1].peak_strain, -0.16, 1e-12);
  // A clip that starts contracted: its rest is the relaxation after it.
  const std::vector<ContractionCycle> started = find_contractions({-0.2, -0.2, -0.1, 0.0, 0.0}, -0.2);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].peak_frame, 0);
  EXPECT_GE(started[0].rest_frame, 3);
  // One frame's glitch is no contraction — at the clip's first frame, where the running median
  // keeps it, the two-frame minimum drops it; an unmeasured frame neither starts nor splits one.
  EXPECT_EQ(find_contractions({-0.2, 0.0, 0.0, 0.0, -0.1, -0.2, -0.2, -0.1, 0.0}, -0.2).size(), 1u);
  EXPECT_EQ(find_contractions({0.0, 0.0, -0.2, 0.0, 0.0, -0.1, -0.2, -0.2, -0.1, 0.0}, -0.2).size(), 1u);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<ContractionCycle> gap = find_contractions({0.0, -0.1, -0.2, nan, -0.2, -0.1, 0.0}, -0.2);
  ASSERT_EQ(gap.size(), 1u);
  EXPECT_NE(gap[0].peak_frame, 3) << "the unmeasured frame is not its peak";
  EXPECT_NEAR(gap[0].peak_strain, -0.2, 1e-12);
  EXPECT_EQ(find_contractions({nan, nan, nan}, -0.2).size(), 0u);
  // A last contraction still rising at the end is left out when there are others.
  EXPECT_EQ(find_contractions({0.0, -0.2, -0.2, -0.2, 0.0, 0.0, -0.1, -0.15, -0.18}, -0.2).size(), 1u);
}

// What is read "where the gap is widest" is read over the frames that open about as much: the
// run around the widest, up to a frame that opens less or could not be measured.
TEST(CandidateGates, AGapIsAsWideOverTheFramesAroundItsWidest) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> opening{0.0, 1.0, 1.96, 2.0, 1.93, 1.97, 1.2, 1.99, nan, 2.0};
  EXPECT_EQ(frames_opening_about_as_much(opening, 3, 0.95), (std::vector<int>{2, 3, 4, 5}));
  EXPECT_EQ(frames_opening_about_as_much(opening, 9, 0.95), (std::vector<int>{9})) << "an unmeasured frame ends the run";
  EXPECT_EQ(frames_opening_about_as_much(opening, 3, 1.0), (std::vector<int>{3}));
  EXPECT_TRUE(frames_opening_about_as_much(opening, 8, 0.95).empty()) << "unmeasured at the widest";
  EXPECT_TRUE(frames_opening_about_as_much(opening, 10, 0.95).empty());
}

TEST(CandidateGates, ATearOpensInAllButAThirdOfTheContractions) {
  const std::vector<ContractionCycle> two = {{0, 3, -0.20, 2, 4}, {6, 9, -0.16, 8, 10}};
  // Opening per frame (mm beyond the muscle's strain): 2 mm in the first, 1.5 in the weaker second.
  const std::vector<double> both = {0, 0.5, 1.6, 2.0, 1.4, 0.2, 0.0, 0.4, 1.2, 1.5, 1.0, 0.1};
  EXPECT_EQ(contractions_opened(both, two, -0.20).opened, 2);
  EXPECT_TRUE(opens_with_the_contractions(contractions_opened(both, two, -0.20)));
  const std::vector<double> first_only = {0, 0.5, 1.6, 2.0, 1.4, 0.2, 0.0, 0.1, 0.2, 0.3, 0.2, 0.1};
  const ContractionsOpened once = contractions_opened(first_only, two, -0.20);
  EXPECT_EQ(once.seen, 2);
  EXPECT_EQ(once.opened, 1);
  EXPECT_FALSE(opens_with_the_contractions(once));
  // A contraction whose opening could not be measured is not held against it.
  std::vector<double> unmeasured = first_only;
  for (int k = 6; k < 12; ++k) unmeasured[std::size_t(k)] = -std::numeric_limits<double>::infinity();
  EXPECT_EQ(contractions_opened(unmeasured, two, -0.20).seen, 1);
  EXPECT_TRUE(opens_with_the_contractions(contractions_opened(unmeasured, two, -0.20)));
  // A probe slip in a weak contraction (3 mm at 0.65 of the strength) does not raise the bar
  // for the strongest, where the tear opened 1.2 mm.
  const std::vector<ContractionCycle> slip = {{0, 3, -0.20, 2, 4}, {6, 9, -0.13, 8, 10}};
  const std::vector<double> slipped = {0, 0.5, 1.0, 1.2, 0.9, 0.2, 0.0, 0.8, 2.5, 3.0, 1.0, 0.1};
  EXPECT_EQ(contractions_opened(slipped, slip, -0.20).opened, 2);
  // A quick repeat that relaxes only to -0.08 is judged by its own shortening (0.6 of the strongest).
  const std::vector<ContractionCycle> quick = {{0, 3, -0.20, 2, 4, 0.0}, {6, 9, -0.20, 8, 10, -0.08}};
  const std::vector<double> opens = {0, 0.5, 1.6, 2.0, 1.4, 0.6, 0.6, 0.9, 1.4, 1.3, 1.0, 0.6};
  EXPECT_EQ(contractions_opened(opens, quick, -0.20).opened, 2);
  // Of three, one may miss (all but a third).
  EXPECT_TRUE(opens_with_the_contractions({3, 2}));
  EXPECT_FALSE(opens_with_the_contractions({3, 1}));
  EXPECT_TRUE(opens_with_the_contractions({1, 1}));
}

}  // namespace ft::gates


namespace ft::gates {

// Beside an aponeurosis the plane's line and a fluid layer's edges read as directions along it,
// as many as the fibres (a held-out clip under speckle reduction: 46 of 94 readings at 0-2 deg,
// the fibres at 18-26). The fibres are those that cross the plane; a median over all of them
// flipped between the two groups with a hundredth of a pixel of tracking.
TEST(CandidateGates, OnlyDirectionsThatCrossThePlaneCanBeFibres) {
  int fibres = 0;
  for (int i = 0; i < 46; ++i) fibres += crosses_the_plane(0.05 * i, 0.0, 5.0);        // 0-2.3 deg: the plane's line
  for (int i = 0; i < 48; ++i) fibres += crosses_the_plane(18.0 + i / 6.0, 0.0, 5.0);  // 18-26 deg: fibres
  EXPECT_EQ(fibres, 48);
  EXPECT_FALSE(crosses_the_plane(5.0, 0.0, 5.0)) << "5 deg off: still along it";
  EXPECT_TRUE(crosses_the_plane(5.5, 0.0, 5.0));
  // Axial, any range: a plane at 180 deg is the same plane; -3 deg is 177.
  EXPECT_FALSE(crosses_the_plane(2.0, 180.0, 5.0));
  EXPECT_FALSE(crosses_the_plane(177.0, -1.0, 5.0));
  // Against the plane's local direction: where it slopes 12 deg, fibres at 12 deg lie along it.
  EXPECT_FALSE(crosses_the_plane(12.0, 12.0, 5.0));
  EXPECT_TRUE(crosses_the_plane(0.0, 12.0, 5.0));
}

// A fibre direction read on a frame's image replaces the tracked one where they agree, or where
// the reading turned further from the surface on the same side (the tracking under-carried the
// fascicles' turn) by no more than a plausible amount. Beside an aponeurosis at 0 deg:
TEST(CandidateGates, AFibreReadingIsTakenWhereItAgreesOrTheTrackingUnderCarriedTheTurn) {
  EXPECT_TRUE(take_fibres_read(25.0, 18.0, 0.0, 10.0, 0.0, 30.0)) << "agrees within 10 deg";
  EXPECT_TRUE(take_fibres_read(42.0, 18.0, 0.0, 10.0, 0.0, 30.0)) << "24 deg steeper: under-carried";
  EXPECT_FALSE(take_fibres_read(5.0, 18.0, 0.0, 10.0, 0.0, 30.0)) << "pulled towards the plane: its line";
  EXPECT_FALSE(take_fibres_read(-40.0, 18.0, 0.0, 10.0, 0.0, 30.0)) << "mirrored across the plane";
  EXPECT_FALSE(take_fibres_read(70.0, 18.0, 0.0, 10.0, 0.0, 30.0)) << "52 deg off: another structure";
  EXPECT_TRUE(take_fibres_read(42.0, 18.0, 180.0, 10.0, 0.0, 30.0)) << "directions are axial";
  EXPECT_TRUE(take_fibres_read(-42.0, -18.0, 175.0, 10.0, 0.0, 30.0)) << "the other side, the same rule";
  // The fluid path takes only a clear under-carry (no mere agreement).
  EXPECT_FALSE(take_fibres_read(25.0, 18.0, 0.0, -1.0, 10.0, 30.0));
  EXPECT_TRUE(take_fibres_read(38.0, 23.0, 0.0, -1.0, 10.0, 30.0));
  EXPECT_FALSE(take_fibres_read(std::nan(""), 18.0, 0.0, 10.0, 0.0, 30.0));
}

// A vessel crossing the image plane is a round anechoic space at rest; a detachment's rest layer is
// faint, and thin along its aponeurosis. Readings from the clips (held-out 54000's vessel through
// a focused beam; beam 51001's detachment, the roundest of the development sets' rest layers).
TEST(CandidateGates, ARoundAnechoicSpaceAtRestIsAVesselNotARestLayer) {
  const auto read = [](double width_mm, double contrast, double level = 120.0) {
    return BandWidth{true, width_mm, contrast, 0.0, level};
  };
  EXPECT_TRUE(gates::round_anechoic_at_rest(read(2.00, 0.85), read(2.49, 0.89))) << "the vessel";
  EXPECT_FALSE(gates::round_anechoic_at_rest(read(1.42, 0.27), read(1.54, 0.24))) << "a detachment's faint rest layer";
  EXPECT_FALSE(gates::round_anechoic_at_rest(read(2.00, 0.85), read(6.00, 0.80))) << "anechoic, but a layer along the surface";
  EXPECT_FALSE(gates::round_anechoic_at_rest(read(2.00, 0.85), BandWidth{})) << "no band along it: longer than read";
  EXPECT_FALSE(gates::round_anechoic_at_rest(BandWidth{}, read(2.49, 0.89))) << "no band across it at rest";
  EXPECT_FALSE(gates::round_anechoic_at_rest(read(2.00, 0.85), read(2.49, 0.59))) << "one side not anechoic";
  EXPECT_FALSE(gates::round_anechoic_at_rest(read(2.00, 0.85), read(3.00, 0.89))) << "1.5 times as long: a layer";
  EXPECT_TRUE(gates::round_anechoic_at_rest(read(2.00, 0.85), read(2.99, 0.89)));
  // Inside a long black layer: a trough of noise (grey 1 in 3) read along it, no tissue around it.
  EXPECT_FALSE(gates::round_anechoic_at_rest(read(2.00, 0.85), read(0.8, 0.67, 3.0))) << "noise against noise";
}

}  // namespace ft::gates
