// One finding per lesion, on findings placed by hand (0.1 mm/px): what is one lesion and
// what is two, and which finding speaks for a lesion.
#include <gtest/gtest.h>

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

Merged merge(std::vector<PlacedFinding> placed) {
  Merged m;
  m.result.candidates.resize(placed.size());
  for (std::size_t i = 0; i < placed.size(); ++i) {
    placed[i].evidence = i;
    placed[i].finding.frame = int(i);  // tells the findings apart
    m.result.candidates[i].decision = "reported";
  }
  m.findings = one_finding_per_lesion(placed, kSpacing, DetectionSettings{}, m.result);
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

TEST(LesionMerging, FindingsOnTopOfEachOtherAreOne) {
  const Merged m = merge({at(20, 20, TearKind::Intramuscular, 30, 1), at(21, 21, TearKind::Intramuscular, 50, 2)});
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].frame, 1);
}

}  // namespace ft
