#pragma once
// Several findings of one lesion become one: the surfaces of one patch within
// lesion_separation_mm, the end of an intramuscular tear where it meets an aponeurosis
// (a "myotendinous" surface on the tear's own surface or within tear_end_reach_mm of its
// end), and findings within 3 mm of each other. Findings are compared where their surfaces
// sit in the tissue (frame-0 px), not where each one's best frame had carried the tissue
// (a real contraction moves it 10-15 mm under the probe).
#include <cstddef>
#include <vector>

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
};

struct PixelSpacing {
  double mm_per_px_x = 1.0;
  double mm_per_px_y = 1.0;
};

// The findings kept, one per lesion: intramuscular before myotendinous, then the surface with
// the most evidence. The evidence of every finding dropped says "same_lesion" and why.
std::vector<TearFinding> one_finding_per_lesion(std::vector<PlacedFinding> placed, PixelSpacing spacing,
                                                const DetectionSettings& s, DetectionResult& result);

}  // namespace ft
