#include "ft/plugin/OverlayScene.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

namespace ft {
namespace {

using namespace overlay_colour;

constexpr double kStrainOpacity = 0.55;     // the speckle stays readable beneath
constexpr double kStillOpacityShare = 0.3;  // tissue at 0 % is tinted this much of it, not whitened
constexpr int kStrainSubdivisions = 3;      // per grid cell and side: colours between points stay near the legend
constexpr double kShadeOpacity = 0.6;
// A pale blue-grey veil, not a dark shade: dark over tissue reads as hypoechoic, like fluid in a
// tear gap, the one thing the mask must not look like. Veiled, the speckle loses its contrast.
constexpr std::array<std::uint8_t, 3> kShadeRgb{185, 190, 215};
constexpr double kUntrustedQuality = 0.35;  // the tracker's own floor (TrackingParameters)
constexpr double kTrustedQuality = 0.7;     // from here on the strain layer is fully shown

// 0 at the tracker's floor, 1 from kTrustedQuality: the strain fades where it is less sure.
double trust(const DisplacementField& f, std::size_t i) {
  if (!f.valid[i]) return 0.0;
  const double q = f.quality.empty() ? 1.0 : f.quality[i];
  const double t = std::clamp((q - kUntrustedQuality) / (kTrustedQuality - kUntrustedQuality), 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

bool inside(const PixelRect& r, PointPx p, double margin_px = 0.0) {
  return p.x >= r.x0_px + margin_px && p.x <= r.x1_px - margin_px && p.y >= r.y0_px + margin_px &&
         p.y <= r.y1_px - margin_px;
}

PointPx at_rest(const DisplacementField& f, int c, int r) { return {f.x_px(c), f.y_px(r)}; }

PointPx now(const DisplacementField& f, int c, int r) {
  const std::size_t i = f.index(c, r);
  return {f.x_px(c) + f.dx_px[i], f.y_px(r) + f.dy_px[i]};
}

std::uint8_t byte(double v) { return std::uint8_t(std::lround(std::clamp(v, 0.0, 1.0) * 255.0)); }

// What the strain layer knows at a grid point: where the tissue is now, its strain, its trust.
struct StrainSample {
  PointPx at;
  double strain = 0.0, trust = 0.0;
};

StrainSample mix(const StrainSample& a, const StrainSample& b, double t) {
  return {{a.at.x + t * (b.at.x - a.at.x), a.at.y + t * (b.at.y - a.at.y)},
          a.strain + t * (b.strain - a.strain), a.trust + t * (b.trust - a.trust)};
}

void add_point(ColourMesh& mesh, const StrainSample& s, double range) {
  const Rgb c = strain_colour(s.strain, range);
  const double strength = kStillOpacityShare + (1 - kStillOpacityShare) * std::min(1.0, std::abs(s.strain) / range);
  mesh.points_px.push_back(s.at);
  mesh.rgba.push_back({c.r, c.g, c.b, byte(kStrainOpacity * s.trust * strength)});
}

// Strain where the tissue is in this frame, only where a strain is given (the muscle) and the
// tissue is still inside the image region, so no colour falls on the scanner's border or scale.
ColourMesh strain_mesh(const UltrasoundRegion& region, const DisplacementField& f, const std::vector<float>& strain,
                       double range) {
  std::vector<std::optional<StrainSample>> sample(f.size());
  for (int r = 0; r < f.rows; ++r)
    for (int c = 0; c < f.columns; ++c) {
      const std::size_t i = f.index(c, r);
      const PointPx p = now(f, c, r);
      if (f.valid[i] && std::isfinite(strain[i]) && inside(region.bounds, p)) sample[i] = StrainSample{p, strain[i], trust(f, i)};
    }
  // Each tracked cell as n x n sub-cells of bilinearly mixed samples, on one lattice over the
  // grid so that neighbouring cells share their edge's points (the same two corners mix the same).
  const int n = kStrainSubdivisions, lattice_columns = (f.columns - 1) * n + 1;
  std::vector<int> lattice(std::size_t(lattice_columns) * std::size_t(std::max(1, (f.rows - 1) * n + 1)), -1);
  ColourMesh mesh;
  for (int r = 0; r + 1 < f.rows; ++r)
    for (int c = 0; c + 1 < f.columns; ++c) {
      const auto& a = sample[f.index(c, r)];
      const auto& b = sample[f.index(c + 1, r)];
      const auto& d = sample[f.index(c + 1, r + 1)];
      const auto& e = sample[f.index(c, r + 1)];
      if (!(a && b && d && e)) continue;  // all four inside the region: so is the cell (it is convex)
      const auto point = [&](int i, int j) {
        int& k = lattice[std::size_t(r * n + j) * lattice_columns + std::size_t(c * n + i)];
        if (k < 0) {
          k = int(mesh.points_px.size());
          add_point(mesh, mix(mix(*a, *b, double(i) / n), mix(*e, *d, double(i) / n), double(j) / n), range);
        }
        return k;
      };
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) mesh.cells.push_back({point(i, j), point(i + 1, j), point(i + 1, j + 1), point(i, j + 1)});
    }
  return mesh;
}

// Where each grid point's tissue is in the frame shown. An untracked point has no place of
// its own: it is carried with its tracked neighbours (their mean motion, spreading a ring at
// a time into untracked patches), and stays at rest only when nothing is tracked.
std::vector<PointPx> places_now(const DisplacementField& f) {
  std::vector<PointPx> at(f.size());
  std::vector<std::uint8_t> placed(f.size(), 0);
  for (int r = 0; r < f.rows; ++r)
    for (int c = 0; c < f.columns; ++c) {
      const std::size_t i = f.index(c, r);
      at[i] = f.valid[i] ? now(f, c, r) : at_rest(f, c, r);
      placed[i] = f.valid[i];
    }
  for (bool spread = true; spread;) {
    spread = false;
    std::vector<std::uint8_t> next = placed;
    for (int r = 0; r < f.rows; ++r)
      for (int c = 0; c < f.columns; ++c) {
        const std::size_t i = f.index(c, r);
        if (placed[i]) continue;
        double dx = 0, dy = 0;
        int n = 0;
        for (int v = std::max(0, r - 1); v <= std::min(f.rows - 1, r + 1); ++v)
          for (int u = std::max(0, c - 1); u <= std::min(f.columns - 1, c + 1); ++u)
            if (const std::size_t j = f.index(u, v); placed[j]) {
              dx += at[j].x - f.x_px(u), dy += at[j].y - f.y_px(v);
              ++n;
            }
        if (n == 0) continue;
        at[i] = {f.x_px(c) + dx / n, f.y_px(r) + dy / n};
        next[i] = 1;
        spread = true;
      }
    placed = std::move(next);
  }
  return at;
}

// Veiled where the tracking is not trusted, over the tissue where it is in the frame shown.
ColourMesh quality_mesh(const UltrasoundRegion& region, const DisplacementField& f) {
  ColourMesh mesh;
  const std::vector<PointPx> at = places_now(f);
  std::vector<int> index(f.size(), -1);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!inside(region.bounds, at[i])) continue;
    index[i] = int(mesh.points_px.size());
    mesh.points_px.push_back(at[i]);
    mesh.rgba.push_back({kShadeRgb[0], kShadeRgb[1], kShadeRgb[2], byte(kShadeOpacity * (1.0 - trust(f, i)))});
  }
  for (int r = 0; r + 1 < f.rows; ++r)
    for (int c = 0; c + 1 < f.columns; ++c) {
      const std::array<int, 4> cell{index[f.index(c, r)], index[f.index(c + 1, r)], index[f.index(c + 1, r + 1)],
                                    index[f.index(c, r + 1)]};
      if (std::all_of(cell.begin(), cell.end(), [](int k) { return k >= 0; })) mesh.cells.push_back(cell);
    }
  return mesh;
}

// One arrow per kArrowSpacingPx, `gain` times the displacement long; only arrows that lie
// wholly inside the image region: their ends, the head's barbs (a tenth of the length to each
// side, vtkGlyphSource2D's arrow) and the line's width. An arrow that would leave the image is
// left out rather than shortened: a shorter arrow would read as less motion.
// The motion since `since` (the same grid: the clip's rest frame), or since the field's own
// first frame; false where it is not known (untracked in either).
bool motion_since(const DisplacementField& f, const DisplacementField* since, std::size_t i, double& dx, double& dy) {
  if (!f.valid[i]) return false;
  if (since && (since->size() != f.size() || since->valid.size() != f.size() || !since->valid[i])) return false;
  dx = f.dx_px[i] - (since ? since->dx_px[i] : 0.0f);
  dy = f.dy_px[i] - (since ? since->dy_px[i] : 0.0f);
  return true;
}

std::vector<OverlayArrow> arrows_of(const UltrasoundRegion& region, const DisplacementField& f, double gain,
                                    const DisplacementField* since) {
  std::vector<OverlayArrow> arrows;
  const int every = std::max(1, int(std::lround(kArrowSpacingPx / f.step_px)));
  for (int r = every / 2; r < f.rows; r += every)
    for (int c = every / 2; c < f.columns; c += every) {
      const std::size_t i = f.index(c, r);
      double dx = 0, dy = 0;
      if (!motion_since(f, since, i, dx, dy)) continue;
      const PointPx base = now(f, c, r), tip{base.x + gain * dx, base.y + gain * dy};
      const double length = std::hypot(tip.x - base.x, tip.y - base.y), margin = 0.1 * length + kLineWidthPx;
      if (length < 1.0 || !inside(region.bounds, base, margin) || !inside(region.bounds, tip, margin)) continue;
      arrows.push_back({base, tip});
    }
  return arrows;
}

// Short strokes across a line's ends, `half_px` to each side.
void add_end_ticks(OverlayScene& s, PointPx a, PointPx b, double half_px, Rgb colour) {
  const double length = std::hypot(b.x - a.x, b.y - a.y);
  if (!(length > 0)) return;
  const double nx = -(b.y - a.y) / length * half_px, ny = (b.x - a.x) / length * half_px;
  for (const PointPx& e : {a, b}) s.lines.push_back({{{e.x - nx, e.y - ny}, {e.x + nx, e.y + ny}}, colour, false});
}

void add_finding(OverlayScene& s, const TearFinding& t, const UltrasoundRegion& region, const OverlayLayers& layers,
                 double peak_gap_mm, bool gap_not_read) {
  // The scale the finding was measured at; without one its mm cannot be placed on the image.
  const double sx = layers.findings_mm_per_px_x > 0 ? layers.findings_mm_per_px_x : region.mm_per_px_x;
  const double sy = layers.findings_mm_per_px_y > 0 ? layers.findings_mm_per_px_y : region.mm_per_px_y;
  if (!(sx > 0 && sy > 0)) return;
  const TearGeometry g = tear_geometry(t, sx, sy);
  s.lines.push_back({{g.outline.begin(), g.outline.end()}, kOutline, true});
  s.lines.push_back({{g.caliper_start, g.caliper_end}, kCaliper, false});
  add_end_ticks(s, g.caliper_start, g.caliper_end, 4.0, kCaliper);
  // In mm when measured so, else in px (the mm are an estimate then, not a measurement); off its
  // peak frame, the peak's gap beside this frame's.
  const double px = 0.5 * (sx + sy);
  const auto gap_text = [&](double mm) {
    char text[32];
    if (layers.findings_in_mm) std::snprintf(text, sizeof text, "%.1f", mm);
    else std::snprintf(text, sizeof text, "%.0f", mm / px);
    return std::string(text);
  };
  const bool other_frame = peak_gap_mm > 0 && std::abs(peak_gap_mm - t.gap_mm) >= 0.05;
  const std::string grade = !has_grade_number(t.grade) ? "ungraded"
                            : may_be_complete(t)        ? "grade 2, may be 3"
                            : may_be_partial(t)         ? "grade 3, may be 2"
                                                        : "grade " + std::to_string(int(t.grade));
  const std::string label = "gap " + gap_text(t.gap_mm) + (layers.findings_in_mm ? " mm" : " px") +
                            (gap_not_read        ? " (peak; not read on this frame)"
                             : other_frame       ? " (peak " + gap_text(peak_gap_mm) + ")"
                                                 : "") +
                            ", " + grade;
  // Beside the caliper's right end, just below it: the label names the gap it measures, and is
  // in view wherever the caliper is (anchored at the outline's top it was hidden, zoomed in).
  const PointPx right_end = g.caliper_start.x > g.caliper_end.x ? g.caliper_start : g.caliper_end;
  s.labels.push_back({label, {right_end.x + 6, right_end.y + 4}, kCaliper});
}

// The review ring (review_ring) and its label, at the findings' scale.
void add_layer_for_review(OverlayScene& s, const TearFinding& t, const UltrasoundRegion& region, const OverlayLayers& layers) {
  const double sx = layers.findings_mm_per_px_x > 0 ? layers.findings_mm_per_px_x : region.mm_per_px_x;
  const double sy = layers.findings_mm_per_px_y > 0 ? layers.findings_mm_per_px_y : region.mm_per_px_y;
  OverlayPolyline ring{review_ring(t, sx, sy), overlay_colour::kForReview, true};
  const double right_x = ring.points_px.front().x;  // the ring starts at angle 0, its right end
  s.labels.push_back({review_ring_label(t), {right_x + 4, t.centre_row_px}, overlay_colour::kForReview});
  s.lines.push_back(std::move(ring));
}

}  // namespace

double arrow_gain_for(const UltrasoundRegion& region, const DisplacementField& f, double mm_per_px, const DisplacementField* since,
                      double longest_arrow_mm, double max_gain) {
  // No scale at all (no calibration, no depth scale, no estimate yet): a typical probe's.
  if (mm_per_px <= 0) mm_per_px = 0.1;
  std::vector<double> lengths_mm;
  for (int r = 0; r < f.rows; ++r)
    for (int c = 0; c < f.columns; ++c) {
      const std::size_t i = f.index(c, r);
      double dx = 0, dy = 0;
      if (f.valid.size() != f.size() || !motion_since(f, since, i, dx, dy) || !inside(region.bounds, now(f, c, r))) continue;
      lengths_mm.push_back(std::hypot(dx, dy) * mm_per_px);
    }
  if (lengths_mm.empty()) return max_gain;
  const auto at = lengths_mm.begin() + std::ptrdiff_t(0.95 * double(lengths_mm.size() - 1));
  std::nth_element(lengths_mm.begin(), at, lengths_mm.end());
  return *at > 0 ? std::min(max_gain, longest_arrow_mm / *at) : max_gain;
}

Rgb strain_colour(double strain, double range) {
  const double t = std::clamp(strain / std::max(1e-9, range), -1.0, 1.0);
  return t < 0 ? Rgb{255, byte(1 + t), byte(1 + t)} : Rgb{byte(1 - t), byte(1 - t), 255};
}

OverlayScene compose_overlay(const UltrasoundRegion& region, const DisplacementField& field, const std::vector<float>& strain,
                             const std::vector<TearFinding>& findings, const OverlayLayers& layers,
                             const DisplacementField* arrows_since) {
  OverlayScene s;
  s.label_area = region.bounds;
  const bool tracked = field.size() > 0 && field.valid.size() == field.size();
  if (layers.quality && tracked) s.quality_shade = quality_mesh(region, field);
  if (layers.strain && tracked && strain.size() == field.size()) {  // no strain: no legend either
    s.strain = strain_mesh(region, field, strain, layers.strain_range);
    s.legend_range_pct = 100.0 * layers.strain_range;
  }
  if (layers.vectors && tracked) s.arrows = arrows_of(region, field, layers.vector_gain, arrows_since);
  if (layers.findings)
    for (std::size_t k = 0; k < findings.size(); ++k)
      add_finding(s, findings[k], region, layers, k < layers.findings_peak_gap_mm.size() ? layers.findings_peak_gap_mm[k] : 0.0,
                  k < layers.findings_gap_not_read.size() && layers.findings_gap_not_read[k]);
  if (layers.findings)
    for (const TearFinding& layer : layers.layers_for_review) add_layer_for_review(s, layer, region, layers);
  for (const Annotation& a : layers.annotations) {
    OverlayPolyline line{{}, kAnnotation, false};
    for (const auto& [x, y] : a.points) line.points_px.push_back({x, y});
    if (line.points_px.size() > 1) s.lines.push_back(line);
    if (!a.text.empty() && !a.points.empty()) s.labels.push_back({a.text, line.points_px.front(), kAnnotation});
  }
  for (const Caliper& c : layers.calipers) {
    const PointPx a{c.x0_px, c.y0_px}, b{c.x1_px, c.y1_px};
    s.lines.push_back({{a, b}, kCaliper, false});
    add_end_ticks(s, a, b, 3.0, kCaliper);
    s.labels.push_back({c.label, {b.x + 4, b.y - 4}, kCaliper});
  }
  return s;
}

}  // namespace ft
