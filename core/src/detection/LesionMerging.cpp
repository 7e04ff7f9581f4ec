#include "ft/core/LesionMerging.h"

#include <algorithm>
#include <cmath>

namespace ft {
namespace {

constexpr double kDeg = 180.0 / 3.14159265358979323846;

double apart_mm(PixelSpacing px, const PlacedFinding& a, const PlacedFinding& b) {
  return std::hypot((a.x0_px - b.x0_px) * px.mm_per_px_x, (a.y0_px - b.y0_px) * px.mm_per_px_y);
}

// Whether p lies on the surface of the tear q or its prolongation by reach_mm (rest-frame
// direction and length: the contraction turns them by 20-25 deg and shortens them, which
// the reach absorbs).
bool on_tear_surface(PixelSpacing px, const PlacedFinding& p, const PlacedFinding& q, double reach_mm) {
  const double dx = (p.x0_px - q.x0_px) * px.mm_per_px_x, dy = (p.y0_px - q.y0_px) * px.mm_per_px_y;
  const double nx = std::cos(q.normal_deg / kDeg), ny = std::sin(q.normal_deg / kDeg);
  const double across = std::abs(dx * nx + dy * ny), along = std::abs(-dx * ny + dy * nx);
  return across <= reach_mm && along <= 0.5 * q.length_mm + reach_mm;
}

void mark_same_lesion(DetectionResult& result, const PlacedFinding& p, const char* reason) {
  if (p.evidence >= result.candidates.size()) return;
  result.candidates[p.evidence].decision = "same_lesion";
  result.candidates[p.evidence].reason = reason;
}

// Why p is part of a lesion already kept, or null.
const char* same_lesion_as_kept(PixelSpacing px, const DetectionSettings& s, const PlacedFinding& p,
                                const std::vector<PlacedFinding>& kept) {
  for (const PlacedFinding& q : kept) {
    if (q.patch == p.patch && apart_mm(px, p, q) < s.lesion_separation_mm)
      return "another surface of the same patch, within lesion_separation_mm of a tear already found";
    if (p.finding.kind == TearKind::Myotendinous && q.finding.kind == TearKind::Intramuscular &&
        on_tear_surface(px, p, q, s.tear_end_reach_mm))
      return "where an intramuscular tear found here meets the aponeurosis: its end, not a second tear";
    if (apart_mm(px, p, q) < 3.0) return "within 3 mm of a stronger finding";
  }
  return nullptr;
}

}  // namespace

std::vector<TearFinding> one_finding_per_lesion(std::vector<PlacedFinding> placed, PixelSpacing spacing,
                                                const DetectionSettings& s, DetectionResult& result) {
  // Intramuscular first (their gates ask more: two contracting stumps, a gap's shape), then
  // the surface with the most evidence (points), then the most confident. Not the widest
  // opening, nor confidence first (it saturates near 1 for every finding): a few points where
  // a gap meets the aponeurosis read openings of 10-15 mm and won over the tear itself.
  std::stable_sort(placed.begin(), placed.end(), [](const PlacedFinding& a, const PlacedFinding& b) {
    const bool ai = a.finding.kind == TearKind::Intramuscular, bi = b.finding.kind == TearKind::Intramuscular;
    if (ai != bi) return ai;
    if (a.points != b.points) return a.points > b.points;
    return a.finding.confidence > b.finding.confidence;
  });
  std::vector<PlacedFinding> kept;
  for (const PlacedFinding& p : placed) {
    if (const char* why = same_lesion_as_kept(spacing, s, p, kept))
      mark_same_lesion(result, p, why);
    else
      kept.push_back(p);
  }
  std::vector<TearFinding> findings;
  for (const PlacedFinding& p : kept) findings.push_back(p.finding);
  return findings;
}

}  // namespace ft
