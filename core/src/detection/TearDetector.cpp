#include "ft/core/TearDetector.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "TrackedMuscle.h"
#include "ft/core/CandidateGates.h"
#include "ft/core/ContractionAnalysis.h"
#include "ft/core/Deformation.h"
#include "ft/core/FascicleOrientation.h"
#include "ft/core/FibreOrientation.h"
#include "ft/core/GapProfile.h"
#include "ft/core/MuscleLayers.h"

namespace ft {
namespace {

constexpr double kDeg = 180.0 / M_PI;

double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

struct Context {
  const MotionRecord& m;
  const FrameAt& frame_at;
  const DetectionSettings& s;
  FibreField fibres;                    // per material point, read on the rest frame
  std::vector<std::uint8_t> muscle;     // tracked at rest and at peak
  ContractionSummary contraction;
  std::vector<double> log_j;            // local area change, rest -> peak, log
  double log_j_median = 0;
  std::vector<double> fibre_strain;     // per point, rest -> peak along its fibres
  double dominant_fibre_deg = 0;        // coherence-weighted over the whole muscle
  Frame rest_image;
  double mm_per_px() const { return 0.5 * (m.mm_per_px_x + m.mm_per_px_y); }
  int rest() const { return contraction.rest_frame; }
  int peak() const { return contraction.peak_frame; }
};

int column_of(const DisplacementField& g, std::size_t i) { return int(i % std::size_t(g.columns)); }
int row_of(const DisplacementField& g, std::size_t i) { return int(i / std::size_t(g.columns)); }

// Position (frame px) in frame k of the tissue at frame-0 position (x0, y0).
void position_in(const MotionRecord& m, int k, double x0, double y0, double& x, double& y) {
  double dx = 0, dy = 0;
  displacement_at(m.cumulative[std::size_t(k)], x0, y0, dx, dy);
  x = x0 + dx;
  y = y0 + dy;
}

Tensor2 rest_to_frame(const Context& ctx, int k, int c, int r) {
  const Tensor2 fr = deformation_gradient(ctx.m.cumulative[std::size_t(ctx.rest())], c, r, ctx.s.baseline_steps,
                                          ctx.m.mm_per_px_x, ctx.m.mm_per_px_y);
  const Tensor2 fk = deformation_gradient(ctx.m.cumulative[std::size_t(k)], c, r, ctx.s.baseline_steps,
                                          ctx.m.mm_per_px_x, ctx.m.mm_per_px_y);
  return fk * fr.inverse();
}

// Fibre directions where each material point lies in the rest frame, measured on that
// frame at fascicle scale (contracted fibres are steeper: frame 0 may not be at rest).
FibreField fibres_at_rest(const MotionRecord& m, const Frame& rest_image, int rest, const DetectionSettings& s) {
  const DisplacementField& g = m.cumulative[0];
  const FibreField on_grid = fascicle_orientation(rest_image, m.region.bounds, g, 0.5 * (m.mm_per_px_x + m.mm_per_px_y));
  FibreField out{std::vector<float>(g.size(), 0.0f), std::vector<float>(g.size(), 0.0f)};
  const DisplacementField& u = m.cumulative[std::size_t(rest)];
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const std::size_t i = g.index(c, r);
      const int cc = int(std::lround(c + u.dx_px[i] / g.step_px)), rr = int(std::lround(r + u.dy_px[i] / g.step_px));
      if (cc < 0 || rr < 0 || cc >= g.columns || rr >= g.rows) continue;  // out of view at rest: no direction
      out.angle_deg[i] = on_grid.angle_deg[g.index(cc, rr)];
      out.coherence[i] = on_grid.coherence[g.index(cc, rr)];
    }
  return out;
}

// Coherence-weighted fibre direction of the muscle within 8 mm of a point, leaving out
// the evidence and 1.5 mm around it (the edges of a gap are lines too, across the
// fibres). Not the whole image's direction: neighbouring muscles are pennate the other
// way (rectus femoris over vastus intermedius), and their mean is nobody's fibres.
double local_fibre_direction(const Context& ctx, const std::vector<std::size_t>& comp, double cx, double cy) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const int dilate = std::max(1, int(std::lround(1.5 / (g.step_px * ctx.m.mm_per_px_x))));
  std::vector<std::uint8_t> excluded(g.size(), 0);
  for (std::size_t i : comp)
    for (int dr = -dilate; dr <= dilate; ++dr)
      for (int dc = -dilate; dc <= dilate; ++dc) {
        const int cc = column_of(g, i) + dc, rr = row_of(g, i) + dr;
        if (cc >= 0 && rr >= 0 && cc < g.columns && rr < g.rows) excluded[g.index(cc, rr)] = 1;
      }
  std::vector<float> angles, weights;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const std::size_t i = g.index(c, r);
      if (excluded[i] || !ctx.muscle[i]) continue;
      if (std::hypot((g.x_px(c) - cx) * ctx.m.mm_per_px_x, (g.y_px(r) - cy) * ctx.m.mm_per_px_y) > 8.0) continue;
      angles.push_back(ctx.fibres.angle_deg[i]);
      weights.push_back(ctx.fibres.coherence[i]);
    }
  return angles.empty() ? ctx.dominant_fibre_deg : mean_orientation_deg(angles, weights);
}

// Fibre strain rest -> peak at a grid point along a direction (rest frame), over +-2
// grid steps: one step each side is too noisy to tell a stump from fat or tendon.
double strain_along(const Context& ctx, int c, int r, double angle_deg) {
  const MotionRecord& m = ctx.m;
  const Tensor2 fr = deformation_gradient(m.cumulative[std::size_t(ctx.rest())], c, r, 2, m.mm_per_px_x, m.mm_per_px_y);
  const Tensor2 fp = deformation_gradient(m.cumulative[std::size_t(ctx.peak())], c, r, 2, m.mm_per_px_x, m.mm_per_px_y);
  return (fp * fr.inverse()).stretch_along(angle_deg) - 1.0;
}

// Median rest -> peak strain along the candidate's fibres of the tracked muscle within
// radius_mm of a point, outside the evidence: the reference a stump is compared with
// (its own compartment, not the whole image, whose other muscles contract differently).
double compartment_strain(const Context& ctx, double cx, double cy, double radius_mm, double angle_deg) {
  const DisplacementField& g = ctx.m.cumulative[0];
  std::vector<double> v;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const std::size_t i = g.index(c, r);
      if (!ctx.muscle[i] || ctx.log_j[i] - ctx.log_j_median > ctx.s.min_log_expansion) continue;
      if (std::hypot((g.x_px(c) - cx) * ctx.m.mm_per_px_x, (g.y_px(r) - cy) * ctx.m.mm_per_px_y) > radius_mm) continue;
      v.push_back(strain_along(ctx, c, r, angle_deg));
    }
  return v.size() < 5 ? ctx.contraction.peak_strain : median_of(std::move(v));
}

// The most-shortening tracked point within one grid step of (x, y); NaN when none is tracked.
double stump_strain_near(const Context& ctx, double x, double y, double angle_deg) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const int c = int(std::lround((x - g.origin_x_px) / g.step_px)), r = int(std::lround((y - g.origin_y_px) / g.step_px));
  double best = NAN;
  for (int dr = -1; dr <= 1; ++dr)
    for (int dc = -1; dc <= 1; ++dc) {
      const int cc = c + dc, rr = r + dr;
      if (cc < 0 || rr < 0 || cc >= g.columns || rr >= g.rows || !ctx.muscle[g.index(cc, rr)]) continue;
      const double s = strain_along(ctx, cc, rr, angle_deg);
      if (std::isnan(best) || s < best) best = s;
    }
  return best;
}

// The muscle's own deformation rest -> k around a point: the component-wise median of F
// over the tracked muscle within radius_mm, leaving out the evidence. Surfaces and
// fibres of the rest frame are carried into frame k by it (normals by F^-T).
Tensor2 compartment_deformation(const Context& ctx, double cx, double cy, int k, double radius_mm = 10.0) {
  const DisplacementField& g = ctx.m.cumulative[0];
  std::vector<double> xx, xy, yx, yy;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const std::size_t i = g.index(c, r);
      if (!ctx.muscle[i] || ctx.log_j[i] - ctx.log_j_median > ctx.s.min_log_expansion) continue;
      if (std::hypot((g.x_px(c) - cx) * ctx.m.mm_per_px_x, (g.y_px(r) - cy) * ctx.m.mm_per_px_y) > radius_mm) continue;
      const Tensor2 f = rest_to_frame(ctx, k, c, r);
      xx.push_back(f.xx);
      xy.push_back(f.xy);
      yx.push_back(f.yx);
      yy.push_back(f.yy);
    }
  if (xx.size() < 5) return Tensor2{};
  return Tensor2{median_of(xx), median_of(xy), median_of(yx), median_of(yy)};
}

// Enough tracked muscle around a point, with a deformation that is not folded, to
// measure the muscle's own strain there.
bool compartment_measurable(const Context& ctx, double cx, double cy) {
  const Tensor2 f = compartment_deformation(ctx, cx, cy, ctx.peak());
  const DisplacementField& g = ctx.m.cumulative[0];
  long n = 0;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c)
      n += ctx.muscle[g.index(c, r)] &&
           std::hypot((g.x_px(c) - cx) * ctx.m.mm_per_px_x, (g.y_px(r) - cy) * ctx.m.mm_per_px_y) <= 10.0;
  return n >= 5 && f.det() > 0.1;
}

// A rest-frame surface normal (deg) as it lies after deformation f (normals go by F^-T).
double carried_normal_deg(const Tensor2& f, double normal_deg) {
  const Tensor2 inv = f.inverse();
  const double nx = std::cos(normal_deg / kDeg), ny = std::sin(normal_deg / kDeg);
  return std::atan2(inv.xy * nx + inv.yy * ny, inv.xx * nx + inv.yx * ny) * kDeg;
}

// A rest-frame fibre direction (deg) after deformation f.
double carried_direction_deg(const Tensor2& f, double angle_deg) {
  const double ax = std::cos(angle_deg / kDeg), ay = std::sin(angle_deg / kDeg);
  return std::atan2(f.yx * ax + f.yy * ay, f.xx * ax + f.xy * ay) * kDeg;
}

// Median stretch of the muscle along a direction (angle in the rest frame) from rest to k.
double muscle_stretch(const Context& ctx, int k, double angle_deg) {
  const DisplacementField& a = ctx.m.cumulative[0];
  std::vector<double> v;
  for (int r = 0; r < a.rows; r += 2)
    for (int c = 0; c < a.columns; c += 2)
      if (ctx.muscle[a.index(c, r)]) v.push_back(rest_to_frame(ctx, k, c, r).stretch_along(angle_deg));
  return v.empty() ? 1.0 : median_of(std::move(v));
}

// Share of the tracked muscle in a ring 1-4 mm around the patch.
double surround_tracked(const Context& ctx, const std::vector<std::size_t>& comp) {
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
  long n = 0, tracked = 0;
  for (std::size_t i = 0; i < ring.size(); ++i)
    if (ring[i]) {
      ++n;
      tracked += ctx.muscle[i];
    }
  return n ? double(tracked) / double(n) : 0.0;
}

// Centre, surface and fibres of a patch: the first half of the evidence.
void measure_surface(const Context& ctx, const std::vector<std::size_t>& comp, CandidateEvidence& ev) {
  const DisplacementField& g = ctx.m.cumulative[0];
  double wsum = 0, cx = 0, cy = 0, gxx = 0, gxy = 0, gyx = 0, gyy = 0;
  for (std::size_t i : comp) {
    const double e = ctx.log_j[i] - ctx.log_j_median;
    const int c = column_of(g, i), r = row_of(g, i);
    cx += e * g.x_px(c);
    cy += e * g.y_px(r);
    const Tensor2 f = rest_to_frame(ctx, ctx.peak(), c, r);
    gxx += e * (f.xx - 1);
    gxy += e * f.xy;
    gyx += e * f.yx;
    gyy += e * (f.yy - 1);
    wsum += e;
  }
  ev.centre_col_px = cx / wsum;
  ev.centre_row_px = cy / wsum;
  ev.points = int(comp.size());
  ev.area_mm2 = double(comp.size()) * g.step_px * g.step_px * ctx.m.mm_per_px_x * ctx.m.mm_per_px_y;
  ev.log_area_growth = wsum / double(comp.size());
  const gates::SurfaceMotion motion = gates::surface_motion(Tensor2{gxx / wsum, gxy / wsum, gyx / wsum, gyy / wsum});
  ev.surface_normal_deg = motion.normal_deg;
  ev.opening_share = motion.opening_share;
  ev.fibre_angle_deg = local_fibre_direction(ctx, comp, ev.centre_col_px, ev.centre_row_px);
  ev.fibre_cut = gates::fibre_cut(ev.fibre_angle_deg, ev.surface_normal_deg);
  ev.surround_tracked_share = surround_tracked(ctx, comp);

}

// A bright fascial plane (aponeurosis) within reach of the patch's centre on the rest image.
bool near_aponeurosis(const Context& ctx, double cx, double cy) {
  double rx, ry;
  position_in(ctx.m, ctx.rest(), cx, cy, rx, ry);
  for (double plane : bright_planes(ctx.rest_image, ctx.m.region.bounds, rx, ctx.mm_per_px()))
    if (std::abs(plane - ry) * ctx.m.mm_per_px_y <= ctx.s.aponeurosis_reach_mm) return true;
  return false;
}

std::optional<TearFinding> reject(CandidateEvidence& ev, const char* gate, const std::string& reason) {
  ev.decision = gate;
  ev.reason = reason;
  return std::nullopt;
}

struct Geometry {
  double nx = 1, ny = 0;          // surface normal (rest frame)
  double reach_mm = 0;            // from the centre to each stump sample
  double ax = 0, ay = 0, bx = 0, by = 0;  // stump samples, frame-0 px
  double span_mm = 0;             // vertical extent of the patch
  double along_mm = 0;            // extent along the surface
};

Geometry patch_geometry(const Context& ctx, const std::vector<std::size_t>& comp, const CandidateEvidence& ev) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  Geometry geo;
  geo.nx = std::cos(ev.surface_normal_deg / kDeg);
  geo.ny = std::sin(ev.surface_normal_deg / kDeg);
  double lo = 1e30, hi = -1e30, y_lo = 1e30, y_hi = -1e30, t_lo = 1e30, t_hi = -1e30;
  for (std::size_t i : comp) {
    const double dx = (g.x_px(column_of(g, i)) - ev.centre_col_px) * sx, dy = (g.y_px(row_of(g, i)) - ev.centre_row_px) * sy;
    lo = std::min(lo, dx * geo.nx + dy * geo.ny);
    hi = std::max(hi, dx * geo.nx + dy * geo.ny);
    t_lo = std::min(t_lo, -dx * geo.ny + dy * geo.nx);
    t_hi = std::max(t_hi, -dx * geo.ny + dy * geo.nx);
    y_lo = std::min(y_lo, g.y_px(row_of(g, i)));
    y_hi = std::max(y_hi, g.y_px(row_of(g, i)));
  }
  const double step_mm = g.step_px * 0.5 * (sx + sy);
  geo.reach_mm = 0.5 * (hi - lo) + 0.5 * step_mm + ctx.s.stump_margin_mm;
  geo.ax = ev.centre_col_px - geo.reach_mm * geo.nx / sx;
  geo.ay = ev.centre_row_px - geo.reach_mm * geo.ny / sy;
  geo.bx = ev.centre_col_px + geo.reach_mm * geo.nx / sx;
  geo.by = ev.centre_row_px + geo.reach_mm * geo.ny / sy;
  geo.span_mm = (y_hi - y_lo) * sy + step_mm;
  geo.along_mm = (t_hi - t_lo) + step_mm;
  return geo;
}

// Separation of the stumps across the surface beyond the muscle's own strain, per frame.
// The surface turns with the tissue (fascicles rotate 20 -> 45 deg in a real
// contraction): separation is read along the normal as it lies in each frame, and
// intact muscle would have carried the rest separation d to d / |F^-T n|.
std::vector<double> opening_by_frame(const Context& ctx, const Geometry& geo, double normal_deg, double cx, double cy) {
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  double xa, ya, xb, yb;
  position_in(ctx.m, ctx.rest(), geo.ax, geo.ay, xa, ya);
  position_in(ctx.m, ctx.rest(), geo.bx, geo.by, xb, yb);
  const double d_rest = (xb - xa) * sx * geo.nx + (yb - ya) * sy * geo.ny;
  std::vector<double> opening(std::size_t(ctx.m.frame_count()), 0.0);
  for (int k = 0; k < ctx.m.frame_count(); ++k) {
    const Tensor2 f = compartment_deformation(ctx, cx, cy, k);
    const Tensor2 inv = f.inverse();
    const double mx = inv.xx * geo.nx + inv.yx * geo.ny, my = inv.xy * geo.nx + inv.yy * geo.ny;  // F^-T n
    const double length = std::max(1e-6, std::hypot(mx, my));
    position_in(ctx.m, k, geo.ax, geo.ay, xa, ya);
    position_in(ctx.m, k, geo.bx, geo.by, xb, yb);
    const double separation = ((xb - xa) * sx * mx + (yb - ya) * sy * my) / length;
    opening[std::size_t(k)] = separation - d_rest / length;
  }
  return opening;
}

// Each stump's share of the opening: its end's distance from the gap's centre beyond the
// muscle's strain.
double stump_retraction(const Context& ctx, const Geometry& geo, double px, double py, double cx, double cy, int k,
                        double normal_deg) {
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  double xs, ys, xc, yc, xs0, ys0, xc0, yc0;
  position_in(ctx.m, k, px, py, xs, ys);
  position_in(ctx.m, k, cx, cy, xc, yc);
  position_in(ctx.m, ctx.rest(), px, py, xs0, ys0);
  position_in(ctx.m, ctx.rest(), cx, cy, xc0, yc0);
  const double now = std::abs((xs - xc) * sx * geo.nx + (ys - yc) * sy * geo.ny);
  const double before = std::abs((xs0 - xc0) * sx * geo.nx + (ys0 - yc0) * sy * geo.ny);
  return now - muscle_stretch(ctx, k, normal_deg) * before;
}

// Thickness of the muscle compartment at the finding (rest frame), in mm; <= 0 when it
// cannot be measured.
double compartment_thickness_mm(const Context& ctx, double cx, double cy, double reach_mm) {
  const MotionRecord& m = ctx.m;
  const DisplacementField& g = m.cumulative[0];
  double rx, ry;
  position_in(m, ctx.rest(), cx, cy, rx, ry);
  Compartment comp = compartment_at(ctx.rest_image, m.region.bounds, rx, ry, (reach_mm + 1.0) / m.mm_per_px_x, m.mm_per_px_y);
  if (!comp.top_is_plane || !comp.bottom_is_plane) {
    // No fascial plane seen: the tracked tissue's own extent in this column bounds it,
    // taken where that tissue lies in the rest frame.
    double top = 1e30, bottom = -1e30;
    const DisplacementField& u = m.cumulative[std::size_t(ctx.rest())];
    for (int r = 0; r < g.rows; ++r)
      for (int c = 0; c < g.columns; ++c) {
        const std::size_t i = g.index(c, r);
        if (!ctx.muscle[i]) continue;
        const double x = g.x_px(c) + u.dx_px[i], y = g.y_px(r) + u.dy_px[i];
        if (std::abs(x - rx) * m.mm_per_px_x >= 2.0) continue;
        top = std::min(top, y);
        bottom = std::max(bottom, y);
      }
    if (top < bottom) {
      if (!comp.top_is_plane) comp.top_y_px = std::min(top, ry);
      if (!comp.bottom_is_plane) comp.bottom_y_px = std::max(bottom, ry);
    }
  }
  return comp.thickness_px() * m.mm_per_px_y;
}

std::optional<TearFinding> evaluate(const Context& ctx, const std::vector<std::size_t>& comp, CandidateEvidence& ev) {
  const MotionRecord& m = ctx.m;
  const double sx = m.mm_per_px_x, sy = m.mm_per_px_y;
  measure_surface(ctx, comp, ev);
  const double cx = ev.centre_col_px, cy = ev.centre_row_px;
  ev.near_aponeurosis = near_aponeurosis(ctx, cx, cy);
  const gates::SurfaceClass surface = gates::classify_surface(ev.fibre_cut, ev.opening_share, ev.near_aponeurosis, ctx.s);
  if (surface == gates::SurfaceClass::Sliding)
    return reject(ev, "sliding", "the tissue on the two sides slides along the surface instead of pulling apart");
  if (surface == gates::SurfaceClass::FascialPlane)
    return reject(ev, "fascial_plane", "the surface runs along the fibres away from an aponeurosis, or slides: a plane where muscles glide");
  const bool myotendinous = surface == gates::SurfaceClass::AlongFibresOnAponeurosis;
  ev.kind = myotendinous ? "myotendinous" : "intramuscular";
  const Geometry geo = patch_geometry(ctx, comp, ev);
  // Stumps: tracked muscle on both sides that contracts like its compartment. Off an
  // aponeurosis, only the muscle side contracts; the tendon side is carried.
  ev.muscle_strain = compartment_strain(ctx, cx, cy, 10.0, ev.fibre_angle_deg);
  ev.stump_strain[0] = stump_strain_near(ctx, geo.ax, geo.ay, ev.fibre_angle_deg);
  ev.stump_strain[1] = stump_strain_near(ctx, geo.bx, geo.by, ev.fibre_angle_deg);
  if (std::isnan(ev.stump_strain[0]) || std::isnan(ev.stump_strain[1]))
    return reject(ev, "stumps_untracked", "the tissue on one side of the surface was not tracked at rest and peak");
  const int contracting = int(gates::is_contracting(ev.stump_strain[0], ev.muscle_strain, ctx.s)) +
                          int(gates::is_contracting(ev.stump_strain[1], ev.muscle_strain, ctx.s));
  if (contracting < (myotendinous ? 1 : 2))
    return reject(ev, "stumps_not_contracting", "the tissue on the sides does not shorten like the muscle around it (fat, tendon or bone carried along)");
  if (!compartment_measurable(ctx, cx, cy))
    return reject(ev, "compartment_untracked", "too little tracked muscle around the patch to know the muscle's own strain");
  const std::vector<double> opening = opening_by_frame(ctx, geo, ev.surface_normal_deg, cx, cy);
  const int best = int(std::max_element(opening.begin(), opening.end()) - opening.begin());
  ev.best_frame = best;
  ev.opening_mm = opening[std::size_t(best)];
  {
    // Decorrelation where the gap is widest, not at the contraction's peak.
    const DisplacementField& at_best = ctx.m.cumulative[std::size_t(best)];
    std::size_t untracked = 0;
    for (std::size_t i : comp) untracked += !at_best.valid[i];
    ev.untracked_share = double(untracked) / double(comp.size());
  }
  if (ev.opening_mm < ctx.s.min_opening_mm)
    return reject(ev, "no_opening", "the two sides do not separate by more than the muscle's own strain");
  // Gap at rest and at peak from the image (dark band across the surface).
  double rx, ry, px, py;
  position_in(m, ctx.rest(), cx, cy, rx, ry);
  position_in(m, best, cx, cy, px, py);
  const double band_half_mm = std::max(0.5, 0.3 * (myotendinous ? geo.along_mm : geo.span_mm));
  const BandWidth band = dark_band_width(ctx.rest_image, m.region.bounds, rx, ry, ev.surface_normal_deg, band_half_mm, ctx.mm_per_px());
  const Tensor2 f_best = compartment_deformation(ctx, cx, cy, best);
  const double normal_best_deg = carried_normal_deg(f_best, ev.surface_normal_deg);
  const double fibre_best_deg = carried_direction_deg(f_best, ev.fibre_angle_deg);
  const BandWidth band_peak = dark_band_width(ctx.frame_at(best), m.region.bounds, px, py, normal_best_deg, band_half_mm, ctx.mm_per_px());
  ev.band_rest_mm = band.found ? band.width_mm : 0.0;
  ev.band_peak_mm = band_peak.found ? band_peak.width_mm : 0.0;
  ev.band_contrast = std::max(band.contrast, band_peak.contrast);
  if (!gates::holds_haematoma(band, band_peak, ev.untracked_share, ev.surround_tracked_share, ctx.s))
    return reject(ev, "no_haematoma", "the gap is neither dark nor decorrelating inside tracked muscle: motion alone is not a tear");
  // Along an aponeurosis the planes where muscles glide decorrelate too: a myotendinous
  // tear must show its fluid, a dark layer that widens as the fibres pull off.
  if (myotendinous && !gates::band_widens(band, band_peak, 0.5 * ctx.s.min_opening_mm))
    return reject(ev, "no_fluid_at_aponeurosis", "no dark layer widens between the aponeurosis and the fibre ends");
  if (gates::band_stays_the_same(band, band_peak))
    return reject(ev, "band_does_not_widen", "a dark band no wider at peak than at rest is a structure (vessel, fat, septum)");
  ev.decision = "reported";
  ev.reason = myotendinous ? "fibre ends pull away from the aponeurosis under contraction"
                           : "fibre ends across the surface separate under contraction";

  TearFinding f;
  f.kind = myotendinous ? TearKind::Myotendinous : TearKind::Intramuscular;
  f.frame = best;
  f.opening_mm = ev.opening_mm;
  f.centre_col_px = px;
  f.centre_row_px = py;
  f.centre_x_mm = (px - m.region.bounds.x0_px) * sx;
  f.centre_z_mm = (py - m.region.bounds.y0_px) * sy;
  f.muscle_thickness_mm = compartment_thickness_mm(ctx, cx, cy, geo.reach_mm);
  if (f.muscle_thickness_mm > 0)
    f.extent_pct = std::min(100.0, 100.0 * geo.span_mm / f.muscle_thickness_mm);
  else
    f.extent_pct = -1.0;  // unmeasurable: said in the notes, never 0 %
  // Gaps are reported along the fibres; a surface along them (myotendinous) is crossed obliquely.
  // Both read in their own frame: fibres and surface turn between rest and peak.
  const double floor_cut = myotendinous ? 0.25 : ctx.s.min_fibre_cut;
  const double alignment = std::max(floor_cut, ev.fibre_cut);
  const double alignment_best = std::max(floor_cut, gates::fibre_cut(fibre_best_deg, normal_best_deg));
  const double gap_rest_normal = ev.band_rest_mm;
  const double gap_peak_normal = band_peak.found ? band_peak.width_mm : gap_rest_normal + ev.opening_mm;
  f.gap_rest_mm = gap_rest_normal / alignment;
  f.gap_mm = std::max(f.gap_rest_mm, gap_peak_normal / alignment_best);
  f.retraction_mm = 0.5 * (f.gap_mm - f.gap_rest_mm);
  f.surface_angle_deg = normal_best_deg;
  f.fibre_angle_deg = fibre_best_deg;
  const double left = stump_retraction(ctx, geo, geo.ax, geo.ay, cx, cy, best, ev.surface_normal_deg);
  const double right = stump_retraction(ctx, geo, geo.bx, geo.by, cx, cy, best, ev.surface_normal_deg);
  const double left_fraction = left + right > 1e-6 ? std::clamp(left / (left + right), 0.0, 1.0) : 0.5;
  f.retraction_left_mm = 2.0 * f.retraction_mm * left_fraction;
  f.retraction_right_mm = 2.0 * f.retraction_mm * (1.0 - left_fraction);
  // Gap-time curve: the tracked opening, scaled to meet the measured gap at peak.
  const double scale = ev.opening_mm > 0 ? (f.gap_mm - f.gap_rest_mm) / ev.opening_mm : 1.0;
  for (double o : opening) f.gap_by_frame_mm.push_back(std::max(0.0, f.gap_rest_mm + scale * o));
  if (myotendinous)
    f.grade = TearGrade::Partial;  // fibres off part of an aponeurosis; its length is in the extent
  else
    f.grade = f.extent_pct >= 0 && f.extent_pct < 5.0 ? TearGrade::Minimal
              : (f.extent_pct >= 90.0 && f.retraction_mm >= 0.5) ? TearGrade::CompleteWithRetraction
                                                                  : TearGrade::Partial;
  // Confidence: how far the opening clears the reporting threshold, whether the gap is
  // hypoechoic, and how cleanly it opens.
  // Loss of tracking is never counted for a tear here: it has too many other causes.
  const double z = 3.0 * (ev.opening_mm / ctx.s.min_opening_mm - 1.0) + 4.0 * (ev.band_contrast - 0.15) +
                   2.0 * (ev.opening_share - 0.8);
  f.confidence = 1.0 / (1.0 + std::exp(-z));
  return f;
}

// Per point maps for --explain and the candidates' threshold.
void fill_maps(const Context& ctx, const std::vector<std::uint8_t>& candidate, EvidenceMaps& maps) {
  const DisplacementField& g = ctx.m.cumulative[0];
  maps.columns = g.columns;
  maps.rows = g.rows;
  maps.origin_x_px = g.origin_x_px;
  maps.origin_y_px = g.origin_y_px;
  maps.step_px = g.step_px;
  maps.log_area_growth.resize(g.size());
  maps.opening_share.resize(g.size());
  maps.fibre_strain.resize(g.size());
  maps.fibre_angle_deg = ctx.fibres.angle_deg;
  maps.tracked = ctx.muscle;
  maps.candidate = candidate;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const std::size_t i = g.index(c, r);
      maps.log_area_growth[i] = float(ctx.log_j[i] - ctx.log_j_median);
      maps.fibre_strain[i] = float(ctx.fibre_strain[i]);
      const Tensor2 f = rest_to_frame(ctx, ctx.peak(), c, r);
      maps.opening_share[i] = float(gates::surface_motion(Tensor2{f.xx - 1, f.xy, f.yx, f.yy - 1}).opening_share);
    }
}

}  // namespace

DetectionResult detect_tears(const MotionRecord& m, const FrameAt& frame_at, const DetectionSettings& s) {
  DetectionResult result;
  result.calibrated = m.region.has_mm_calibration();
  if (m.frame_count() < 3) {
    result.notes.push_back("fewer than 3 frames: a tear is judged by how it opens over a contraction");
    return result;
  }
  const DisplacementField& g = m.cumulative[0];
  // Rest and peak from the tissue tracked through most of the clip; the comparison
  // itself then reads only what is tracked at both.
  const std::vector<std::uint8_t> steady = detection::tracked_in_most_frames(m, s.border_steps, 0.5);
  if (std::count(steady.begin(), steady.end(), 1) < 20) {
    result.notes.push_back("no tissue could be tracked through the clip (no speckle, or the image changed too much)");
    return result;
  }
  FibreField fibres0 = fascicle_orientation(frame_at(0), m.region.bounds, g, 0.5 * (m.mm_per_px_x + m.mm_per_px_y));
  long undirected = 0;
  for (std::size_t i = 0; i < fibres0.angle_deg.size(); ++i)
    if (fibres0.coherence[i] < s.min_fibre_coherence) {
      // No direction in the texture: a longitudinal scan's fibres run along the image.
      fibres0.angle_deg[i] = 0.0f;
      undirected += steady[i];
    }
  if (undirected > std::count(steady.begin(), steady.end(), 1) / 2)
    result.notes.push_back("little fibre texture: fibres taken to run along the image (longitudinal scan)");
  result.contraction = analyse_contraction(m, fibres0, steady, s.baseline_steps);
  const int rest = result.contraction.rest_frame, peak = result.contraction.peak_frame;
  result.tracked_fraction = detection::tracked_fraction(m, s.border_steps, rest, peak);
  if (result.tracked_fraction < s.min_tracked_fraction) {
    std::ostringstream note;
    note << "only " << int(std::lround(100.0 * result.tracked_fraction))
         << " % of the trackable tissue was tracked from rest to peak contraction: a missed tear is possible";
    result.notes.push_back(note.str());
  }
  if (result.contraction.peak_strain > -s.min_peak_strain) {
    std::ostringstream note;
    note << "no contraction: fibre strain between the most relaxed and most contracted frames is "
         << 100.0 * result.contraction.peak_strain << " %";
    result.notes.push_back(note.str());
    return result;
  }
  Context ctx{m, frame_at, s, {}, detection::tracked_at(m, s.border_steps, rest, peak), result.contraction,
              {}, 0.0, {}, 0.0, frame_at(rest)};
  ctx.fibres = rest == 0 ? fibres0 : fibres_at_rest(m, ctx.rest_image, rest, s);
  for (std::size_t i = 0; i < ctx.fibres.angle_deg.size(); ++i)
    if (ctx.fibres.coherence[i] < s.min_fibre_coherence) ctx.fibres.angle_deg[i] = 0.0f;
  {
    std::vector<float> angles, weights;
    for (std::size_t i = 0; i < g.size(); ++i)
      if (ctx.muscle[i]) {
        angles.push_back(ctx.fibres.angle_deg[i]);
        weights.push_back(ctx.fibres.coherence[i]);
      }
    ctx.dominant_fibre_deg = mean_orientation_deg(angles, weights);
  }
  ctx.log_j.assign(g.size(), 0.0);
  ctx.fibre_strain.assign(g.size(), 0.0);
  std::vector<double> muscle_values;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const Tensor2 f = rest_to_frame(ctx, peak, c, r);
      const std::size_t i = g.index(c, r);
      ctx.log_j[i] = std::log(std::max(0.05, f.det()));
      ctx.fibre_strain[i] = f.stretch_along(ctx.fibres.angle_deg[i]) - 1.0;
      if (ctx.muscle[i]) muscle_values.push_back(ctx.log_j[i]);
    }
  ctx.log_j_median = median_of(muscle_values);
  for (double& v : muscle_values) v = std::abs(v - ctx.log_j_median);
  const double sigma = 1.4826 * median_of(muscle_values);
  const double threshold = ctx.log_j_median + std::max(s.min_log_expansion, s.noise_multiple * sigma);
  std::vector<std::uint8_t> candidate(g.size(), 0);
  for (int r = s.border_steps; r < g.rows - s.border_steps; ++r)
    for (int c = s.border_steps; c < g.columns - s.border_steps; ++c)
      candidate[g.index(c, r)] = ctx.log_j[g.index(c, r)] > threshold;
  fill_maps(ctx, candidate, result.maps);
  result.maps.muscle_sd = sigma;
  result.maps.candidate_threshold = threshold - ctx.log_j_median;
  const double point_area_mm2 = g.step_px * g.step_px * m.mm_per_px_x * m.mm_per_px_y;
  for (const auto& comp : detection::components(candidate, g.columns, g.rows)) {
    CandidateEvidence ev;
    if (double(comp.size()) * point_area_mm2 < s.min_evidence_area_mm2) {
      ev.points = int(comp.size());
      ev.area_mm2 = double(comp.size()) * point_area_mm2;
      const std::size_t i = comp.front();
      ev.centre_col_px = g.x_px(int(i % std::size_t(g.columns)));
      ev.centre_row_px = g.y_px(int(i / std::size_t(g.columns)));
      ev.decision = "too_small";
      ev.reason = "a patch smaller than min_evidence_area_mm2 is tracking noise";
      result.candidates.push_back(std::move(ev));
      continue;
    }
    if (auto f = evaluate(ctx, comp, ev)) result.findings.push_back(*f);
    result.candidates.push_back(std::move(ev));
  }
  std::sort(result.findings.begin(), result.findings.end(),
            [](const TearFinding& a, const TearFinding& b) { return a.confidence > b.confidence; });
  // One finding per lesion: drop weaker ones within 3 mm of a stronger one.
  std::vector<TearFinding> kept;
  for (const auto& f : result.findings) {
    bool near = false;
    for (const auto& k : kept) near |= std::hypot(f.centre_x_mm - k.centre_x_mm, f.centre_z_mm - k.centre_z_mm) < 3.0;
    if (!near) kept.push_back(f);
  }
  result.findings = std::move(kept);
  for (const auto& f : result.findings)
    if (f.extent_pct < 0)
      result.notes.push_back("the muscle's thickness could not be measured at a finding: its extent is unknown");
  result.tear_detected = !result.findings.empty();
  if (!result.tear_detected) result.notes.push_back("no fibre discontinuity opened under contraction");
  result.conclusive = result.tear_detected || result.tracked_fraction >= s.min_tracked_fraction;
  return result;
}

}  // namespace ft
