#include "ft/core/LesionMerging.h"

#include "ft/core/CandidateGates.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>

namespace ft {
namespace {

constexpr double kMinCarriedHalfMm = 1.0;  // a surface carried by less tissue has no direction
constexpr double kLieWithinDeg = 45.0;     // of the motion's normal, for a patch's lie to be its surface's
constexpr double kStumpBesideMm = 1.0;     // each stump's tissue is sampled this far beside a tear's rest line

// How long a tear's surface runs (mm): what was tracked of it, or its extent across the muscle
// when that is longer (the tracked surface may be only a part of the tear).
double tear_length_mm(const PlacedFinding& t) {
  const double across_muscle_mm =
      t.finding.extent_pct > 0 ? 0.01 * t.finding.extent_pct * t.finding.muscle_thickness_mm : 0.0;
  return std::max({t.length_mm, t.lie ? t.lie->length_mm : 0.0, across_muscle_mm});
}

// The direction of a tear's rest surface, as its normal: the way its points lie where their
// shape shows it, else the normal read from the motion across it. Where a tear meets an
// aponeurosis is found along this line; an oblique tear's motion normal, 25-30 deg off where
// the deep aponeurosis shears the muscle, put its end 5 mm beside the real one.
// A lie across the motion's normal is a patch stretched along something else (fibres, an
// aponeurosis): the motion says more then.
double tear_normal_deg(const PlacedFinding& t) {
  if (!t.lie) return t.normal_deg;
  const double lie_normal_deg = std::remainder(t.lie->along_deg + 90.0, 180.0);
  return gates::axial_difference_deg(lie_normal_deg, t.normal_deg) <= kLieWithinDeg ? lie_normal_deg : t.normal_deg;
}

double apart_mm(PixelSpacing px, const PlacedFinding& a, const PlacedFinding& b) {
  return std::hypot((a.x0_px - b.x0_px) * px.mm_per_px_x, (a.y0_px - b.y0_px) * px.mm_per_px_y);
}

// Whether p lies on the surface of the tear q or its prolongation by reach_mm (rest-frame
// direction and length: the contraction turns them by 20-25 deg and shortens them, which
// the reach absorbs).
bool on_tear_surface(PixelSpacing px, const PlacedFinding& p, const PlacedFinding& q, double reach_mm) {
  return mm_from_tear_surface(px, q, p.x0_px, p.y0_px) <= reach_mm;
}

struct PointMm {
  double x = 0, y = 0;
};

// Distance (mm) from p to the segment a..b.
double mm_from_segment(PointMm p, PointMm a, PointMm b) {
  const double sx = b.x - a.x, sy = b.y - a.y, length2 = sx * sx + sy * sy;
  const double u = length2 > 0 ? std::clamp(((p.x - a.x) * sx + (p.y - a.y) * sy) / length2, 0.0, 1.0) : 0.0;
  return std::hypot(p.x - a.x - u * sx, p.y - a.y - u * sy);
}

// Distance (mm) from p to the triangle a, b, c: 0 inside; infinite when a position is not
// finite. A flat triangle (a tear of no length carries its ends onto its centre) has no inside.
double mm_from_triangle(PointMm p, PointMm a, PointMm b, PointMm c) {
  const auto cross = [](PointMm o, PointMm u, PointMm v) { return (u.x - o.x) * (v.y - o.y) - (u.y - o.y) * (v.x - o.x); };
  const double d1 = cross(a, b, p), d2 = cross(b, c, p), d3 = cross(c, a, p);
  if (!std::isfinite(d1 + d2 + d3)) return std::numeric_limits<double>::infinity();
  const double edges = std::min({mm_from_segment(p, a, b), mm_from_segment(p, b, c), mm_from_segment(p, c, a)});
  if (std::abs(cross(a, b, c)) <= 1e-12) return edges;
  const bool has_negative = d1 < 0 || d2 < 0 || d3 < 0, has_positive = d1 > 0 || d2 > 0 || d3 > 0;
  return has_negative && has_positive ? edges : 0.0;
}

// A tear's rest line (frame-0 px): its centre, its direction, how far its tracked stretch runs
// each way and how far the whole tear does (mm).
struct RestLine {
  double x0_px = 0, y0_px = 0, ax = 0, ay = 1, carried_mm = 0, half_mm = 0;
};

RestLine rest_line(const PlacedFinding& q) {
  RestLine line{q.x0_px, q.y0_px};
  line.half_mm = 0.5 * tear_length_mm(q);
  const double tracked_mm = q.lie ? q.lie->length_mm : q.length_mm;
  line.carried_mm = std::min(line.half_mm, std::max(0.5 * tracked_mm, kMinCarriedHalfMm));
  const double normal = tear_normal_deg(q) * M_PI / 180.0;
  line.ax = -std::sin(normal);
  line.ay = std::cos(normal);
  return line;
}

// The line moved offset_mm along its normal, its centre and the ends of its tracked stretch
// carried to `frame` by the tracked tissue there (or by the field as interpolated)
// and prolonged in the direction that stretch took to the tear's whole length (mm, frame k):
// where a tear meets an aponeurosis the motion mixes the two muscles sliding past each other
// (a full-thickness tear's end, carried there, bent the surface 10 mm off its own deep end).
// Nullopt when `carry` cannot carry a point (no tracked tissue beside it).
using Carry = std::function<bool(double x0_px, double y0_px, int frame, double& x_px, double& y_px)>;
std::optional<std::array<PointMm, 3>> carried_line(PixelSpacing px, const Carry& carry, const RestLine& line, double offset_mm,
                                                   int frame) {
  std::array<PointMm, 3> at;
  for (int i = 0; i < 3; ++i) {
    const double t = (i - 1) * line.carried_mm;
    const double x0 = line.x0_px + (t * line.ax + offset_mm * line.ay) / px.mm_per_px_x;
    const double y0 = line.y0_px + (t * line.ay - offset_mm * line.ax) / px.mm_per_px_y;
    double x, y;
    if (!carry(x0, y0, frame, x, y)) return std::nullopt;
    at[std::size_t(i)] = {x * px.mm_per_px_x, y * px.mm_per_px_y};
  }
  const double prolong = line.carried_mm > 0 ? line.half_mm / line.carried_mm : 1.0;
  for (std::size_t i : {0u, 2u}) at[i] = {at[1].x + (at[i].x - at[1].x) * prolong, at[1].y + (at[i].y - at[1].y) * prolong};
  return at;
}

// The same as on_tear_surface, with q's surface as it lies at p's frame. The deep aponeurosis
// slides 15-35 mm under the muscle, so the aponeurosis tissue that lies under a sheared
// full-thickness tear's deep end at peak rested 5-10 mm to the side of it; where a tear meets
// the aponeurosis is told at the frame it is seen. Open, the tear is a gap: each stump carries
// its own side of the surface, and the gap is what lies between the two sides carried (an
// oblique tear 6.8 mm open: the patch where its deep end met the aponeurosis lay in the gap's
// floor, 4 mm from the line carried through it). The gap's inside is not tracked, and carried
// through the field's interpolation there the tear's end fell 6 mm short of where it was seen.
bool on_carried_tear_surface(PixelSpacing px, const LesionSurroundings& around, const PlacedFinding& p,
                             const PlacedFinding& q, double reach_mm) {
  // Fluid read on the image is placed where the muscle that pulled off rested (FluidLayerScan
  // compares it on frame 0 already); a patch of motion is the aponeurosis's own tissue.
  if (!around.tissue_at || p.fluid_on_image) return false;
  const RestLine line = rest_line(q);
  // Only the half towards p (on frame 0): where the tear meets that aponeurosis, not anywhere
  // along a long carried line.
  const double side = (p.x0_px - q.x0_px) * px.mm_per_px_x * line.ax + (p.y0_px - q.y0_px) * px.mm_per_px_y * line.ay;
  const std::size_t i = side < 0 ? 0 : 1;  // that half of the carried surface: points i .. i + 1
  const PointMm at{p.finding.centre_col_px * px.mm_per_px_x, p.finding.centre_row_px * px.mm_per_px_y};
  const int k = p.finding.frame;
  const auto one_side = around.tracked_tissue_at ? carried_line(px, around.tracked_tissue_at, line, -kStumpBesideMm, k) : std::nullopt;
  const auto other_side = around.tracked_tissue_at ? carried_line(px, around.tracked_tissue_at, line, kStumpBesideMm, k) : std::nullopt;
  if (one_side && other_side) {
    const auto& a = *one_side;
    const auto& b = *other_side;
    return std::min(mm_from_triangle(at, a[i], a[i + 1], b[i + 1]), mm_from_triangle(at, a[i], b[i + 1], b[i])) <= reach_mm;
  }
  const Carry interpolated = [&around](double x0, double y0, int frame, double& x, double& y) {
    around.tissue_at(x0, y0, frame, x, y);
    return true;
  };
  const auto middle = carried_line(px, interpolated, line, 0.0, k);
  return mm_from_segment(at, (*middle)[i], (*middle)[i + 1]) <= reach_mm;
}

void mark_same_lesion(DetectionResult& result, const PlacedFinding& p, const char* reason) {
  if (p.evidence >= result.candidates.size()) return;
  result.candidates[p.evidence].decision = "same_lesion";
  result.candidates[p.evidence].reason = reason;
}

// A kept finding and the other surfaces of its patch that were found to be the same lesion.
struct Lesion {
  PlacedFinding told_by;
  const PlacedFinding* source = nullptr;  // told_by where it was placed
  std::vector<const PlacedFinding*> other_surfaces;
  std::vector<const PlacedFinding*> pieces;  // other patches of the same tear surface (pieces_of_one_tear)
  // Intramuscular findings within 3 mm of it that face as it does: the same stretch of tear
  // (across the central aponeurosis of a bipennate muscle, where pieces_of_one_tear sees a plane
  // between).
  std::vector<const PlacedFinding*> close;
  int absorbed = 0;  // findings merged into it (other surfaces included)
};

struct SameLesion {
  const char* why = nullptr;  // null: a lesion of its own
  bool other_surface = false;  // another surface of the lesion's own patch
  bool piece = false;          // another patch of the same tear surface
  bool close = false;          // within 3 mm of the lesion's strongest finding, facing as it does (facing_as)
};

// Where p is seen at q's frame, as mm from q along and across q's surface: p's own centre,
// moved as p's tissue moves from p's frame to q's (both near the contraction's peak; without
// the motion, p's centre).
struct SeenApart {
  double along_mm = 0.0, across_mm = 0.0;
};

SeenApart seen_apart(PixelSpacing px, const LesionSurroundings& around, const PlacedFinding& p, const PlacedFinding& q) {
  double x = p.finding.centre_col_px, y = p.finding.centre_row_px;
  if (around.tissue_at && p.finding.frame != q.finding.frame) {
    double xp, yp, xq, yq;
    around.tissue_at(p.x0_px, p.y0_px, p.finding.frame, xp, yp);
    around.tissue_at(p.x0_px, p.y0_px, q.finding.frame, xq, yq);
    x += xq - xp;
    y += yq - yp;
  }
  const double dx = (x - q.finding.centre_col_px) * px.mm_per_px_x, dy = (y - q.finding.centre_row_px) * px.mm_per_px_y;
  const double nx = std::cos(q.finding.surface_angle_deg * M_PI / 180.0), ny = std::sin(q.finding.surface_angle_deg * M_PI / 180.0);
  return {std::abs(-dx * ny + dy * nx), std::abs(dx * nx + dy * ny)};
}

// Two readings of fibres pulled off one aponeurosis: within lesion_separation_mm along it and
// on it — a patch of motion within aponeurosis_reach_mm of its line on either side, fluid
// centred on its layer, half the layer off the line (the layer across the plane is at most
// its gap along the fibres). The superficial and deep aponeuroses lie a muscle's thickness
// apart. (Fluid on both faces of a bipennate muscle's central aponeurosis would be merged too.)
bool same_detachment(PixelSpacing px, const DetectionSettings& s, const LesionSurroundings& around,
                     const PlacedFinding& p, const PlacedFinding& q) {
  if (p.finding.kind != TearKind::Myotendinous || q.finding.kind != TearKind::Myotendinous) return false;
  const auto off_the_line_mm = [&s](const PlacedFinding& f) {
    return f.fluid_on_image ? 0.5 * f.finding.gap_mm : s.aponeurosis_reach_mm;
  };
  const SeenApart d = seen_apart(px, around, p, q);
  return d.along_mm < s.lesion_separation_mm && d.across_mm <= off_the_line_mm(p) + off_the_line_mm(q);
}

// Whether a bright plane of the rest image lies between p and q on frame 0 (false where merging
// was not told where the planes are).
bool plane_lies_between(const LesionSurroundings& around, const PlacedFinding& p, const PlacedFinding& q) {
  return around.plane_between && around.plane_between(p.x0_px, p.y0_px, q.x0_px, q.y0_px);
}

// Whether p lies on t's line on frame 0: within reach_mm of it across t's surface. The arms of a
// chevron lie one beyond the other along it; a parallel structure in the same patch lies beside.
bool in_line_with(PixelSpacing px, const PlacedFinding& p, const PlacedFinding& t, double reach_mm) {
  const double nx = std::cos(t.normal_deg * M_PI / 180.0), ny = std::sin(t.normal_deg * M_PI / 180.0);
  return std::abs((p.x0_px - t.x0_px) * px.mm_per_px_x * nx + (p.y0_px - t.y0_px) * px.mm_per_px_y * ny) <= reach_mm;
}

// Two tears across the fibres that are pieces of one: facing the same way (within
// PiecesOfOneTear's within_deg), in line on frame 0 (within tear_piece_reach_mm across q's
// surface), their near ends no further apart along it than PiecesOfOneTear's ends_within_mm, and
// no bright plane between them (the halves of a bipennate muscle are judged apart). In a 15-22 mm
// thick muscle a partial tear's area growth can break into two patches one above the other (a
// row where its growth stayed under the threshold), each long enough to pass the gates alone: one
// tear, reported once. On frame 0, not at peak: the contraction shears a vertical tear to 45 deg,
// and pieces one above the other then lie 3 mm apart across it.
bool pieces_of_one_tear(PixelSpacing px, const DetectionSettings& s, const LesionSurroundings& around,
                        const PlacedFinding& p, const PlacedFinding& q) {
  if (p.finding.kind != TearKind::Intramuscular || q.finding.kind != TearKind::Intramuscular) return false;
  const gates::PiecesOfOneTear tolerance;
  if (gates::axial_difference_deg(p.normal_deg, q.normal_deg) > tolerance.within_deg) return false;
  const double dx = (p.x0_px - q.x0_px) * px.mm_per_px_x, dy = (p.y0_px - q.y0_px) * px.mm_per_px_y;
  const double nx = std::cos(q.normal_deg * M_PI / 180.0), ny = std::sin(q.normal_deg * M_PI / 180.0);
  const double ends_apart_mm = std::abs(-dx * ny + dy * nx) - 0.5 * (p.length_mm + q.length_mm);
  if (!in_line_with(px, p, q, s.tear_piece_reach_mm) || ends_apart_mm > tolerance.ends_within_mm) return false;
  return !plane_lies_between(around, p, q);
}

// The extent of a tear told in pieces: what the pieces span together in depth, end to end
// (each its own extent of its thickness about its rest centre; the row between two pieces is
// where the tear's growth dipped under the threshold, not intact muscle), over the thickness
// at the telling one.
void join_extents(PixelSpacing px, Lesion& l) {
  TearFinding& f = l.told_by.finding;
  if (l.pieces.empty() || f.muscle_thickness_mm <= 0 || f.extent_pct < 0) return;
  const auto half_span_mm = [](const TearFinding& t) { return 0.005 * t.extent_pct * t.muscle_thickness_mm; };
  const auto top_of = [&](const PlacedFinding& p) { return p.y0_px * px.mm_per_px_y - half_span_mm(p.finding); };
  const auto bottom_of = [&](const PlacedFinding& p) { return p.y0_px * px.mm_per_px_y + half_span_mm(p.finding); };
  // The pieces whose ends are the joined tear's: the muscle lost beyond its top end is what the
  // topmost lost above it, beyond its bottom end what the bottommost lost below it.
  const PlacedFinding* topmost = &l.told_by;
  const PlacedFinding* bottommost = &l.told_by;
  for (const PlacedFinding* p : l.pieces)
    if (p->finding.extent_pct >= 0 && p->finding.muscle_thickness_mm > 0) {
      if (top_of(*p) < top_of(*topmost)) topmost = p;
      if (bottom_of(*p) > bottom_of(*bottommost)) bottommost = p;
    }
  const TearFinding& top = topmost->finding;
  const TearFinding& bottom = bottommost->finding;
  f.extent_pct = std::min(100.0, 100.0 * (bottom_of(*bottommost) - top_of(*topmost)) / f.muscle_thickness_mm);
  f.grade = grade_of(f.kind, f.extent_pct, f.retraction_mm);
  f.set_beyond_ends(top.extent_unseen_above_pct, bottom.extent_unseen_below_pct, top.extent_spared_above_pct,
                    bottom.extent_spared_below_pct);
}

// Whether the lesion l, told by an intramuscular finding and nothing else, is the edge of the
// detachment d (a patch of motion on an aponeurosis): a small patch (shorter than
// shape_judged_below_mm, and than d) with at most half d's grid points, on d's aponeurosis
// (within aponeurosis_reach_mm of its line) and within lesion_separation_mm along it. Where
// fibres pull off an aponeurosis at a slant, the last few fibre ends beside the detachment cut
// across the fibres and open like a small tear inside the muscle; their gap, read over that
// slant, came out three times the detachment's (held-out 24000 through the grabber: 2.4 mm
// long, 8 points, gap 17.6 mm, 6 mm from a 7.6 mm detachment of 35 points whose gap read 5.9
// against 5.8). A tear as long as a fibre bundle is wide, or one that already holds other
// readings, stays a lesion of its own; so does one beside fluid alone (columns of a plane
// and grid points of a patch are not comparable evidence).
bool edge_of_detachment(PixelSpacing px, const DetectionSettings& s, const LesionSurroundings& around, const Lesion& l,
                        const PlacedFinding& d) {
  const PlacedFinding& t = l.told_by;
  if (t.finding.kind != TearKind::Intramuscular || l.absorbed > 0) return false;
  if (d.finding.kind != TearKind::Myotendinous || d.fluid_on_image) return false;
  if (t.length_mm >= std::min(s.shape_judged_below_mm, d.length_mm) || 2 * t.points > d.points) return false;
  const SeenApart apart = seen_apart(px, around, t, d);
  return apart.along_mm < s.lesion_separation_mm && apart.across_mm <= s.aponeurosis_reach_mm;
}

// Lesions that are a detachment's edge, dropped once every lesion is built (so that the
// order findings were merged in does not decide it) and marked as part of the detachment.
void drop_edges_of_detachments(PixelSpacing px, const DetectionSettings& s, const LesionSurroundings& around,
                               DetectionResult& result, std::vector<Lesion>& kept) {
  std::vector<bool> edge(kept.size(), false);
  for (std::size_t i = 0; i < kept.size(); ++i)
    for (const Lesion& d : kept)
      edge[i] = edge[i] || edge_of_detachment(px, s, around, kept[i], d.told_by);
  std::vector<Lesion> left;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (edge[i]) mark_same_lesion(result, kept[i].told_by, "a small patch at the edge of fibres pulled off this aponeurosis: the detachment's edge");
    else left.push_back(kept[i]);
  }
  kept = std::move(left);
}

// Whether pred holds for any of the lesion's pieces or of the findings close to its strongest.
template <class Pred>
bool any_piece_or_close(const Lesion& l, const Pred& pred) {
  return std::any_of(l.pieces.begin(), l.pieces.end(), pred) || std::any_of(l.close.begin(), l.close.end(), pred);
}

// Whether p continues a piece of the tear l, or a finding within 3 mm of its strongest (not the
// strongest itself, which same_lesion_as asks first), on l's own surface: in line with the piece,
// and near the line of, and facing as, the strongest.
// Three pieces in line are one tear whichever of them has the most evidence: the one at an end
// did (bipennate 2000), by two grid points that a hundredth of a pixel gave or took. Tested
// against the strongest too, a chain of pieces cannot wander off the tear's line.
bool continues_a_piece(PixelSpacing px, const DetectionSettings& s, const LesionSurroundings& around, const PlacedFinding& p,
                       const Lesion& l) {
  const PlacedFinding& t = l.told_by;
  if (t.finding.kind != TearKind::Intramuscular || (l.pieces.empty() && l.close.empty())) return false;
  const gates::PiecesOfOneTear tolerance;
  if (gates::axial_difference_deg(p.normal_deg, t.normal_deg) > tolerance.within_deg) return false;
  const double nx = std::cos(t.normal_deg * M_PI / 180.0), ny = std::sin(t.normal_deg * M_PI / 180.0);
  const double across_mm = (p.x0_px - t.x0_px) * px.mm_per_px_x * nx + (p.y0_px - t.y0_px) * px.mm_per_px_y * ny;
  // Each piece may lie tear_piece_reach_mm off the line of the one it continues; a chain, twice
  // that off the strongest's and no further (bipennate 2000's end piece: 2.1 mm).
  if (std::abs(across_mm) > 2.0 * s.tear_piece_reach_mm) return false;
  // ... and the chain runs along the tear: from the piece it continues, p lies along the
  // strongest's surface (within within_deg), not beside it (a parallel tear 4 mm away).
  const double tan_within = std::tan(tolerance.within_deg * M_PI / 180.0);
  const auto continues = [&](const PlacedFinding* piece) {
    const double dx = (p.x0_px - piece->x0_px) * px.mm_per_px_x, dy = (p.y0_px - piece->y0_px) * px.mm_per_px_y;
    const double beside = std::abs(dx * nx + dy * ny), along = std::abs(-dx * ny + dy * nx);
    return beside <= tan_within * along && pieces_of_one_tear(px, s, around, p, *piece);
  };
  return any_piece_or_close(l, continues);
}

// Whether p is where the tear l (its strongest surface, any of its pieces or of the findings
// close to it) meets the aponeurosis.
bool at_the_end_of(PixelSpacing px, const DetectionSettings& s, const LesionSurroundings& around, const PlacedFinding& p,
                   const Lesion& l) {
  if (p.finding.kind != TearKind::Myotendinous || l.told_by.finding.kind != TearKind::Intramuscular) return false;
  const auto meets = [&](const PlacedFinding& q) {
    return on_tear_surface(px, p, q, s.tear_end_reach_mm) || on_carried_tear_surface(px, around, p, q, s.tear_end_reach_mm);
  };
  return meets(l.told_by) || any_piece_or_close(l, [&](const PlacedFinding* q) { return meets(*q); });
}

// Whether an intramuscular finding close to a tear's strongest surface is of that tear: it faces
// the same way (within within_deg). A patch of a sliding plane that passed the gates faces 60 deg
// off, and must not pull the tear's centre or carry its pieces.
bool facing_as(const PlacedFinding& p, const PlacedFinding& strongest) {
  return p.finding.kind == TearKind::Intramuscular &&
         gates::axial_difference_deg(p.normal_deg, strongest.normal_deg) <= gates::PiecesOfOneTear{}.within_deg;
}

// Whether p is another surface of q's patch within lesion_separation_mm of q: the same lesion.
bool same_patch_near(PixelSpacing px, const DetectionSettings& s, const PlacedFinding& p, const PlacedFinding& q) {
  return q.patch == p.patch && apart_mm(px, p, q) < s.lesion_separation_mm;
}

// Whether p is another surface of the patch of one of l's pieces (pieces_of_one_tear), near that
// piece: a patch's surfaces are one lesion whichever of them was joined first. The deep end of a
// complete tear (fresh 70026) bent along the aponeurosis 40 deg off the piece above it in the
// same patch, and was reported as a second tear.
bool another_surface_of_a_piece(PixelSpacing px, const DetectionSettings& s, const PlacedFinding& p, const Lesion& l) {
  return std::any_of(l.pieces.begin(), l.pieces.end(), [&](const PlacedFinding* piece) { return same_patch_near(px, s, p, *piece); });
}

// Whether p is part of the lesion l, and why (why null: it is not).
SameLesion same_lesion_as(PixelSpacing px, const DetectionSettings& s, const LesionSurroundings& around,
                          const PlacedFinding& p, const Lesion& l) {
  const PlacedFinding& q = l.told_by;
  if (same_patch_near(px, s, p, q))
    return {"another surface of the same patch, within lesion_separation_mm of a tear already found", true};
  if (another_surface_of_a_piece(px, s, p, l))
    return {"another surface of the patch of one of its pieces, within lesion_separation_mm of that piece: the same tear", true};
  if (at_the_end_of(px, s, around, p, l))
    return {"where an intramuscular tear found here meets the aponeurosis: its end, not a second tear"};
  if (same_detachment(px, s, around, p, q))
    return {"seen on the same aponeurosis within lesion_separation_mm of another reading of fibres pulled off it: one detachment"};
  if (pieces_of_one_tear(px, s, around, p, q))
    return {"another piece of the same tear surface, in line with it and facing the same way: one tear", false, true};
  if (apart_mm(px, p, q) < 3.0) return {"within 3 mm of a stronger finding", false, false, facing_as(p, q)};
  if (continues_a_piece(px, s, around, p, l))
    return {"another piece of the same tear surface, in line with one of its pieces and facing the same way: one tear", false,
            true};
  return {};
}

// A lesion whose pieces a later finding continues, or told by another surface of that finding's
// patch (`surface_of_piece`), joined to the stronger lesion that finding joined first as a
// piece: one tear in pieces, whatever order their evidence put them in. Another surface's
// findings face its way, not the tear's: they are the tear's other surfaces, never its pieces
// (which its extent and centre are made from).
void absorb_lesion(Lesion& into, const Lesion& from, bool surface_of_piece, DetectionResult& result) {
  mark_same_lesion(result, *from.source,
                   surface_of_piece ? "another surface of the patch of one of its pieces: the same tear"
                                    : "another piece of the same tear surface, joined to it by a piece between them: one tear");
  const auto append = [](std::vector<const PlacedFinding*>& to, const std::vector<const PlacedFinding*>& more) {
    to.insert(to.end(), more.begin(), more.end());
  };
  if (surface_of_piece) {
    into.other_surfaces.push_back(from.source);
    for (const auto* list : {&from.pieces, &from.close, &from.other_surfaces}) append(into.other_surfaces, *list);
  } else {
    into.pieces.push_back(from.source);
    append(into.pieces, from.pieces);
    append(into.close, from.close);
    append(into.other_surfaces, from.other_surfaces);
  }
  into.absorbed += 1 + from.absorbed;
}

// The lesion's finding placed on the tissue at the evidence-weighted rest centre of its
// intramuscular surfaces (of the telling one's own patch) across a plane from it, in the finding's own
// frame: a tear through both halves of a bipennate muscle is centred on the central
// aponeurosis between them, which the contraction carries further than either half's
// surface (the halves shear away from it). So is a tear told in pieces (pieces_of_one_tear, and
// the findings within 3 mm that face as it does) on the middle of its pieces: which piece has
// the most evidence is a matter of a grid point or two, and the pieces of a partial tear of a
// bipennate muscle lie 2-3 mm apart. Other surfaces of the strongest's own patch count where
// they face as it does and lie in line with it (within tear_piece_reach_mm across it): a tear
// through both halves of a bipennate muscle whose central aponeurosis the plane map missed
// opens as a chevron, split into a surface per arm (with surface normals fitted over a disc,
// echogenic 2001's lay 12 deg apart, and the strongest alone placed it 5.0 mm off). A gap
// joined to a sliding band faces 60 deg off and leaves the centre where it is.
TearFinding centred(const Lesion& l, PixelSpacing px, const DetectionSettings& s, const LesionSurroundings& around) {
  TearFinding f = l.told_by.finding;
  if (!around.tissue_at || f.kind != TearKind::Intramuscular) return f;
  const PlacedFinding& t = l.told_by;
  double x0 = t.points * t.x0_px, y0 = t.points * t.y0_px, w = t.points;
  const auto add = [&](const PlacedFinding& p) {
    x0 += p.points * p.x0_px;
    y0 += p.points * p.y0_px;
    w += p.points;
  };
  for (const PlacedFinding* p : l.pieces) add(*p);
  for (const PlacedFinding* p : l.close) add(*p);
  for (const PlacedFinding* p : l.other_surfaces)
    if ((facing_as(*p, t) && in_line_with(px, *p, t, s.tear_piece_reach_mm)) ||
        (p->patch == t.patch && p->finding.kind == TearKind::Intramuscular && plane_lies_between(around, t, *p)))
      add(*p);
  if (w == t.points) return f;
  double x, y;
  around.tissue_at(x0 / w, y0 / w, f.frame, x, y);
  f.centre_x_mm += (x - f.centre_col_px) * px.mm_per_px_x;
  f.centre_z_mm += (y - f.centre_row_px) * px.mm_per_px_y;
  f.centre_col_px = x;
  f.centre_row_px = y;
  return f;
}

}  // namespace

double mm_from_tear_surface(PixelSpacing px, const PlacedFinding& t, double x0_px, double y0_px) {
  const gates::RestSurface surface{t.x0_px * px.mm_per_px_x, t.y0_px * px.mm_per_px_y, tear_normal_deg(t), tear_length_mm(t)};
  return gates::mm_from_surface(surface, x0_px * px.mm_per_px_x, y0_px * px.mm_per_px_y);
}

std::vector<TearFinding> one_finding_per_lesion(std::vector<PlacedFinding> placed, PixelSpacing spacing,
                                                const DetectionSettings& s, DetectionResult& result,
                                                const LesionSurroundings& around) {
  // Intramuscular first (their gates ask more: two contracting stumps, a gap's shape), then
  // the surface with the most evidence (points), then the most confident. Not the widest
  // opening, nor confidence first (it saturates near 1 for every finding): a few points where
  // a gap meets the aponeurosis read openings of 10-15 mm and won over the tear itself.
  // Fibres pulled off an aponeurosis are told by their fluid on the image, read beside the
  // muscle that pulled off: a patch of motion there may be the aponeurosis's own tissue
  // sliding under the gap, whose fibres (read where it rested, 20 mm away) made its gap 2-5
  // times too long.
  std::stable_sort(placed.begin(), placed.end(), [](const PlacedFinding& a, const PlacedFinding& b) {
    const bool ai = a.finding.kind == TearKind::Intramuscular, bi = b.finding.kind == TearKind::Intramuscular;
    if (ai != bi) return ai;
    if (a.fluid_on_image != b.fluid_on_image) return a.fluid_on_image;
    if (a.points != b.points) return a.points > b.points;
    return a.finding.confidence > b.finding.confidence;
  });
  std::vector<Lesion> kept;  // strongest first: each is told by the strongest finding in it
  for (const PlacedFinding& p : placed) {  // `placed` outlives `kept`: the lesions point into it
    std::size_t joined = kept.size();
    bool joined_as_piece = false, joined_as_close = false;
    for (std::size_t i = 0; i < kept.size();) {
      const SameLesion same = same_lesion_as(spacing, s, around, p, kept[i]);
      // p, a piece (or a close finding) of the lesion it joined, bridges it to another piece; a
      // piece of it, to a lesion told by another surface of p's own patch.
      const bool bridges = (same.piece && (joined_as_piece || joined_as_close)) || (same.other_surface && joined_as_piece);
      if (same.why && joined < kept.size() && bridges) {
        absorb_lesion(kept[joined], kept[i], !same.piece, result);
        kept.erase(kept.begin() + long(i));
        continue;
      }
      if (same.why && joined == kept.size()) {
        joined = i;
        joined_as_piece = same.piece;
        joined_as_close = same.close;  // a close finding continues pieces too
        mark_same_lesion(result, p, same.why);
        Lesion& l = kept[i];
        ++l.absorbed;
        if (same.other_surface) l.other_surfaces.push_back(&p);
        if (same.piece) l.pieces.push_back(&p);
        if (same.close) l.close.push_back(&p);
      }
      ++i;
    }
    if (joined == kept.size()) kept.push_back({p, &p, {}, {}, {}, 0});
  }
  drop_edges_of_detachments(spacing, s, around, result, kept);
  std::vector<TearFinding> findings;
  for (Lesion& l : kept) {
    join_extents(spacing, l);
    findings.push_back(centred(l, spacing, s, around));
  }
  return findings;
}

}  // namespace ft
