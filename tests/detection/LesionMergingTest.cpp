// One finding per lesion, on findings placed by hand (0.1 mm/px): what is one lesion and
// what is two, and which finding speaks for a lesion.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "ft/core/LesionMerging.h"

namespace ft {
namespace {

constexpr PixelSpacing kSpacing{0.1, 0.1};

// A finding whose surface is centred at (x, y) mm on frame 0.
PlacedFinding at(double x_mm, double y_mm, TearKind kind, int points, std::size_t patch, double normal_deg = 0.0,
                 double length_mm = 0.0) {
  PlacedFinding p;
  p.finding.kind = kind;
  p.finding.confidence = 0.99;
  p.x0_px = x_mm / kSpacing.mm_per_px_x;
  p.y0_px = y_mm / kSpacing.mm_per_px_y;
  p.finding.centre_col_px = p.x0_px;  // seen where it rested (no motion given)
  p.finding.centre_row_px = p.y0_px;
  p.finding.surface_angle_deg = normal_deg;
  p.normal_deg = normal_deg;
  p.length_mm = length_mm;
  p.points = points;
  p.patch = patch;
  return p;
}

struct Merged {
  std::vector<TearFinding> findings;
  DetectionResult result;
};

Merged merge(std::vector<PlacedFinding> placed, const LesionSurroundings& around = {}) {
  Merged m;
  m.result.candidates.resize(placed.size());
  for (std::size_t i = 0; i < placed.size(); ++i) {
    placed[i].evidence = i;
    placed[i].finding.frame = int(i);  // tells the findings apart
    m.result.candidates[i].decision = "reported";
  }
  m.findings = one_finding_per_lesion(placed, kSpacing, DetectionSettings{}, m.result, around);
  return m;
}

}  // namespace

TEST(LesionMerging, TwoSurfacesOfOnePatchCloseTogetherAreOneLesionToldByTheLargerSurface) {
  const Merged m = merge({at(20, 20, TearKind::Intramuscular, 12, 1), at(20, 26, TearKind::Intramuscular, 90, 1)});
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].frame, 1) << "the surface with the most evidence";
  EXPECT_EQ(m.result.candidates[0].decision, "same_lesion");
  EXPECT_EQ(m.result.candidates[1].decision, "reported");
}

TEST(LesionMerging, TheWidestOpeningDoesNotSpeakForALesion) {
  // A few points where a gap meets the aponeurosis can read a 14 mm opening.
  PlacedFinding end = at(20, 30, TearKind::Intramuscular, 3, 1);
  end.finding.opening_mm = 14.0;
  end.finding.confidence = 1.0;
  PlacedFinding tear = at(20, 23, TearKind::Intramuscular, 100, 1);
  tear.finding.opening_mm = 4.4;
  const Merged m = merge({end, tear});
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].frame, 1);
}

TEST(LesionMerging, SurfacesOfTwoPatchesFarApartAreTwoLesions) {
  const Merged m = merge({at(10, 20, TearKind::Intramuscular, 40, 1), at(22, 20, TearKind::Intramuscular, 40, 2)});
  EXPECT_EQ(m.findings.size(), 2u);
}

// The deep aponeurosis slides under the muscle: where a sheared full-thickness tear meets it at
// the finding's frame lies aponeurosis tissue that rested 7 mm to the side. Compared where the
// tear's surface is carried to that frame, the "myotendinous" reading there is the tear's end.
TEST(LesionMerging, WhereAShearedTearMeetsTheSlidingAponeurosisIsItsEnd) {
  const PlacedFinding tear = at(20, 15, TearKind::Intramuscular, 100, 1, 0.0, 14.0);  // 8..22 mm deep at rest
  PlacedFinding end = at(27, 22, TearKind::Myotendinous, 7, 2);  // rested 7 mm beside the tear's deep end
  LesionSurroundings sheared;  // frame k: tissue moves right by k * (depth - 8 mm) / 2
  sheared.tissue_at = [](double x0, double y0, int k, double& x, double& y) {
    x = x0 + k * 0.5 * (y0 - 80.0);
    y = y0;
  };
  EXPECT_EQ(merge({tear, end}).findings.size(), 2u) << "compared at rest only: beside the tear";
  const Merged m = merge({tear, end}, sheared);  // the reading is seen at frame 1, at (27, 22) mm
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].kind, TearKind::Intramuscular);
  EXPECT_NE(m.result.candidates[1].reason.find("meets the aponeurosis"), std::string::npos);
  // A detachment 12 mm along the aponeurosis from where the tear meets it stays a lesion of its own.
  EXPECT_EQ(merge({tear, at(39, 22, TearKind::Myotendinous, 7, 2)}, sheared).findings.size(), 2u);
  // Fluid read on the image is compared where the muscle that pulled off rested: not carried.
  PlacedFinding fluid = end;
  fluid.fluid_on_image = true;
  EXPECT_EQ(merge({tear, fluid}, sheared).findings.size(), 2u);
}

// An oblique tear whose motion read its normal 27 deg off (the muscle around shears): its
// points lie along the real surface, 60 deg from the image's x axis, and its deep end is
// looked for along them. The motion's normal alone put the end 5 mm beside it.
TEST(LesionMerging, AnObliqueTearsEndIsLookedForWhereItsPointsLie) {
  PlacedFinding tear = at(20, 15, TearKind::Intramuscular, 100, 1, 0.0, 14.0);  // "vertical", 8..22 mm deep
  const double along = 60.0 * M_PI / 180.0;
  const PlacedFinding end = at(20 + 7.5 * std::cos(along), 15 + 7.5 * std::sin(along), TearKind::Myotendinous, 7, 2);
  EXPECT_EQ(merge({tear, end}).findings.size(), 2u) << "3.75 mm beside the vertical line through the tear";
  tear.lie = gates::PointsLie{60.0, 15.0};
  const Merged m = merge({tear, end});
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_NE(m.result.candidates[1].reason.find("meets the aponeurosis"), std::string::npos);
}

// Each stump carries its own side of an open tear's surface: the end of a tear that opened 7 mm
// lies anywhere in the floor of its gap, between the two sides as their tracked tissue carried
// them, and not beyond the tear's end. The field's interpolation across the untracked gap left
// the surface where it rested.
TEST(LesionMerging, AnOpenTearsEndIsLookedForBetweenItsStumps) {
  const PlacedFinding tear = at(20, 15, TearKind::Intramuscular, 100, 1, 0.0, 14.0);  // x = 20 mm, 8..22 mm deep
  LesionSurroundings opened;
  opened.tissue_at = [](double x0, double y0, int, double& x, double& y) { x = x0, y = y0; };
  opened.tracked_tissue_at = [](double x0, double y0, int k, double& x, double& y) {
    x = x0 + (x0 > 200.0 ? 70.0 * k : 0.0);  // the stump right of the surface moved 7 mm at frame 1
    y = y0;
    return true;
  };
  const auto seen_at = [](double x_mm, double y_mm) {  // a detachment reading that rested beside the deep end
    PlacedFinding end = at(24.5, 22, TearKind::Myotendinous, 7, 2);
    end.finding.centre_col_px = x_mm / kSpacing.mm_per_px_x;
    end.finding.centre_row_px = y_mm / kSpacing.mm_per_px_y;
    return end;
  };
  // The sides lie at x = 19 and 28 mm: (23.5, 22) is 4.5 mm from each, 3.5 mm from the middle line.
  EXPECT_EQ(merge({tear, seen_at(23.5, 22)}, opened).findings.size(), 1u) << "in the gap's floor at frame 1";
  EXPECT_EQ(merge({tear, seen_at(25, 27)}, opened).findings.size(), 2u) << "5 mm beyond the tear's deep end";
  LesionSurroundings untracked = opened;
  untracked.tracked_tissue_at = [](double, double, int, double&, double&) { return false; };
  EXPECT_EQ(merge({tear, seen_at(25, 22)}, untracked).findings.size(), 2u) << "carried as interpolated: 5 mm from its surface";
  LesionSurroundings one_side_untracked = opened;  // the moved stump untracked: the middle line, interpolated
  one_side_untracked.tracked_tissue_at = [](double x0, double y0, int, double& x, double& y) {
    x = x0, y = y0;
    return x0 < 200.0;
  };
  EXPECT_EQ(merge({tear, seen_at(23.5, 22)}, one_side_untracked).findings.size(), 2u) << "3.5 mm from the line carried";
}

// A partial tear whose growth broke into two patches one above the other (surfaces vertical,
// 3 mm long, centres 4 mm apart along them, 0.5 mm across): one tear, its extent what both span
// together. Two tears side by side (4 mm apart across their surfaces), two in line whose ends
// lie 6 mm apart, and two with a bright plane between them stay two.
TEST(LesionMerging, PiecesOfOneTearSurfaceAreOneTear) {
  PlacedFinding upper = at(20, 15, TearKind::Intramuscular, 40, 1, 0.0, 3.0),
                lower = at(20.5, 19, TearKind::Intramuscular, 20, 2, 0.0, 3.0);
  for (PlacedFinding* p : {&upper, &lower}) {
    p->finding.muscle_thickness_mm = 20.0;
    p->finding.extent_pct = 15.0;  // 3 mm each
    p->finding.retraction_mm = 1.0;
  }
  const Merged m = merge({lower, upper});
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_NEAR(m.findings[0].centre_row_px, 150.0, 1e-9) << "told by the piece with more evidence";
  EXPECT_NEAR(m.findings[0].extent_pct, 35.0, 1e-9) << "13.5..20.5 mm of 20";
  EXPECT_EQ(m.findings[0].grade, TearGrade::Partial);
  EXPECT_NE(m.result.candidates[0].reason.find("piece of the same tear surface"), std::string::npos);
  EXPECT_EQ(merge({at(20, 15, TearKind::Intramuscular, 40, 1, 0.0, 3.0), at(24, 15, TearKind::Intramuscular, 40, 2, 0.0, 3.0)})
                .findings.size(),
            2u);
  EXPECT_EQ(merge({at(20, 15, TearKind::Intramuscular, 40, 1, 0.0, 3.0), at(20, 24, TearKind::Intramuscular, 40, 2, 0.0, 3.0)})
                .findings.size(),
            2u)
      << "in line, but 6 mm of intact muscle between their ends";
  // Facing 40 deg apart: not one surface.
  EXPECT_EQ(merge({at(20, 15, TearKind::Intramuscular, 40, 1, 0.0, 3.0), at(20.5, 19, TearKind::Intramuscular, 20, 2, 40.0, 3.0)})
                .findings.size(),
            2u);
  LesionSurroundings across_a_plane;
  across_a_plane.plane_between = [](double, double, double, double) { return true; };
  EXPECT_EQ(merge({upper, lower}, across_a_plane).findings.size(), 2u) << "the halves of a bipennate muscle";
}

// A tear's deep end bent along the aponeurosis, 40 deg off the piece above it, is another surface
// of that piece's patch: the same tear, whether it was judged before the piece or after it
// (fresh 70026: reported as a second tear beside the first). In a patch of its own it stays apart.
// (A bent end with more evidence than the tear itself still tells a lesion of its own.)
TEST(LesionMerging, AnotherSurfaceOfAPiecesPatchIsTheSameTearJudgedBeforeOrAfterThePiece) {
  const auto surface = [](double x_mm, double y_mm, int points, std::size_t patch, double normal_deg) {
    PlacedFinding p = at(x_mm, y_mm, TearKind::Intramuscular, points, patch, normal_deg, 3.0);
    p.finding.muscle_thickness_mm = 20.0;
    p.finding.extent_pct = 15.0;
    return p;
  };
  const PlacedFinding tear = surface(20, 15, 40, 1, 0.0), piece = surface(20.5, 19, 20, 2, 0.0);
  for (int bent_points : {15, 25}) {
    const Merged m = merge({tear, piece, surface(19.5, 20.5, bent_points, 2, 40.0)});
    ASSERT_EQ(m.findings.size(), 1u) << "the bent end with " << bent_points << " points";
    EXPECT_NEAR(m.findings[0].extent_pct, 35.0, 1e-9) << "the pieces' span: the bent end is no piece";
    EXPECT_NE(m.result.candidates[2].reason.find("patch of one of its pieces"), std::string::npos);
  }
  EXPECT_EQ(merge({tear, piece, surface(19.5, 20.5, 15, 3, 40.0)}).findings.size(), 2u) << "a patch of its own";
}

// A surface of a piece's patch across a plane from the tear (a sliding band the piece's growth
// ran into) is the same lesion, but it does not pull the tear's centre: only the telling
// surface's own patch spans the central aponeurosis of a bipennate muscle so.
TEST(LesionMerging, ASurfaceOfAPiecesPatchAcrossAPlaneDoesNotMoveTheTear) {
  LesionSurroundings around;
  around.tissue_at = [](double x0, double y0, int, double& x, double& y) { x = x0, y = y0; };
  const auto crosses = [](double ya, double yb) { return std::min(ya, yb) < 197.5 && std::max(ya, yb) > 197.5; };
  around.plane_between = [crosses](double, double ya, double, double yb) { return crosses(ya, yb); };
  const PlacedFinding tear = at(20, 15, TearKind::Intramuscular, 40, 1, 0.0, 3.0),
                      piece = at(20.5, 19, TearKind::Intramuscular, 20, 2, 0.0, 3.0),
                      band = at(24, 20.5, TearKind::Intramuscular, 15, 2, 60.0, 3.0);
  const Merged m = merge({tear, piece, band}, around);
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_NEAR(m.findings[0].centre_col_px, (40 * 200.0 + 20 * 205.0) / 60, 1e-6) << "the tear and its piece";
  EXPECT_NEAR(m.findings[0].centre_row_px, (40 * 150.0 + 20 * 190.0) / 60, 1e-6);
}

// A tear seen in three pieces in line (3 mm each, 1 mm apart) is one tear, whichever piece has the
// most evidence: the middle one, or one at an end, found before or after the one between.
TEST(LesionMerging, ATearInThreePiecesIsOneTearWhicheverPieceIsStrongest) {
  const auto piece = [](double y_mm, int points, std::size_t patch) {
    PlacedFinding p = at(20, y_mm, TearKind::Intramuscular, points, patch, 0.0, 3.0);
    p.finding.muscle_thickness_mm = 20.0;
    p.finding.extent_pct = 15.0;  // 3 mm each
    return p;
  };
  for (const std::vector<int>& points : {std::vector<int>{20, 40, 30}, {40, 20, 30}, {40, 30, 20}, {30, 20, 40}}) {
    SCOPED_TRACE("points " + std::to_string(points[0]) + ", " + std::to_string(points[1]) + ", " + std::to_string(points[2]));
    const Merged m = merge({piece(15, points[0], 1), piece(19, points[1], 2), piece(23, points[2], 3)});
    ASSERT_EQ(m.findings.size(), 1u);
    const int strongest = int(std::max_element(points.begin(), points.end()) - points.begin());
    EXPECT_EQ(m.findings[0].frame, strongest) << "told by the piece with the most evidence";
    EXPECT_NEAR(m.findings[0].extent_pct, 55.0, 1e-9) << "13.5..24.5 mm of 20: all three pieces";
    EXPECT_EQ(std::count_if(m.result.candidates.begin(), m.result.candidates.end(),
                            [](const CandidateEvidence& c) { return c.decision == "same_lesion"; }),
              2);
  }
  // The two ends alone, 8 mm apart, are two tears.
  EXPECT_EQ(merge({piece(15, 40, 1), piece(23, 30, 3)}).findings.size(), 2u);
}

// A tear through the central aponeurosis of a bipennate muscle in three pieces: the middle one,
// across the plane from the strongest and within 3 mm of it, is no piece of it but close; the end
// piece continues the middle one. One tear, whichever of the two weaker pieces is found first.
TEST(LesionMerging, APieceAcrossAPlaneCarriesTheTearOn) {
  LesionSurroundings plane_at_17mm;
  plane_at_17mm.plane_between = [](double, double ya, double, double yb) { return (ya - 170.0) * (yb - 170.0) < 0; };
  const PlacedFinding strongest = at(20, 15, TearKind::Intramuscular, 40, 1, 0.0, 3.0);
  for (const auto& [middle_points, end_points] : {std::pair{20, 30}, std::pair{30, 20}}) {
    SCOPED_TRACE("middle " + std::to_string(middle_points) + ", end " + std::to_string(end_points));
    const Merged m = merge({strongest, at(20.5, 17.5, TearKind::Intramuscular, middle_points, 2, 0.0, 3.0),
                            at(20.5, 21.5, TearKind::Intramuscular, end_points, 3, 0.0, 3.0)},
                           plane_at_17mm);
    ASSERT_EQ(m.findings.size(), 1u);
    EXPECT_EQ(m.findings[0].frame, 0);
  }
  // A patch close to the tear that faces 60 deg off (a sliding plane's) carries nothing on.
  const Merged sliding = merge({strongest, at(20.5, 17.5, TearKind::Intramuscular, 30, 2, 60.0, 3.0),
                                at(20.5, 21.5, TearKind::Intramuscular, 20, 3, 0.0, 3.0)},
                               plane_at_17mm);
  EXPECT_EQ(sliding.findings.size(), 2u);
}

// A tear told in pieces is placed on the middle of its pieces, weighted by their evidence: which
// piece has the most is a grid point or two, and the place must not jump with it.
TEST(LesionMerging, ATearInPiecesIsPlacedAtTheMiddleOfItsPieces) {
  LesionSurroundings unmoved;
  unmoved.tissue_at = [](double x0, double y0, int, double& x, double& y) {
    x = x0;
    y = y0;
  };
  const PlacedFinding upper = at(20, 15, TearKind::Intramuscular, 40, 1, 0.0, 3.0),
                      lower = at(20, 19, TearKind::Intramuscular, 20, 2, 0.0, 3.0);
  const Merged m = merge({lower, upper}, unmoved);
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_NEAR(m.findings[0].centre_row_px, (40 * 150.0 + 20 * 190.0) / 60.0, 1e-9);
  EXPECT_NEAR(m.findings[0].centre_z_mm, 0.1 * (40 * 150.0 + 20 * 190.0) / 60.0 - 15.0, 1e-9)
      << "moved from where the stronger piece placed it";
  // Pieces of 40 and 39 points, then of 40 and 41: the other piece tells it, the place stays.
  PlacedFinding weaker = lower, stronger = lower;
  weaker.points = 39;
  stronger.points = 41;
  const Merged a = merge({weaker, upper}, unmoved), b = merge({stronger, upper}, unmoved);
  ASSERT_EQ(a.findings.size(), 1u);
  ASSERT_EQ(b.findings.size(), 1u);
  EXPECT_NE(a.findings[0].frame, b.findings[0].frame) << "told by the other piece";
  EXPECT_NEAR(a.findings[0].centre_row_px, b.findings[0].centre_row_px, 1.0) << "0.1 mm, not the 4 mm between the pieces";
}

// A full-thickness tear (surface vertical: normal 0 deg, 14 mm long, centred at y = 15 mm)
// meets the aponeurosis at y = 22 mm.
TEST(LesionMerging, WhereATearMeetsTheAponeurosisIsItsEndNotAMyotendinousTear) {
  const PlacedFinding tear = at(20, 15, TearKind::Intramuscular, 100, 1, 0.0, 14.0);
  const Merged end = merge({at(20.5, 23, TearKind::Myotendinous, 7, 2), tear});
  ASSERT_EQ(end.findings.size(), 1u);
  EXPECT_EQ(end.findings[0].kind, TearKind::Intramuscular);
  EXPECT_EQ(end.result.candidates[0].decision, "same_lesion");
  EXPECT_NE(end.result.candidates[0].reason.find("meets the aponeurosis"), std::string::npos);
  // Fibres pulled off the same aponeurosis 6 mm to the side: a second lesion, kept.
  const Merged beside = merge({at(26, 22, TearKind::Myotendinous, 7, 2), tear});
  EXPECT_EQ(beside.findings.size(), 2u);
  // ... and beyond the tear's end by more than the reach: kept too.
  const Merged beyond = merge({at(20, 27, TearKind::Myotendinous, 7, 2), tear});
  EXPECT_EQ(beyond.findings.size(), 2u);
}

// The surface the tracker saw may be a part of the tear: an oblique full-thickness tear whose
// tracked surface is 6 mm long, but which runs across all of a 14 mm thick muscle, meets the
// aponeurosis 8 mm from its centre. Its extent across the muscle says how far it runs; the
// same geometry decides for fluid found on the aponeurosis (the fluid scan's same_lesion).
TEST(LesionMerging, ATearsExtentAcrossTheMuscleSaysWhereItMeetsTheAponeurosis) {
  PlacedFinding tear = at(20, 15, TearKind::Intramuscular, 100, 1, 0.0, 6.0);
  tear.finding.muscle_thickness_mm = 14.0;
  const PlacedFinding end = at(20.5, 23, TearKind::Myotendinous, 7, 2);
  EXPECT_EQ(merge({end, tear}).findings.size(), 2u) << "without its extent: 5 mm beyond the seen end, a second lesion";
  tear.finding.extent_pct = 100.0;
  const Merged merged = merge({end, tear});
  ASSERT_EQ(merged.findings.size(), 1u);
  EXPECT_NE(merged.result.candidates[0].reason.find("meets the aponeurosis"), std::string::npos);
  EXPECT_NEAR(mm_from_tear_surface(kSpacing, tear, end.x0_px, end.y0_px), 1.0, 1e-9);  // 1 mm beyond its end
}

// A tear through both halves of a bipennate muscle: one surface in each half (their fibres,
// and so their normals, differ), 6 mm apart across the central aponeurosis at y = 23 mm.
// The halves shear away from the aponeurosis: at the finding's frame the tissue moves
// +x by 4 mm on the aponeurosis and less the further from it (a V, as in a bipennate
// contraction). The finding is placed on the tissue between the surfaces, carried there.
LesionSurroundings bipennate_shear(double plane_y_px) {
  LesionSurroundings around;
  around.tissue_at = [](double x0, double y0, int, double& x, double& y) {
    x = x0 + (4.0 - std::abs(y0 - 230.0) / 10.0) / kSpacing.mm_per_px_x;
    y = y0;
  };
  around.plane_between = [plane_y_px](double, double ya, double, double yb) {
    return std::min(ya, yb) < plane_y_px && plane_y_px < std::max(ya, yb);
  };
  return around;
}

TEST(LesionMerging, ATearThroughBothHalvesIsCentredOnTheTissueBetweenThem) {
  PlacedFinding upper = at(20, 20, TearKind::Intramuscular, 40, 1, -20.0);
  PlacedFinding lower = at(20, 26, TearKind::Intramuscular, 60, 1, 20.0);
  lower.finding.centre_col_px = 200 + 1.0 / kSpacing.mm_per_px_x;  // each surface's own centre, carried
  lower.finding.centre_row_px = 260;
  const Merged m = merge({upper, lower}, bipennate_shear(230.0));
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].frame, 1) << "told by the surface with the most evidence";
  const double rest_y_px = (40 * 200.0 + 60 * 260.0) / 100.0;  // 236: evidence-weighted
  EXPECT_NEAR(m.findings[0].centre_row_px, rest_y_px, 1e-6);
  EXPECT_NEAR(m.findings[0].centre_col_px, 200 + (4.0 - 0.6) / kSpacing.mm_per_px_x, 1e-6);
  EXPECT_NEAR(m.findings[0].centre_x_mm - lower.finding.centre_x_mm, 2.4, 1e-6) << "mm follow the px";
  // Without the motion the surface's own centre stays.
  const Merged still = merge({upper, lower});
  EXPECT_NEAR(still.findings[0].centre_col_px, lower.finding.centre_col_px, 1e-9);
  // Two surfaces of one compartment (a curved tear seen as two, a gap joined to a band): no
  // plane between them, the strongest surface's centre stays.
  const Merged one_side = merge({upper, lower}, bipennate_shear(300.0));
  EXPECT_NEAR(one_side.findings[0].centre_col_px, lower.finding.centre_col_px, 1e-9);
  EXPECT_NEAR(one_side.findings[0].centre_row_px, lower.finding.centre_row_px, 1e-9);
}

// Fibres pulled off the deep aponeurosis (horizontal: normal 90 deg), seen twice: as fluid on
// the image beside the muscle that pulled off, and as a patch of motion on the aponeurosis's
// own tissue, which slid 22 mm along the plane by the peak. Traced back to frame 0 the two lie
// 22 mm apart; where they are seen, 4 mm along the plane and 3 mm across it.
PlacedFinding pulled_off(double x0_mm, double y0_mm, double seen_col_px, double seen_row_px, int points, bool fluid) {
  PlacedFinding p = at(x0_mm, y0_mm, TearKind::Myotendinous, points, fluid ? 2 : 1);
  p.fluid_on_image = fluid;
  p.finding.centre_col_px = seen_col_px;
  p.finding.centre_row_px = seen_row_px;
  p.finding.surface_angle_deg = 90.0;
  if (fluid) p.finding.gap_mm = 5.6;  // its layer 3.7 mm wide at 42 deg: centred 1.9 mm off the line
  return p;
}

TEST(LesionMerging, FibresPulledOffOneAponeurosisSeenTwiceAreOneDetachment) {
  const PlacedFinding fluid = pulled_off(33, 20, 220, 250, 11, true);
  const PlacedFinding motion = pulled_off(11, 23, 260, 280, 30, false);  // more points: not what decides
  const Merged m = merge({motion, fluid});
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].frame, 1) << "told by the fluid seen on the image";
  EXPECT_EQ(m.result.candidates[0].decision, "same_lesion");
  EXPECT_NE(m.result.candidates[0].reason.find("one detachment"), std::string::npos);
  // Fibres pulled off the superficial aponeurosis, 15 mm above: another detachment.
  EXPECT_EQ(merge({pulled_off(11, 8, 260, 100, 30, false), fluid}).findings.size(), 2u);
  // 12 mm along the plane: another detachment.
  EXPECT_EQ(merge({pulled_off(11, 23, 340, 250, 30, false), fluid}).findings.size(), 2u);
}

// Along and across the kept finding's plane, whatever its slope: an aponeurosis sloping at
// 30 deg (normal 120 deg) and a motion reading 8 mm along it and 1 mm across it is the same
// detachment; 1 mm along and 8 mm across (another plane) is not. The fluid's gap is 4 mm: its
// centre lies 2 mm off the line, the motion patch up to 2 mm on the other side.
TEST(LesionMerging, ADetachmentsReadingsAreComparedAlongAndAcrossItsPlane) {
  PlacedFinding fluid = pulled_off(33, 20, 200, 200, 11, true);
  fluid.finding.surface_angle_deg = 120.0;
  fluid.finding.gap_mm = 4.0;
  const double ax = std::cos(30.0 * M_PI / 180.0), ay = std::sin(30.0 * M_PI / 180.0);  // along the plane
  const double nx = std::cos(120.0 * M_PI / 180.0), ny = std::sin(120.0 * M_PI / 180.0);
  const auto seen_at = [&](double along_mm, double across_mm) {
    PlacedFinding m = pulled_off(11, 23, 200 + 10.0 * (along_mm * ax + across_mm * nx), 200 + 10.0 * (along_mm * ay + across_mm * ny), 30, false);
    m.finding.surface_angle_deg = 60.0;  // its own normal does not decide
    return m;
  };
  EXPECT_EQ(merge({seen_at(8.0, 1.0), fluid}).findings.size(), 1u);
  EXPECT_EQ(merge({seen_at(1.0, 8.0), fluid}).findings.size(), 2u);
  EXPECT_EQ(merge({seen_at(1.0, 3.9), fluid}).findings.size(), 1u) << "within 2 + 2 mm across";
  EXPECT_EQ(merge({seen_at(1.0, 4.2), fluid}).findings.size(), 2u);
}

// Seen at different frames, a finding is carried with its own tissue to the kept one's
// frame: here the tissue left of x0 = 200 px (the motion patch's, x0 = 110 px) moves 1 mm a
// frame to the left and the tissue right of it (the fluid's muscle) 1 mm a frame to the
// right; the motion finding's frame is 0, the fluid's 1. Seen 10.5 mm right of the fluid, it
// lies 9.5 mm from it at the fluid's frame.
TEST(LesionMerging, ADetachmentsReadingsAreComparedAtOneFrame) {
  const PlacedFinding fluid = pulled_off(33, 20, 220, 250, 11, true);
  const PlacedFinding motion = pulled_off(11, 23, 325, 250, 30, false);
  LesionSurroundings moving;
  moving.tissue_at = [](double x0, double y0, int k, double& x, double& y) { x = x0 + (x0 < 200 ? -10.0 : 10.0) * k; y = y0; };
  EXPECT_EQ(merge({motion, fluid}, moving).findings.size(), 1u);
  EXPECT_EQ(merge({motion, fluid}).findings.size(), 2u) << "without the carry: 10.5 mm apart";
}

// Held-out 24000 through the grabber: beside fibres pulled off the deep aponeurosis (a patch
// of motion, 35 points, 7.6 mm along it) the last fibre ends, pulled off at a slant, made a
// small patch that cut across the fibres (8 points, 2.4 mm) and was reported as an
// intramuscular tear 6 mm away, its gap 17.6 mm against 5.8. The detachment tells the lesion;
// the small patch is its edge. A tear that is not small beside it, lies off the aponeurosis's
// line or far along it, already holds other readings, or sits beside fluid alone keeps its
// own finding.
TEST(LesionMerging, ASmallPatchAtTheEdgeOfADetachmentIsPartOfIt) {
  PlacedFinding detachment = pulled_off(22, 23, 250, 230, 35, false);
  detachment.length_mm = 7.6;
  const auto beside = [](double col_px, double row_px, int points, double length_mm, std::size_t patch = 7) {
    PlacedFinding p = at(16, 23, TearKind::Intramuscular, points, patch, 30.0, length_mm);
    p.finding.centre_col_px = col_px;
    p.finding.centre_row_px = row_px;
    return p;
  };
  const Merged m = merge({beside(190, 235, 8, 2.4), detachment});
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].kind, TearKind::Myotendinous);
  EXPECT_EQ(m.result.candidates[0].decision, "same_lesion");
  EXPECT_NE(m.result.candidates[0].reason.find("edge"), std::string::npos);
  EXPECT_EQ(merge({detachment, beside(190, 235, 8, 2.4)}).findings.size(), 1u) << "whatever the order";
  EXPECT_EQ(merge({beside(190, 235, 20, 2.4), detachment}).findings.size(), 2u) << "more than half the detachment's points";
  EXPECT_EQ(merge({beside(190, 235, 8, 5.0), detachment}).findings.size(), 2u) << "as long as a bundle is wide";
  EXPECT_EQ(merge({beside(190, 270, 8, 2.4), detachment}).findings.size(), 2u) << "4 mm off the aponeurosis";
  EXPECT_EQ(merge({beside(120, 235, 8, 2.4), detachment}).findings.size(), 2u) << "13 mm along it";
  // A patch that already holds another reading (here one within 3 mm of it) is a lesion of its own.
  EXPECT_EQ(merge({beside(190, 235, 8, 2.4), beside(195, 235, 4, 1.0, 8), detachment}).findings.size(), 2u);
  PlacedFinding fluid = detachment;
  fluid.fluid_on_image = true;
  EXPECT_EQ(merge({beside(190, 235, 8, 2.4), fluid}).findings.size(), 2u) << "beside fluid alone";
}

TEST(LesionMerging, FindingsOnTopOfEachOtherAreOne) {
  const Merged m = merge({at(20, 20, TearKind::Intramuscular, 30, 1), at(21, 21, TearKind::Intramuscular, 50, 2)});
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].frame, 1);
}

}  // namespace ft
