#include "ft/plugin/MuscleStrain.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ft/gpu/StrainField.h"

namespace ft {

std::vector<MuscleBand> muscle_bands_of(const DetectionResult& result, const UltrasoundRegion& region) {
  std::vector<MuscleBand> bands;
  if (!(result.mm_per_px_y > 0) || region.bounds.empty()) return bands;  // no image area known yet
  // A compartment whose fascicles were not measured: the finding's or the muscle's direction.
  double fallback_deg = std::isfinite(result.contraction.fascicle_angle_rest_deg) ? result.contraction.fascicle_angle_rest_deg : 0.0;
  if (!result.findings.empty()) fallback_deg = result.findings.front().fibre_angle_deg;
  const double top = region.bounds.y0_px, bottom = region.bounds.y1_px;
  for (const auto& c : result.maps.compartments) {
    MuscleBand b;
    b.top_y_px = std::clamp(top + c.top_mm / result.mm_per_px_y, top, bottom);
    b.bottom_y_px = std::clamp(top + c.bottom_mm / result.mm_per_px_y, top, bottom);
    b.fibre_angle_deg = std::isfinite(c.fascicle_rest_deg) ? c.fascicle_rest_deg : fallback_deg;
    if (b.bottom_y_px > b.top_y_px) bands.push_back(b);
  }
  return bands;
}

std::vector<float> fibre_strain_in(const DisplacementField& field, double mm_per_px_x, double mm_per_px_y,
                                   const std::vector<MuscleBand>& muscle) {
  std::vector<float> strain(field.size(), std::numeric_limits<float>::quiet_NaN());
  if (muscle.empty() || field.size() == 0) return strain;
  const gpu::StrainField s = gpu::green_lagrange(field, mm_per_px_x, mm_per_px_y);
  for (int r = 0; r < field.rows; ++r) {
    const double y = field.y_px(r);
    const auto band = std::find_if(muscle.begin(), muscle.end(), [y](const MuscleBand& b) { return y >= b.top_y_px && y <= b.bottom_y_px; });
    if (band == muscle.end()) continue;
    for (int c = 0; c < field.columns; ++c) {
      const std::size_t i = field.index(c, r);
      if (s.valid[i]) strain[i] = float(gpu::engineering_strain_along(s, i, band->fibre_angle_deg));
    }
  }
  return strain;
}

}  // namespace ft
