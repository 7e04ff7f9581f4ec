#include "ft/core/TearDetector.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <optional>
#include <queue>
#include <sstream>

#include "ft/core/ContractionAnalysis.h"
#include "ft/core/Deformation.h"
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

// Points tracked reliably through most of the clip, away from the region's edge.
std::vector<std::uint8_t> muscle_mask(const MotionRecord& m, int border) {
  const DisplacementField& g = m.cumulative[0];
  std::vector<std::uint8_t> mask(g.size(), 0);
  for (int r = border; r < g.rows - border; ++r)
    for (int c = border; c < g.columns - border; ++c) {
      int valid = 0;
      for (const auto& f : m.cumulative) valid += f.valid[f.index(c, r)];
      mask[g.index(c, r)] = valid >= int(0.7 * m.frame_count());
    }
  return mask;
}

// Connected groups (8-neighbourhood) of set points.
std::vector<std::vector<std::size_t>> components(const std::vector<std::uint8_t>& set, int columns, int rows) {
  std::vector<std::vector<std::size_t>> out;
  std::vector<std::uint8_t> seen(set.size(), 0);
  for (std::size_t start = 0; start < set.size(); ++start) {
    if (!set[start] || seen[start]) continue;
    std::vector<std::size_t> comp;
    std::queue<std::size_t> pending;
    pending.push(start);
    seen[start] = 1;
    while (!pending.empty()) {
      const std::size_t i = pending.front();
      pending.pop();
      comp.push_back(i);
      const int c = int(i % std::size_t(columns)), r = int(i / std::size_t(columns));
      for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) {
          const int cc = c + dc, rr = r + dr;
          if (cc < 0 || rr < 0 || cc >= columns || rr >= rows) continue;
          const std::size_t j = std::size_t(rr) * columns + cc;
          if (set[j] && !seen[j]) {
            seen[j] = 1;
            pending.push(j);
          }
        }
    }
    out.push_back(std::move(comp));
  }
  return out;
}

struct Context {
  const MotionRecord& m;
  const FrameAt& frame_at;
  const DetectionSettings& s;
  const FibreField& fibres;
  const std::vector<std::uint8_t>& muscle;
  const ContractionSummary& contraction;
  std::vector<double> log_j;  // local area change, rest -> peak, log
  double log_j_median = 0;
  std::vector<std::uint8_t> contracting;  // muscle that shortens along its fibres (not fat, bone, skin)
  double dominant_fibre_deg = 0;          // coherence-weighted over the whole muscle
};

// Position (frame px) in frame k of the tissue at frame-0 position p.
void position_in(const MotionRecord& m, int k, double x0, double y0, double& x, double& y) {
  double dx = 0, dy = 0;
  displacement_at(m.cumulative[std::size_t(k)], x0, y0, dx, dy);
  x = x0 + dx;
  y = y0 + dy;
}

// Stumps are contracting muscle: tracked through the clip and shortening along their
// fibres, within one grid step of the point.
bool is_muscle_near(const Context& ctx, double x, double y) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const int c = int(std::lround((x - g.origin_x_px) / g.step_px)), r = int(std::lround((y - g.origin_y_px) / g.step_px));
  for (int dr = -1; dr <= 1; ++dr)
    for (int dc = -1; dc <= 1; ++dc) {
      const int cc = c + dc, rr = r + dr;
      if (cc >= 0 && rr >= 0 && cc < g.columns && rr < g.rows && ctx.contracting[g.index(cc, rr)]) return true;
    }
  return false;
}

// Muscle points whose fibres shorten from rest to peak by at least a third of the
// muscle's median shortening (over +-2 grid steps, to keep noise down). Fat, skin,
// tendon and bone are carried along but do not shorten actively.
std::vector<std::uint8_t> contracting_mask(const MotionRecord& m, const FibreField& fibres,
                                           const std::vector<std::uint8_t>& muscle, const ContractionSummary& c,
                                           const DetectionSettings& s) {
  const DisplacementField& g = m.cumulative[0];
  const DisplacementField& rest = m.cumulative[std::size_t(c.rest_frame)];
  const DisplacementField& peak = m.cumulative[std::size_t(c.peak_frame)];
  // The muscle's dominant fibre direction: local estimates are disturbed next to a gap,
  // whose edges are lines across the fibres.
  std::vector<float> angles, weights;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (muscle[i]) {
      angles.push_back(fibres.angle_deg[i]);
      weights.push_back(fibres.coherence[i]);
    }
  const double dominant = mean_orientation_deg(angles, weights);
  std::vector<std::uint8_t> mask(g.size(), 0);
  for (int r = 0; r < g.rows; ++r)
    for (int col = 0; col < g.columns; ++col) {
      const std::size_t i = g.index(col, r);
      if (!muscle[i]) continue;
      const Tensor2 fr = deformation_gradient(rest, col, r, 2, m.mm_per_px_x, m.mm_per_px_y);
      const Tensor2 fp = deformation_gradient(peak, col, r, 2, m.mm_per_px_x, m.mm_per_px_y);
      const double strain = (fp * fr.inverse()).stretch_along(dominant) - 1.0;
      mask[i] = strain < s.contracting_share * c.peak_strain;
    }
  return mask;
}

// Median stretch of the muscle along a direction (angle in frame `from`) between frames.
double muscle_stretch(const Context& ctx, int from, int to, double angle_deg) {
  const DisplacementField& a = ctx.m.cumulative[std::size_t(from)];
  const DisplacementField& b = ctx.m.cumulative[std::size_t(to)];
  std::vector<double> v;
  for (int r = 0; r < a.rows; r += 2)
    for (int c = 0; c < a.columns; c += 2) {
      if (!ctx.muscle[a.index(c, r)]) continue;
      const Tensor2 fa = deformation_gradient(a, c, r, ctx.s.baseline_steps, ctx.m.mm_per_px_x, ctx.m.mm_per_px_y);
      const Tensor2 fb = deformation_gradient(b, c, r, ctx.s.baseline_steps, ctx.m.mm_per_px_x, ctx.m.mm_per_px_y);
      v.push_back((fb * fa.inverse()).stretch_along(angle_deg));
    }
  return v.empty() ? 1.0 : median_of(std::move(v));
}

// Coherence-weighted fibre direction of the muscle within 8 mm of a point, leaving out
// the evidence and 1.5 mm around it (the edges of a gap are lines too, across the
// fibres). Where that disagrees with the whole muscle's direction by more than 25 deg,
// the local estimate is taken as disturbed and the muscle's direction is used.
double local_fibre_direction(const Context& ctx, const std::vector<std::size_t>& comp, double cx, double cy) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const int dilate = std::max(1, int(std::lround(1.5 / (g.step_px * ctx.m.mm_per_px_x))));
  std::vector<std::uint8_t> excluded(g.size(), 0);
  for (std::size_t i : comp) {
    const int c = int(i % std::size_t(g.columns)), r = int(i / std::size_t(g.columns));
    for (int dr = -dilate; dr <= dilate; ++dr)
      for (int dc = -dilate; dc <= dilate; ++dc) {
        const int cc = c + dc, rr = r + dr;
        if (cc >= 0 && rr >= 0 && cc < g.columns && rr < g.rows) excluded[g.index(cc, rr)] = 1;
      }
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
  if (angles.empty()) return ctx.dominant_fibre_deg;
  const double local = mean_orientation_deg(angles, weights);
  double difference = std::abs(local - ctx.dominant_fibre_deg);
  difference = std::min(difference, 180.0 - difference);
  return difference > 25.0 ? ctx.dominant_fibre_deg : local;
}

std::optional<TearFinding> evaluate(const Context& ctx, const std::vector<std::size_t>& comp) {
  const MotionRecord& m = ctx.m;
  const DisplacementField& g = m.cumulative[0];
  const double sx = m.mm_per_px_x, sy = m.mm_per_px_y;
  const int rest = ctx.contraction.rest_frame, peak = ctx.contraction.peak_frame;
  // Centre of the evidence (weighted by it, frame-0 px).
  double wsum = 0, cx = 0, cy = 0;
  for (std::size_t i : comp) {
    const double e = ctx.log_j[i] - ctx.log_j_median;
    const int c = int(i % std::size_t(g.columns)), r = int(i / std::size_t(g.columns));
    cx += e * g.x_px(c);
    cy += e * g.y_px(r);
    wsum += e;
  }
  cx /= wsum;
  cy /= wsum;
  // The surface of the discontinuity and how it moves: the displacement gradient
  // G = F - I (rest -> peak), averaged over the evidence, is close to a (x) n for a jump
  // a across a surface with normal n. Its largest singular vectors give both: a tear
  // opens (a along n), a sliding plane shears (a along the surface).
  double gxx = 0, gxy = 0, gyx = 0, gyy = 0, w = 0;
  for (std::size_t i : comp) {
    const int c = int(i % std::size_t(g.columns)), r = int(i / std::size_t(g.columns));
    const Tensor2 fr = deformation_gradient(m.cumulative[std::size_t(rest)], c, r, ctx.s.baseline_steps, sx, sy);
    const Tensor2 fp = deformation_gradient(m.cumulative[std::size_t(peak)], c, r, ctx.s.baseline_steps, sx, sy);
    const Tensor2 f = fp * fr.inverse();
    const double e = ctx.log_j[i] - ctx.log_j_median;
    gxx += e * (f.xx - 1);
    gxy += e * f.xy;
    gyx += e * f.yx;
    gyy += e * (f.yy - 1);
    w += e;
  }
  const Tensor2 jump{gxx / w, gxy / w, gyx / w, gyy / w};
  // Right singular vector of G: eigenvector of G^T G with the largest eigenvalue.
  const double a11 = jump.xx * jump.xx + jump.yx * jump.yx, a22 = jump.xy * jump.xy + jump.yy * jump.yy;
  const double a12 = jump.xx * jump.xy + jump.yx * jump.yy;
  double normal_deg = 0.5 * std::atan2(2 * a12, a11 - a22) * kDeg;
  if (normal_deg > 90.0) normal_deg -= 180.0;
  if (normal_deg <= -90.0) normal_deg += 180.0;
  const double nx = std::cos(normal_deg / kDeg), ny = std::sin(normal_deg / kDeg);
  // Share of the jump that opens the surface rather than sliding along it.
  const double jx = jump.xx * nx + jump.xy * ny, jy = jump.yx * nx + jump.yy * ny;
  const double opening_share = (jx * nx + jy * ny) / std::max(1e-12, std::hypot(jx, jy));
  // A fibre discontinuity cuts the fibres: a surface running along them is a fascial
  // plane or septum, where muscles slide normally. The fibre direction is taken from the
  // muscle around the evidence, not from the gap's own edges.
  const double fibre_deg = local_fibre_direction(ctx, comp, cx, cy);
  const double cut = std::abs(std::cos((fibre_deg - normal_deg) / kDeg));
  if (std::getenv("FT_DEBUG_DETECT"))
    std::fprintf(stderr, "component %zu pts at (%.1f,%.1f) px normal %.1f fibre %.1f cut %.2f opening share %.2f\n",
                 comp.size(), cx, cy, normal_deg, fibre_deg, cut, opening_share);
  if (cut < ctx.s.min_fibre_cut || opening_share < ctx.s.min_opening_share) return std::nullopt;
  // Extent of the evidence along the normal and vertically (mm).
  double along_lo = 1e30, along_hi = -1e30, y_lo = 1e30, y_hi = -1e30;
  for (std::size_t i : comp) {
    const int c = int(i % std::size_t(g.columns)), r = int(i / std::size_t(g.columns));
    const double along = (g.x_px(c) - cx) * sx * nx + (g.y_px(r) - cy) * sy * ny;
    along_lo = std::min(along_lo, along);
    along_hi = std::max(along_hi, along);
    y_lo = std::min(y_lo, g.y_px(r));
    y_hi = std::max(y_hi, g.y_px(r));
  }
  const double step_mm = g.step_px * 0.5 * (sx + sy);
  const double reach_mm = 0.5 * (along_hi - along_lo) + 0.5 * step_mm + ctx.s.stump_margin_mm;
  // Stumps: tissue on both sides of the gap, sampled at rest positions of frame 0.
  const double ax = cx - reach_mm * nx / sx, ay = cy - reach_mm * ny / sy;
  const double bx = cx + reach_mm * nx / sx, by = cy + reach_mm * ny / sy;
  if (!is_muscle_near(ctx, ax, ay) || !is_muscle_near(ctx, bx, by)) {
    if (std::getenv("FT_DEBUG_DETECT")) std::fprintf(stderr, "   stumps not in muscle\n");
    return std::nullopt;
  }
  // Separation of the stumps across the surface: only the normal part counts, so that
  // tissue sliding along the surface does not read as an opening.
  auto separation = [&](int k) {
    double xa, ya, xb, yb;
    position_in(m, k, ax, ay, xa, ya);
    position_in(m, k, bx, by, xb, yb);
    return (xb - xa) * sx * nx + (yb - ya) * sy * ny;
  };
  const double d_rest = separation(rest);
  std::vector<double> opening(std::size_t(m.frame_count()), 0.0);
  int best_frame = rest;
  for (int k = 0; k < m.frame_count(); ++k) {
    opening[std::size_t(k)] = separation(k) - muscle_stretch(ctx, rest, k, normal_deg) * d_rest;
    if (opening[std::size_t(k)] > opening[std::size_t(best_frame)]) best_frame = k;
  }
  const double opening_mm = opening[std::size_t(best_frame)];
  // Each stump's own share: its end's distance from the gap's centre, beyond the muscle's
  // strain. Their sum is the opening.
  auto stump_retraction = [&](double sx_px, double sy_px, int k) {
    double xs, ys, xc, yc, xs0, ys0, xc0, yc0;
    position_in(m, k, sx_px, sy_px, xs, ys);
    position_in(m, k, cx, cy, xc, yc);
    position_in(m, rest, sx_px, sy_px, xs0, ys0);
    position_in(m, rest, cx, cy, xc0, yc0);
    const double now = std::abs((xs - xc) * sx * nx + (ys - yc) * sy * ny);
    const double before = std::abs((xs0 - xc0) * sx * nx + (ys0 - yc0) * sy * ny);
    return now - muscle_stretch(ctx, rest, k, normal_deg) * before;
  };
  const double left_share = stump_retraction(ax, ay, best_frame), right_share = stump_retraction(bx, by, best_frame);
  if (std::getenv("FT_DEBUG_DETECT")) std::fprintf(stderr, "   opening %.2f mm at %d\n", opening_mm, best_frame);
  if (opening_mm < ctx.s.min_opening_mm) return std::nullopt;

  TearFinding f;
  f.frame = best_frame;
  f.opening_mm = opening_mm;
  double px, py;
  position_in(m, best_frame, cx, cy, px, py);
  f.centre_col_px = px;
  f.centre_row_px = py;
  f.centre_x_mm = (px - m.region.bounds.x0_px) * sx;
  f.centre_z_mm = (py - m.region.bounds.y0_px) * sy;
  f.surface_angle_deg = normal_deg;  // the surface is perpendicular to the opening
  f.fibre_angle_deg = fibre_deg;
  // Thickness of the muscle compartment and the share of it the evidence spans.
  double rx, ry;
  position_in(m, rest, cx, cy, rx, ry);
  const Frame rest_frame = ctx.frame_at(rest);
  // Measured beside the gap on both sides (the dark gap itself would read as a step).
  const double side_px = (reach_mm + 1.0) / sx;
  Compartment comp_rest = compartment_at(rest_frame, m.region.bounds, rx, ry, side_px, sy);
  if (!comp_rest.top_is_plane || !comp_rest.bottom_is_plane) {
    // No fascial plane seen: the tracked tissue's own extent in this column bounds it.
    double top = 1e30, bottom = -1e30;
    for (int r = 0; r < g.rows; ++r)
      for (int c = 0; c < g.columns; ++c)
        if (ctx.muscle[g.index(c, r)] && std::abs(g.x_px(c) - cx) * sx < 2.0) {
          top = std::min(top, g.y_px(r));
          bottom = std::max(bottom, g.y_px(r));
        }
    if (top < bottom) {
      if (!comp_rest.top_is_plane) comp_rest.top_y_px = top + (ry - cy);
      if (!comp_rest.bottom_is_plane) comp_rest.bottom_y_px = bottom + (ry - cy);
    }
  }
  f.muscle_thickness_mm = comp_rest.thickness_px() * sy;
  const double span_mm = (y_hi - y_lo) * sy + step_mm;
  if (std::getenv("FT_DEBUG_DETECT"))
    std::fprintf(stderr, "   compartment %.1f..%.1f px (planes %d %d), evidence rows %.1f..%.1f px\n", comp_rest.top_y_px,
                 comp_rest.bottom_y_px, comp_rest.top_is_plane, comp_rest.bottom_is_plane, y_lo, y_hi);
  f.extent_pct = f.muscle_thickness_mm > 0 ? std::min(100.0, 100.0 * span_mm / f.muscle_thickness_mm) : 0.0;
  // Gap at rest from the image (dark band across the surface), later ones from tracking.
  const BandWidth band =
      dark_band_width(rest_frame, m.region.bounds, rx, ry, normal_deg, std::max(0.5, 0.3 * span_mm), 0.5 * (sx + sy));
  const double gap_rest_normal = band.found ? band.width_mm : 0.0;
  // At peak evidence the gap is measured on the image as well; where the band is clear
  // there, it is used: the stumps sampled beyond the gap retract less than their ends.
  double bx_peak, by_peak;
  position_in(m, best_frame, cx, cy, bx_peak, by_peak);
  const BandWidth band_peak = dark_band_width(ctx.frame_at(best_frame), m.region.bounds, bx_peak, by_peak, normal_deg,
                                              std::max(0.5, 0.3 * span_mm), 0.5 * (sx + sy));
  if (std::getenv("FT_DEBUG_DETECT"))
    std::fprintf(stderr, "   band rest %.2f mm (contrast %.2f, %d), peak %.2f mm (contrast %.2f, %d)\n", band.width_mm,
                 band.contrast, band.found, band_peak.width_mm, band_peak.contrast, band_peak.found);
  const double alignment = std::max(ctx.s.min_fibre_cut, cut);
  // The gap holds haematoma: it shows dark on the image or cannot be tracked (fresh,
  // incoherent echoes). Motion alone, with neither, is not called a tear.
  const DisplacementField& at_peak = m.cumulative[std::size_t(best_frame)];
  std::size_t untracked = 0;
  for (std::size_t i : comp) untracked += !at_peak.valid[i];
  const double untracked_share = double(untracked) / double(comp.size());
  if (std::getenv("FT_DEBUG_DETECT")) std::fprintf(stderr, "   untracked share %.2f\n", untracked_share);
  if (!band_peak.found && !band.found && untracked_share < ctx.s.min_untracked_share) return std::nullopt;
  // A gap widens with contraction: a dark band that is no wider at peak than at rest is
  // a structure (fat, a vessel, a septum), not fibre ends pulling apart.
  if (band.found && band_peak.found && band_peak.width_mm <= band.width_mm) return std::nullopt;
  // At peak: the image's band where it is clear, else rest gap plus the tracked opening.
  const double gap_peak_normal = band_peak.found ? std::max(band_peak.width_mm, gap_rest_normal) : gap_rest_normal + opening_mm;
  f.gap_rest_mm = gap_rest_normal / alignment;
  f.gap_mm = gap_peak_normal / alignment;
  f.retraction_mm = 0.5 * (gap_peak_normal - gap_rest_normal) / alignment;
  // Split the measured widening between the stumps as the tracking saw them move.
  const double total_share = left_share + right_share;
  const double left_fraction = total_share > 1e-6 ? std::clamp(left_share / total_share, 0.0, 1.0) : 0.5;
  f.retraction_left_mm = 2.0 * f.retraction_mm * left_fraction;
  f.retraction_right_mm = 2.0 * f.retraction_mm * (1.0 - left_fraction);
  // Gap-time curve: the tracked opening, scaled to meet the measured gap at peak.
  const double scale = opening_mm > 0 ? (gap_peak_normal - gap_rest_normal) / opening_mm : 1.0;
  for (double o : opening) f.gap_by_frame_mm.push_back(std::max(0.0, gap_rest_normal + scale * o) / alignment);
  f.grade = f.extent_pct < 5.0 ? TearGrade::Minimal
            : (f.extent_pct >= 90.0 && f.retraction_mm >= 0.5) ? TearGrade::CompleteWithRetraction
                                                                : TearGrade::Partial;
  // Confidence: how far the opening clears the reporting threshold, whether the gap is
  // hypoechoic, and whether it opens along the fibres.
  const double z = 3.0 * (opening_mm / ctx.s.min_opening_mm - 1.0) + 4.0 * (band.contrast - 0.15) +
                   2.0 * (cut - 0.8);
  f.confidence = 1.0 / (1.0 + std::exp(-z));
  return f;
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
  const std::vector<std::uint8_t> muscle = muscle_mask(m, s.border_steps);
  const long muscle_points = std::count(muscle.begin(), muscle.end(), 1);
  if (muscle_points < 20) {
    result.notes.push_back("no tissue could be tracked through the clip (no speckle, or the image changed too much)");
    return result;
  }
  FibreField fibres = fibre_orientation(frame_at(0), m.region.bounds, g, 0.5 * (m.mm_per_px_x + m.mm_per_px_y));
  // Where the texture shows no direction, fall back on the convention of a longitudinal
  // scan: the muscle's fibres run roughly along the image's x axis.
  long undirected = 0;
  for (std::size_t i = 0; i < fibres.angle_deg.size(); ++i)
    if (fibres.coherence[i] < s.min_fibre_coherence) {
      fibres.angle_deg[i] = 0.0f;
      undirected += muscle[i];
    }
  if (undirected > muscle_points / 2)
    result.notes.push_back("little fibre texture: fibres taken to run along the image (longitudinal scan)");
  result.contraction = analyse_contraction(m, fibres, muscle, s.baseline_steps);
  if (result.contraction.peak_strain > -s.min_peak_strain) {
    std::ostringstream note;
    note << "no contraction: fibre strain between the most relaxed and most contracted frames is "
         << 100.0 * result.contraction.peak_strain << " %";
    result.notes.push_back(note.str());
    return result;
  }
  Context ctx{m, frame_at, s, fibres, muscle, result.contraction, {}, 0.0, {}};
  ctx.contracting = contracting_mask(m, fibres, muscle, result.contraction, s);
  {
    std::vector<float> angles, weights;
    for (std::size_t i = 0; i < g.size(); ++i)
      if (muscle[i]) {
        angles.push_back(fibres.angle_deg[i]);
        weights.push_back(fibres.coherence[i]);
      }
    ctx.dominant_fibre_deg = mean_orientation_deg(angles, weights);
  }
  const int rest = result.contraction.rest_frame, peak = result.contraction.peak_frame;
  ctx.log_j.assign(g.size(), 0.0);
  std::vector<double> muscle_values;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const Tensor2 fr = deformation_gradient(m.cumulative[std::size_t(rest)], c, r, s.baseline_steps, m.mm_per_px_x, m.mm_per_px_y);
      const Tensor2 fp = deformation_gradient(m.cumulative[std::size_t(peak)], c, r, s.baseline_steps, m.mm_per_px_x, m.mm_per_px_y);
      const std::size_t i = g.index(c, r);
      ctx.log_j[i] = std::log(std::max(0.05, (fp * fr.inverse()).det()));
      if (muscle[i]) muscle_values.push_back(ctx.log_j[i]);
    }
  ctx.log_j_median = median_of(muscle_values);
  for (double& v : muscle_values) v = std::abs(v - ctx.log_j_median);
  const double sigma = 1.4826 * median_of(muscle_values);
  const double threshold = ctx.log_j_median + std::max(s.min_log_expansion, s.noise_multiple * sigma);
  std::vector<std::uint8_t> candidate(g.size(), 0);
  for (int r = s.border_steps; r < g.rows - s.border_steps; ++r)
    for (int c = s.border_steps; c < g.columns - s.border_steps; ++c)
      candidate[g.index(c, r)] = ctx.log_j[g.index(c, r)] > threshold;
  const double point_area_mm2 = g.step_px * g.step_px * m.mm_per_px_x * m.mm_per_px_y;
  for (const auto& comp : components(candidate, g.columns, g.rows)) {
    if (double(comp.size()) * point_area_mm2 < s.min_evidence_area_mm2) continue;
    if (auto f = evaluate(ctx, comp)) result.findings.push_back(*f);
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
  result.tear_detected = !result.findings.empty();
  if (!result.tear_detected) result.notes.push_back("no fibre discontinuity opened under contraction");
  return result;
}

}  // namespace ft
