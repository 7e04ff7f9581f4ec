#pragma once
// Several findings of one lesion become one: the surfaces of one patch within
// lesion_separation_mm, pieces of one tear surface from different patches, the end of an
// intramuscular tear where it meets an aponeurosis (a "myotendinous" surface on the tear's own
// surface or within tear_end_reach_mm of its end), and findings within 3 mm of each other.
// Findings are compared where their surfaces sit in the tissue (frame-0 px), not where each
// one's best frame had carried the tissue (a real contraction moves it 10-15 mm under the
// probe) — except where the aponeurosis's own tissue slides 15-35 mm along it: two
// myotendinous findings (the material each was traced to at rest lies on different sides of
// the plane) are compared where they are seen, near the contraction's peak, and a patch of
// motion on the aponeurosis is also compared with a tear's surface carried to its frame (the
// aponeurosis tissue under a sheared tear's deep end at peak rested 5-10 mm beside it).
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "ft/core/CandidateGates.h"
#include "ft/core/TearDetector.h"
#include "ft/core/TearFinding.h"

namespace ft {

// A finding and where its surface sits in the tissue (frame-0 px, rest-frame direction).
struct PlacedFinding {
  TearFinding finding;
  double x0_px = 0.0, y0_px = 0.0;
  double normal_deg = 0.0;      // the surface's normal
  double length_mm = 0.0;       // along the surface
  int points = 0;               // grid points of the surface: its evidence
  std::size_t patch = 0;        // the patch it came from (any id shared by its surfaces)
  std::size_t evidence = 0;     // its candidate in DetectionResult::candidates
  bool fluid_on_image = false;  // a myotendinous tear seen as fluid on the image (FluidLayerScan), not by motion
  std::optional<gates::PointsLie> lie;  // how the surface's points lie (frame 0), when their shape shows it
};

struct PixelSpacing {
  double mm_per_px_x = 1.0;
  double mm_per_px_y = 1.0;
};

// Where the tissue at frame-0 position (x0, y0) px lies in frame k (whole-frame px).
using TissueAt = std::function<void(double x0_px, double y0_px, int frame, double& x_px, double& y_px)>;
// Whether a bright plane of the rest image lies between two frame-0 positions (px).
using PlaneBetween = std::function<bool(double xa_px, double ya_px, double xb_px, double yb_px)>;

// What merging may ask of the clip; unset: findings keep their own centres.
struct LesionSurroundings {
  TissueAt tissue_at;
  // The same carried by the tissue tracked nearby only (false: none is): a tear's surface is
  // carried so, its gap being untracked.
  std::function<bool(double x0_px, double y0_px, int frame, double& x_px, double& y_px)> tracked_tissue_at;
  PlaneBetween plane_between;
};

// Distance (mm, frame 0) from a point to a tear's rest surface: across it, and beyond its
// ends from the nearer end. The surface seen may be a part of the tear: its extent across
// the muscle (extent_pct of the thickness) says how far it runs at least. A myotendinous
// finding or fluid this near an intramuscular tear is that tear's end on the aponeurosis.
double mm_from_tear_surface(PixelSpacing spacing, const PlacedFinding& tear, double x0_px, double y0_px);

// The findings kept, one per lesion: intramuscular before myotendinous, among myotendinous
// ones the fluid seen on the image before a patch of motion, then the surface with the most
// evidence. Two myotendinous findings within lesion_separation_mm of each other at the kept
// one's frame are one detachment. The evidence of every finding dropped says "same_lesion" and why.
// A tear in pieces is one lesion whichever piece has the most evidence: a piece that continues
// another (in line with the strongest) joins, and one that continues two lesions' pieces joins
// them. A lesion told by intramuscular surfaces of one patch on both sides of a plane (a tear
// through both halves of a bipennate muscle), or in pieces, is centred on the tissue at their
// evidence-weighted rest centre, carried to its finding's frame.
std::vector<TearFinding> one_finding_per_lesion(std::vector<PlacedFinding> placed, PixelSpacing spacing,
                                                const DetectionSettings& s, DetectionResult& result,
                                                const LesionSurroundings& around = {});

}  // namespace ft
