#include "ft/core/TearGeometry.h"

#include <algorithm>
#include <cmath>

namespace ft {

TearGeometry tear_geometry(const TearFinding& f, double mm_per_px_x, double mm_per_px_y) {
  const double sx = mm_per_px_x > 0 ? mm_per_px_x : 1.0, sy = mm_per_px_y > 0 ? mm_per_px_y : 1.0;
  const double a = f.surface_angle_deg * M_PI / 180.0;
  const double nx = std::cos(a), ny = std::sin(a);  // across the gap (the surface normal)
  const double ux = -ny, uy = nx;                   // along the surface
  // The gap is reported along the fibres; across the surface it is shorter by the cosine.
  const double cut = std::max(0.5, std::abs(std::cos((f.fibre_angle_deg - f.surface_angle_deg) * M_PI / 180.0)));
  const double half_gap = 0.5 * f.gap_mm * cut / sx;
  const double half_height = std::max(1.0, 0.5 * f.extent_pct / 100.0 * f.muscle_thickness_mm / sy);
  TearGeometry g;
  g.caliper_start = {f.centre_col_px - half_gap * nx, f.centre_row_px - half_gap * ny};
  g.caliper_end = {f.centre_col_px + half_gap * nx, f.centre_row_px + half_gap * ny};
  const double corners[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
  for (int k = 0; k < 4; ++k)
    g.outline[std::size_t(k)] = {f.centre_col_px + corners[k][0] * (half_gap + 2) * nx + corners[k][1] * half_height * ux,
                                 f.centre_row_px + corners[k][0] * (half_gap + 2) * ny + corners[k][1] * half_height * uy};
  return g;
}

TearGeometry tear_geometry(const TearFinding& finding, const DetectionResult& result, double fallback_mm_per_px_x,
                           double fallback_mm_per_px_y) {
  const bool measured = result.mm_per_px_x > 0 && result.mm_per_px_y > 0;
  return tear_geometry(finding, measured ? result.mm_per_px_x : fallback_mm_per_px_x,
                       measured ? result.mm_per_px_y : fallback_mm_per_px_y);
}

std::vector<PointPx> review_ring(const TearFinding& layer, double mm_per_px_x, double mm_per_px_y) {
  constexpr double kRadiusMm = 4.0, kLeastRadiusPx = 6.0;
  constexpr int kPoints = 24;
  const double r_px =
      mm_per_px_x > 0 && mm_per_px_y > 0 ? std::max(kLeastRadiusPx, kRadiusMm / (0.5 * (mm_per_px_x + mm_per_px_y))) : kLeastRadiusPx;
  std::vector<PointPx> ring;
  for (int k = 0; k < kPoints; ++k) {
    const double a = 2.0 * M_PI * k / kPoints;
    ring.push_back({layer.centre_col_px + r_px * std::cos(a), layer.centre_row_px + r_px * std::sin(a)});
  }
  return ring;
}

std::string review_ring_label(const TearFinding& layer) {
  return "For review, not a finding: " + layer_for_review_label(layer.review_reason) + " (frame " +
         std::to_string(layer.frame + 1) + ")";
}

}  // namespace ft
