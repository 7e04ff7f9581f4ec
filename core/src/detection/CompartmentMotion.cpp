#include <algorithm>
#include <array>
#include <limits>
#include <optional>

#include "DetectionContext.h"
#include "ft/core/FascicleOrientation.h"
#include "ft/core/MuscleLayers.h"

namespace ft::detection {

Tensor2 rest_to_frame(const Context& ctx, int k, int c, int r) {
  const Tensor2 fk = deformation_gradient(ctx.m.cumulative[std::size_t(k)], c, r, ctx.s.baseline_steps,
                                          ctx.m.mm_per_px_x, ctx.m.mm_per_px_y);
  return fk * ctx.rest_inverse[ctx.m.cumulative[0].index(c, r)];
}

// The nearest bright fascial plane (aponeurosis) within aponeurosis_reach_mm of a frame-0
// point on the rest image: its row less the point's (rest px); none when none is that close.
std::optional<double> aponeurosis_offset_px(const Context& ctx, double cx, double cy) {
  double rx, ry;
  position_in(ctx.m, ctx.rest(), cx, cy, rx, ry);
  std::optional<double> nearest;
  for (double plane : bright_planes(ctx.rest_image, ctx.m.region.bounds, rx, ctx.mm_per_px()))
    if (std::abs(plane - ry) * ctx.m.mm_per_px_y <= ctx.s.aponeurosis_reach_mm && (!nearest || std::abs(plane - ry) < std::abs(*nearest)))
      nearest = plane - ry;
  return nearest;
}

bool plane_between(const Context& ctx, double xa, double ya, double xb, double yb) {
  double rxa, rya, rxb, ryb;
  position_in(ctx.m, ctx.rest(), xa, ya, rxa, rya);
  position_in(ctx.m, ctx.rest(), xb, yb, rxb, ryb);
  const auto [top, bottom] = std::minmax(rya, ryb);
  for (double plane : ctx.planes.planes_at(0.5 * (rxa + rxb)))
    if (plane > top && plane < bottom) return true;
  return false;
}

namespace {
constexpr int kMinFibrePoints = 10;  // fewer inside the compartment: its planes are not trusted
constexpr double kPlaneClearanceMm = 0.5;  // the plane's own line
// Near a bright plane its long straight line, not the fascicles, decides the direction the
// fascicle estimator reads (0 deg within ~2.5 mm of it: half its window, plus the plane).
constexpr double kFibreClearanceMm = 0.5 * FascicleScale{}.window_mm + kPlaneClearanceMm;
constexpr std::size_t kMinCompartmentPoints = 30;

// Where the muscle at a frame-0 point lies: the depths (rest frame px) of the bright planes
// above and below it (fascia, aponeuroses, a bipennate muscle's central one), and whether
// the point lies on a plane itself (compartment_in skips that one).
struct PlaneBounds {
  Compartment between;
  bool on_a_plane = false;
};

PlaneBounds plane_bounds(const Context& ctx, double cx, double cy) {
  double rx, ry;
  position_in(ctx.m, ctx.rest(), cx, cy, rx, ry);
  return {compartment_in(ctx.planes, ctx.m.region.bounds, rx, ry, 3.0 / ctx.m.mm_per_px_x, ctx.m.mm_per_px_y),
          aponeurosis_offset_px(ctx, cx, cy).has_value()};
}

bool inside(const Compartment& c, double rest_y_px, double clearance_px) {
  return (!c.top_is_plane || rest_y_px > c.top_y_px + clearance_px) &&
         (!c.bottom_is_plane || rest_y_px < c.bottom_y_px - clearance_px);
}
}  // namespace

// Coherence-weighted fibre direction of the muscle within 8 mm of a point, leaving out
// the evidence and 1.5 mm around it (the edges of a gap are lines too, across the
// fibres). Not the whole image's direction: neighbouring muscles are pennate the other
// way (rectus femoris over vastus intermedius), and their mean is nobody's fibres; nor
// across a bright plane (the halves of a bipennate muscle run mirrored), nor close to one
// (its line reads as horizontal fibres) unless the patch itself lies on it. With a `side` (a
// unit direction on frame 0, mm), only the muscle at least min_off_mm beyond the point
// along it is read.
std::optional<double> local_fibre_direction(const Context& ctx, const FibreField& fibres, const std::vector<std::size_t>& comp,
                                            double cx, double cy, const HalfPlane& side) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const DisplacementField& to_rest = ctx.m.cumulative[std::size_t(ctx.rest())];
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  const PlaneBounds bounds = plane_bounds(ctx, cx, cy);
  // On a plane the patch belongs to both sides (and may be a pocket of the plane's own
  // sliding): the muscle right beside the plane is read, as it always was.
  const double clearance_mm = bounds.on_a_plane ? kPlaneClearanceMm : kFibreClearanceMm;
  const int dilate = std::max(1, int(std::lround(1.5 / (g.step_px * sx))));
  std::vector<std::uint8_t> excluded(g.size(), 0);
  for (std::size_t i : comp)
    for (int dr = -dilate; dr <= dilate; ++dr)
      for (int dc = -dilate; dc <= dilate; ++dc) {
        const int cc = column_of(g, i) + dc, rr = row_of(g, i) + dr;
        if (cc >= 0 && rr >= 0 && cc < g.columns && rr < g.rows) excluded[g.index(cc, rr)] = 1;
      }
  std::vector<float> angles, weights, in_angles, in_weights;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const std::size_t i = g.index(c, r);
      if (excluded[i] || !ctx.muscle[i]) continue;
      const double dx_mm = (g.x_px(c) - cx) * sx, dy_mm = (g.y_px(r) - cy) * sy;
      if (std::hypot(dx_mm, dy_mm) > 8.0) continue;
      if (dx_mm * side.x + dy_mm * side.y < side.min_off_mm) continue;
      angles.push_back(fibres.angle_deg[i]);
      weights.push_back(fibres.coherence[i]);
      if (inside(bounds.between, g.y_px(r) + to_rest.dy_px[i], clearance_mm / sy)) {
        in_angles.push_back(fibres.angle_deg[i]);
        in_weights.push_back(fibres.coherence[i]);
      }
    }
  if (in_angles.size() >= std::size_t(kMinFibrePoints)) return mean_orientation_deg(in_angles, in_weights);
  if (angles.empty()) return std::nullopt;
  return mean_orientation_deg(angles, weights);
}

std::optional<double> local_fibre_direction(const Context& ctx, const std::vector<std::size_t>& comp, double cx, double cy,
                                            const HalfPlane& side) {
  return local_fibre_direction(ctx, ctx.fibres, comp, cx, cy, side);
}

double local_fibre_direction(const Context& ctx, const std::vector<std::size_t>& comp, double cx, double cy) {
  const HalfPlane everywhere{0.0, 0.0, -std::numeric_limits<double>::infinity()};
  return local_fibre_direction(ctx, comp, cx, cy, everywhere).value_or(ctx.dominant_fibre_deg);
}

// Fibre strain rest -> peak at a grid point along a direction (rest frame), over the
// detector's +-baseline_steps (2: one step each side is too noisy to tell a stump from fat
// or tendon).
double strain_along(const Context& ctx, int c, int r, double angle_deg) {
  return ctx.rest_to_peak[ctx.m.cumulative[0].index(c, r)].stretch_along(angle_deg) - 1.0;
}

// The tracked muscle within radius_mm of a point, leaving out the evidence (patches whose
// area grew): its own compartment between the bright planes above and below the point,
// not the whole image, whose other muscles contract differently. The reference every
// stump and opening is compared with.
std::vector<std::size_t> compartment_points(const Context& ctx, double cx, double cy, double radius_mm) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const DisplacementField& to_rest = ctx.m.cumulative[std::size_t(ctx.rest())];
  // A point on a plane (fibres pulled off an aponeurosis) belongs to both sides: then the
  // muscle around it is the reference, as it is where no plane was found.
  const PlaneBounds bounds = plane_bounds(ctx, cx, cy);
  std::vector<std::size_t> points, inside_planes;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const std::size_t i = g.index(c, r);
      if (!ctx.muscle[i] || excess_growth_at(ctx, i) > ctx.s.min_log_expansion) continue;
      if (std::hypot((g.x_px(c) - cx) * ctx.m.mm_per_px_x, (g.y_px(r) - cy) * ctx.m.mm_per_px_y) > radius_mm) continue;
      points.push_back(i);
      if (inside(bounds.between, g.y_px(r) + to_rest.dy_px[i], kPlaneClearanceMm / ctx.m.mm_per_px_y)) inside_planes.push_back(i);
    }
  // Bounded by its planes when they leave enough muscle: the halves of a bipennate muscle
  // shear opposite ways, and vastus intermedius is squeezed while rectus femoris thickens.
  return !bounds.on_a_plane && inside_planes.size() >= kMinCompartmentPoints ? inside_planes : points;
}

// Median rest -> peak strain of the compartment along the candidate's fibres.
double compartment_strain(const Context& ctx, const std::vector<std::size_t>& points, double angle_deg) {
  const DisplacementField& g = ctx.m.cumulative[0];
  std::vector<double> v;
  for (std::size_t i : points) v.push_back(strain_along(ctx, column_of(g, i), row_of(g, i), angle_deg));
  return v.size() < 5 ? ctx.contraction.peak_strain : median_of(std::move(v));
}

bool across_a_plane(const Context& ctx, double cx, double cy, double x, double y) {
  const PlaneBounds bounds = plane_bounds(ctx, cx, cy);
  if (bounds.on_a_plane) return false;
  double rx, ry;
  position_in(ctx.m, ctx.rest(), x, y, rx, ry);
  return !inside(bounds.between, ry, 0.0);
}

namespace {
constexpr double kAlongPlaneMm = 10.0, kClearOfTearMm = 3.0, kNearPlaneMm = 1.0, kMiddleMm = 2.5, kFarPlaneMm = 4.0;

// The plane's row in column x (rest px): the map's plane there within 1 mm of plane_row, the
// nearest; none where the map loses it.
std::optional<double> plane_row_in(const Context& ctx, double x, double plane_row) {
  return ctx.planes.plane_near(x, plane_row, 1.0 / ctx.m.mm_per_px_y);
}

// The tracked tissue (ctx.muscle: whatever was tracked at rest and peak, not growing like a
// tear; muscle as a rule, but not always) near_mm to far_mm from the plane at rest row
// plane_row, within kAlongPlaneMm of `column`, not within kClearOfTearMm of the tear's centre
// (x0, y0; frame 0), whose stumps retract, and at least clear_of_planes_mm from every plane of
// its column (0: no such condition): visit(i, off_mm), off_mm signed (< 0 above the plane). Each
// point against the plane's row in its own column (an aponeurosis curves and slopes); the
// plane's line itself (its own millimetre) is tracked across it.
template <typename Visit>
void for_muscle_beside_plane(const Context& ctx, double column, double plane_row, double x0, double y0, double near_mm,
                             double far_mm, double clear_of_planes_mm, Visit visit) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const DisplacementField& rest = ctx.m.cumulative[std::size_t(ctx.rest())];
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!ctx.muscle[i] || excess_growth_at(ctx, i) > ctx.s.min_log_expansion) continue;
    const double gx = g.x_px(column_of(g, i)), gy = g.y_px(row_of(g, i));
    if (std::hypot((gx - x0) * sx, (gy - y0) * sy) < kClearOfTearMm) continue;
    const double x = gx + rest.dx_px[i], y = gy + rest.dy_px[i];
    if (std::abs(x - column) * sx > kAlongPlaneMm) continue;
    const std::optional<double> row = plane_row_in(ctx, x, plane_row);  // the plane in this point's column
    if (!row) continue;
    const double off_mm = (y - *row) * sy;
    if (std::abs(off_mm) < near_mm || std::abs(off_mm) > far_mm) continue;
    if (clear_of_planes_mm > 0) {
      const std::vector<double>& planes = ctx.planes.planes_at(x);
      if (std::any_of(planes.begin(), planes.end(), [&](double p) { return std::abs(p - y) * sy < clear_of_planes_mm; }))
        continue;
    }
    visit(i, off_mm);
  }
}
template <typename Visit>
void for_muscle_beside_plane(const Context& ctx, double column, double plane_row, double x0, double y0, Visit visit) {
  for_muscle_beside_plane(ctx, column, plane_row, x0, y0, kNearPlaneMm, kFarPlaneMm, 0.0, visit);
}
}  // namespace

namespace {
// Each muscle point's motion along the rows from rest to peak, in four bands by its offset from
// the plane: above far, above near, below near, below far (1-2.5 and 2.5-4 mm off it).
struct SlideBands {
  std::array<std::vector<double>, 4> mm;
  void add(const Context& ctx, std::size_t i, double off_mm) {
    const DisplacementField& rest = ctx.m.cumulative[std::size_t(ctx.rest())];
    const DisplacementField& peak = ctx.m.cumulative[std::size_t(ctx.peak())];
    const double away = std::abs(off_mm);
    const std::size_t band = off_mm < 0 ? (away < kMiddleMm ? 1 : 0) : (away < kMiddleMm ? 2 : 3);
    mm[band].push_back((peak.dx_px[i] - rest.dx_px[i]) * ctx.m.mm_per_px_x);
  }
  // On each side, the medians of the two bands carried on to the plane itself. Each muscle shears
  // across its depth (about a millimetre per millimetre in a strong contraction): the bands' own
  // medians differ by that shear even where nothing slides, as beside a bipennate muscle's central
  // aponeurosis with halves of unequal pennation. None where a band holds too few points.
  std::optional<double> slide_mm() const {
    const std::optional<double> signed_mm = signed_slide_mm();
    return signed_mm ? std::optional<double>(std::abs(*signed_mm)) : std::nullopt;
  }
  // The motion above the plane less that below it.
  std::optional<double> signed_slide_mm() const {
    constexpr std::size_t kMinPoints = 5;
    for (const auto& b : mm)
      if (b.size() < kMinPoints) return std::nullopt;
    // Band middles 1.75 and 3.25 mm from the plane: on to 0 mm.
    const double near_mm = 0.5 * (kNearPlaneMm + kMiddleMm), far_mm = 0.5 * (kMiddleMm + kFarPlaneMm);
    const auto at_plane = [&](std::vector<double> near, std::vector<double> far) {
      const double n = balanced_median(std::move(near)), f = balanced_median(std::move(far));
      return n - (f - n) * near_mm / (far_mm - near_mm);
    };
    return at_plane(mm[1], mm[0]) - at_plane(mm[2], mm[3]);
  }
};

// The slide at a plane beside a tear, read on each side of it (SlideBands) and averaged where
// both sides say: the stumps of a tear ending at the plane retract in opposite directions on its
// two sides (up to the retraction itself: 1.5 mm read beside held-out 49000's partial tear through
// a focused beam, where the halves of a bipennate muscle grip each other), while one muscle
// sliding past another moves the same way on both. The retraction fades away from the tear, so
// both sides are read over the same reach from it, the shorter side's (a tear near the image's
// edge). Pooled, as one reading, where one side holds too few points.
class SlideEitherSide {
 public:
  explicit SlideEitherSide(double tear_column_px) : tear_column_px_(tear_column_px) {}
  void add(const Context& ctx, std::size_t i, double off_mm) {
    const DisplacementField& g = ctx.m.cumulative[0];
    points_.push_back({i, off_mm, g.x_px(column_of(g, i)) - tear_column_px_});
  }
  std::optional<double> slide_mm(const Context& ctx) const {
    double reach_left_px = 0.0, reach_right_px = 0.0;
    for (const Point& p : points_) {
      double& reach = p.from_tear_px < 0 ? reach_left_px : reach_right_px;
      reach = std::max(reach, std::abs(p.from_tear_px));
    }
    const double reach_px = std::min(reach_left_px, reach_right_px);
    SlideBands left, right, pooled;
    for (const Point& p : points_) {
      if (std::abs(p.from_tear_px) <= reach_px) (p.from_tear_px < 0 ? left : right).add(ctx, p.index, p.off_mm);
      pooled.add(ctx, p.index, p.off_mm);
    }
    const std::optional<double> l = left.signed_slide_mm(), r = right.signed_slide_mm();
    if (l && r) return std::abs(0.5 * (*l + *r));
    return pooled.slide_mm();
  }

 private:
  struct Point {
    std::size_t index;
    double off_mm, from_tear_px;  // off the plane (< 0 above it); along the rows from the tear (frame 0)
  };
  double tear_column_px_;
  std::vector<Point> points_;
};

// The slide along the rows at one plane (rest row plane_row near `column`) from rest to peak, mm:
// each side's motion within 10 mm along it, 1-4 mm off it, carried on to the plane. (x0, y0): a
// tear's centre (frame 0), left out.
std::optional<double> slide_along_plane_mm(const Context& ctx, double column, double plane_row, double x0, double y0) {
  SlideBands bands;
  for_muscle_beside_plane(ctx, column, plane_row, x0, y0, [&](std::size_t i, double off_mm) { bands.add(ctx, i, off_mm); });
  return bands.slide_mm();
}
}  // namespace

std::optional<double> plane_slide_mm(const Context& ctx, double xa, double ya, double xb, double yb) {
  double rxa, rya, rxb, ryb;
  position_in(ctx.m, ctx.rest(), xa, ya, rxa, rya);
  position_in(ctx.m, ctx.rest(), xb, yb, rxb, ryb);
  const double column = 0.5 * (rxa + rxb);
  const auto [top, bottom] = std::minmax(rya, ryb);
  std::optional<double> largest;  // any plane between that slides parts two muscles
  for (double plane : ctx.planes.planes_at(column))
    if (plane > top && plane < bottom)
      if (const std::optional<double> slide = slide_along_plane_mm(ctx, column, plane, xa, ya))
        largest = std::max(largest.value_or(0.0), *slide);
  return largest;
}

namespace {
// The plane's direction (deg, image px as fascicle angles are read) at rest row plane_row of
// `column`: its rows kSlopeReachMm to either side; none where the plane map loses it there.
std::optional<double> plane_direction_deg(const Context& ctx, double column, double plane_row) {
  constexpr double kSlopeReachMm = 3.0;
  const double reach_px = kSlopeReachMm / ctx.m.mm_per_px_x;
  const std::optional<double> left = plane_row_in(ctx, column - reach_px, plane_row),
                              right = plane_row_in(ctx, column + reach_px, plane_row);
  if (!left || !right) return std::nullopt;
  return std::atan2(*right - *left, 2.0 * reach_px) * kDeg;
}

// The slide along a plane (SlideEitherSide) and the compartments most of the muscle beside it
// lies in, above it and below it (-1: none), from one walk over the grid.
struct BesidePlane {
  std::optional<double> slide_mm;
  int above = -1, below = -1;
};
BesidePlane beside_plane(const Context& ctx, const CompartmentStatistics& compartments, double column, double plane_row,
                         double x0, double y0) {
  SlideEitherSide bands(x0);
  std::vector<int> above(compartments.each.size(), 0), below(compartments.each.size(), 0);
  for_muscle_beside_plane(ctx, column, plane_row, x0, y0, [&](std::size_t i, double off_mm) {
    bands.add(ctx, i, off_mm);
    const int label = compartments.label[i];
    if (label >= 0) ++(off_mm < 0 ? above : below)[std::size_t(label)];
  });
  const auto most = [](const std::vector<int>& count) {
    const auto m = std::max_element(count.begin(), count.end());
    return m == count.end() || *m == 0 ? -1 : int(m - count.begin());
  };
  return {bands.slide_mm(ctx), most(above), most(below)};
}

// The fascicles' direction (deg, as fibre_direction_of reads it) on each side of the plane at rest
// row plane_row near `column`, at rest (ctx.fibres) and at peak (ctx.fibres_at_peak): the muscle
// from kFibresBeyondPlaneMm (where the fascicle window no longer holds the plane's own line) to
// kFascicleBandMm beyond that, clear of the tear at (x0, y0) and as far from every other plane
// of its column (a thin half's outer plane reads as level fibres). Read here rather than over
// each side's compartment: the plane map loses a central aponeurosis in some columns, and both
// halves then grow into one compartment (held-out 59000's partial tear: one half and part of the
// other in one compartment). NaN: too few fascicles read.
struct FasciclesBeside {
  double rest_above_deg = kUnmeasured, rest_below_deg = kUnmeasured;
  double peak_above_deg = kUnmeasured, peak_below_deg = kUnmeasured;
};
FasciclesBeside fascicles_beside_plane(const Context& ctx, double column, double plane_row, double x0, double y0) {
  constexpr double kFascicleBandMm = 2.0;
  std::vector<std::size_t> above, below;
  for_muscle_beside_plane(ctx, column, plane_row, x0, y0, kFibresBeyondPlaneMm, kFibresBeyondPlaneMm + kFascicleBandMm,
                          kFibresBeyondPlaneMm, [&](std::size_t i, double off_mm) { (off_mm < 0 ? above : below).push_back(i); });
  const auto read = [&](const FibreField& fibres, const std::vector<std::size_t>& points) {
    return fibre_direction_of(ctx, fibres, points).value_or(kUnmeasured);
  };
  return {read(ctx.fibres, above), read(ctx.fibres, below), read(ctx.fibres_at_peak, above),
          read(ctx.fibres_at_peak, below)};
}
}  // namespace

bool central_aponeurosis(const Context& ctx, const CompartmentStatistics& compartments, double column, double plane_row,
                         const std::vector<double>& outer_rows, double x0, double y0) {
  constexpr double kGripMm = 1.5, kSlidesAgainstGrip = 4.0, kPennateDeg = 8.0;
  const BesidePlane central = beside_plane(ctx, compartments, column, plane_row, x0, y0);
  const std::optional<double> grip = central.slide_mm;
  if (!grip || *grip >= kGripMm) return false;
  const int above = central.above, below = central.below;
  if (above < 0 || below < 0) return false;  // contracting muscle on both sides
  // The grip counts against the muscle's own slide past a neighbouring muscle in the same clip: a
  // weak contraction, or adhesions, hardly slide rectus femoris over vastus intermedius either,
  // and that plane taken for a central aponeurosis would read a complete tear against both
  // muscles as partial. Only an outer plane with another contracting compartment beyond it
  // counts: the muscle moving under the subcutis (10-15 mm of translation under the probe) is no
  // slide past a neighbouring muscle, nor is the muscle moving over the still texture a bone's
  // shadow, JPEG blocks or scanner text leave tracked below it.
  double outer_slide = 0.0;
  for (double row : outer_rows) {
    const BesidePlane outer = beside_plane(ctx, compartments, column, row, x0, y0);
    const int beyond = row < plane_row ? outer.above : outer.below;
    if (beyond < 0 || beyond == above || beyond == below) continue;
    outer_slide = std::max(outer_slide, outer.slide_mm.value_or(0.0));
  }
  if (outer_slide < std::max(kGripMm, kSlidesAgainstGrip * *grip)) return false;
  const std::optional<double> direction_deg = plane_direction_deg(ctx, column, plane_row);
  if (!direction_deg) return false;  // no direction to be mirrored about
  // Off the plane, signed: a feather's two halves lie on opposite sides of its shaft. Clearly so
  // at peak, where the fascicles have turned (20 -> 45 deg); at rest one half of a bipennate
  // muscle read 6 deg (2000 partial tear, its other half 14 deg).
  const auto mirrored = [&](double deg_a, double deg_b, double off_at_least_deg) {
    const double off_a = std::remainder(deg_a - *direction_deg, 180.0), off_b = std::remainder(deg_b - *direction_deg, 180.0);
    return off_a * off_b < 0 && std::min(std::abs(off_a), std::abs(off_b)) >= off_at_least_deg;
  };
  // No kMinFascicleAgreement: the torn half's fascicles agree less (0.60 at peak beside a
  // partial tear), and two families mixed in one reading average to about the plane's
  // direction, which kPennateDeg already turns away. NaN (unread) compares false.
  const FasciclesBeside f = fascicles_beside_plane(ctx, column, plane_row, x0, y0);
  return mirrored(f.rest_above_deg, f.rest_below_deg, 0.0) && mirrored(f.peak_above_deg, f.peak_below_deg, kPennateDeg);
}

namespace {
// The tracked grid points (ctx.muscle) within one grid step of frame-0 point (x, y), by column and row.
template <typename Visit>
void for_tracked_near(const Context& ctx, double x, double y, Visit visit) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const int c = int(std::lround((x - g.origin_x_px) / g.step_px)), r = int(std::lround((y - g.origin_y_px) / g.step_px));
  for (int dr = -1; dr <= 1; ++dr)
    for (int dc = -1; dc <= 1; ++dc) {
      const int cc = c + dc, rr = r + dr;
      if (cc >= 0 && rr >= 0 && cc < g.columns && rr < g.rows && ctx.muscle[g.index(cc, rr)]) visit(cc, rr);
    }
}
}  // namespace

bool tracked_near(const Context& ctx, double x, double y) {
  bool any = false;
  for_tracked_near(ctx, x, y, [&](int, int) { any = true; });
  return any;
}

// The most-shortening tracked point within one grid step of (x, y); NaN when none is tracked.
double stump_strain_near(const Context& ctx, double x, double y, double angle_deg) {
  double best = NAN;
  for_tracked_near(ctx, x, y, [&](int c, int r) {
    const double s = strain_along(ctx, c, r, angle_deg);
    if (std::isnan(best) || s < best) best = s;
  });
  return best;
}

// The compartment's own deformation rest -> k (median_rest_to_frame, as a tear's gap is
// followed live). Surfaces and fibres of the rest frame are carried into frame k by it
// (normals by F^-T).
std::optional<Tensor2> compartment_deformation(const Context& ctx, const std::vector<std::size_t>& points, int k) {
  return median_rest_to_frame(ctx.m.cumulative[std::size_t(k)], points, rest_inverse_at(ctx, points), ctx.s.baseline_steps,
                              ctx.m.mm_per_px_x, ctx.m.mm_per_px_y);
}

std::vector<Tensor2> rest_inverse_at(const Context& ctx, const std::vector<std::size_t>& points) {
  std::vector<Tensor2> out;
  out.reserve(points.size());
  for (std::size_t i : points) out.push_back(ctx.rest_inverse[i]);
  return out;
}

CarriedNormal carry_normal(const Tensor2& f, double nx, double ny) {
  const Tensor2 inv = f.inverse();
  CarriedNormal n;
  n.x = inv.xx * nx + inv.yx * ny;
  n.y = inv.xy * nx + inv.yy * ny;
  n.length = std::max(1e-6, std::hypot(n.x, n.y));
  n.x /= n.length;
  n.y /= n.length;
  return n;
}

// A rest-frame surface normal (deg) as it lies after deformation f (normals go by F^-T).
double carried_normal_deg(const Tensor2& f, double normal_deg) {
  const CarriedNormal n = carry_normal(f, std::cos(normal_deg / kDeg), std::sin(normal_deg / kDeg));
  return std::atan2(n.y, n.x) * kDeg;
}

// A rest-frame fibre direction (deg) after deformation f.
double carried_direction_deg(const Tensor2& f, double angle_deg) {
  const double ax = std::cos(angle_deg / kDeg), ay = std::sin(angle_deg / kDeg);
  return std::atan2(f.yx * ax + f.yy * ay, f.xx * ax + f.xy * ay) * kDeg;
}

namespace {

// The muscle 1-4 mm around a patch (ctx.muscle_region where known), split by the side of its
// surface (centre cx, cy and rest normal, frame 0) each point lies on.
std::array<std::vector<std::size_t>, 2> surround_sides(const Context& ctx, const std::vector<std::size_t>& comp, double cx,
                                                       double cy, double normal_deg) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const double step_mm = g.step_px * ctx.mm_per_px();
  const int reach = std::max(1, int(std::ceil(4.0 / step_mm)));
  std::vector<std::uint8_t> in_comp(g.size(), 0), ring(g.size(), 0);
  for (std::size_t i : comp) in_comp[i] = 1;
  for (std::size_t i : comp)
    for (int dr = -reach; dr <= reach; ++dr)
      for (int dc = -reach; dc <= reach; ++dc) {
        const int cc = column_of(g, i) + dc, rr = row_of(g, i) + dr;
        if (cc < 0 || rr < 0 || cc >= g.columns || rr >= g.rows) continue;
        if (std::hypot(dc, dr) * step_mm < 1.0) continue;
        if (!in_comp[g.index(cc, rr)]) ring[g.index(cc, rr)] = 1;
      }
  const bool region_known = std::find(ctx.muscle_region.begin(), ctx.muscle_region.end(), 1) != ctx.muscle_region.end();
  const double nx = std::cos(normal_deg / kDeg), ny = std::sin(normal_deg / kDeg);
  std::array<std::vector<std::size_t>, 2> sides;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    if (!ring[i] || (region_known && !ctx.muscle_region[i])) continue;
    const bool side = (g.x_px(column_of(g, i)) - cx) * nx + (g.y_px(row_of(g, i)) - cy) * ny > 0;
    sides[side ? 1 : 0].push_back(i);
  }
  return sides;
}

}  // namespace

// How well the muscle 1-4 mm around the patch is tracked at rest and peak: the lower of the two
// sides of its surface. Between torn fibre ends the muscle on both sides is tracked while the
// gap decorrelates; at the edge of tissue the tracker lost on one side (JPEG, a fast shear)
// the patch decorrelates with it, and that side says so. Only the muscle's own tissue counts
// (ctx.muscle_region): the aponeuroses' lines, fat and tissue beyond the deep fascia next to a
// full-thickness gap are tracked less for reasons that say nothing of the gap. A side with too
// little muscle to judge (against an aponeurosis) is left to the other; neither: 0.
// "At rest and peak" is the median over every pair of a rest-plateau and a peak-plateau frame:
// which single frame of a plateau is its extreme is noise, and the tracked share of one pair
// moved 0.66 -> 0.50 with it (docs/benchmarks.md, seventeenth session).
double surround_tracked(const Context& ctx, const std::vector<std::size_t>& comp, double cx, double cy, double normal_deg) {
  constexpr std::size_t kMinSidePoints = 10;
  const std::array<std::vector<std::size_t>, 2> sides = surround_sides(ctx, comp, cx, cy, normal_deg);
  // Only points away from the region's edge are ever tracked (tracked_at); the edge's count too.
  const DisplacementField& g = ctx.m.cumulative[0];
  const int border = ctx.s.border_steps;
  std::array<std::vector<std::size_t>, 2> readable;
  for (int side : {0, 1})
    for (std::size_t i : sides[std::size_t(side)]) {
      const int c = column_of(g, i), r = row_of(g, i);
      if (c >= border && r >= border && c < g.columns - border && r < g.rows - border) readable[std::size_t(side)].push_back(i);
    }
  const std::vector<int> rest_frames = ctx.rest_frames(), peak_frames = ctx.peak_frames();
  std::vector<double> shares;
  for (int rest : rest_frames)
    for (int peak : peak_frames) {
      const std::vector<std::uint8_t>& at_rest = ctx.m.cumulative[std::size_t(rest)].valid;
      const std::vector<std::uint8_t>& at_peak = ctx.m.cumulative[std::size_t(peak)].valid;
      double lower = 2.0;
      for (int side : {0, 1}) {
        if (sides[std::size_t(side)].size() < kMinSidePoints) continue;
        const std::vector<std::size_t>& points = readable[std::size_t(side)];
        const auto tracked = std::count_if(points.begin(), points.end(), [&](std::size_t i) { return at_rest[i] && at_peak[i]; });
        lower = std::min(lower, double(tracked) / double(sides[std::size_t(side)].size()));
      }
      shares.push_back(lower <= 1.0 ? lower : 0.0);
    }
  return balanced_median(std::move(shares));
}

}  // namespace ft::detection
