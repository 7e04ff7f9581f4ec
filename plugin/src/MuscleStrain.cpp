#include "ft/plugin/MuscleStrain.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ft/core/Deformation.h"

namespace ft {
namespace {

// The deformation gradient's stencil (central differences over one grid step, one-sided at
// the edges) is tracked in this field.
bool stencil_tracked(const DisplacementField& f, int c, int r) {
  const int c0 = std::max(0, c - 1), c1 = std::min(f.columns - 1, c + 1);
  const int r0 = std::max(0, r - 1), r1 = std::min(f.rows - 1, r + 1);
  return f.valid[f.index(c, r)] && f.valid[f.index(c0, r)] && f.valid[f.index(c1, r)] && f.valid[f.index(c, r0)] &&
         f.valid[f.index(c, r1)];
}

bool same_grid(const DisplacementField& a, const DisplacementField& b) {
  return a.columns == b.columns && a.rows == b.rows && a.step_px == b.step_px && a.origin_x_px == b.origin_x_px &&
         a.origin_y_px == b.origin_y_px && a.valid.size() == a.size() && b.valid.size() == b.size();
}

// The band of point i: the analysis's label, else the band its depth at rest falls in.
const MuscleBand* band_of(const Muscle& muscle, bool labelled, std::size_t i, double y_rest_px) {
  if (labelled) {
    const int k = muscle.band_of_point[i];
    return k >= 0 && std::size_t(k) < muscle.bands.size() ? &muscle.bands[std::size_t(k)] : nullptr;
  }
  const auto b = std::find_if(muscle.bands.begin(), muscle.bands.end(),
                              [&](const MuscleBand& m) { return y_rest_px >= m.top_y_px && y_rest_px <= m.bottom_y_px; });
  return b == muscle.bands.end() ? nullptr : &*b;
}

std::vector<float> strain_between(const DisplacementField* rest, const DisplacementField& shown, double sx, double sy,
                                  const Muscle& muscle) {
  std::vector<float> strain(shown.size(), std::numeric_limits<float>::quiet_NaN());
  if (muscle.empty() || shown.size() == 0 || shown.valid.size() != shown.size()) return strain;
  if (rest && !same_grid(*rest, shown)) return strain;
  if (!(sx > 0)) sx = 1.0;
  if (!(sy > 0)) sy = 1.0;
  // Labels of another grid (a live window's) say nothing about these points: depth then.
  const bool labelled = muscle.band_of_point.size() == shown.size();
  for (int r = 0; r < shown.rows; ++r)
    for (int c = 0; c < shown.columns; ++c) {
      const std::size_t i = shown.index(c, r);
      if (!stencil_tracked(shown, c, r) || (rest && !stencil_tracked(*rest, c, r))) continue;
      const double y_rest = shown.y_px(r) + (rest ? rest->dy_px[i] : 0.0f);
      const MuscleBand* band = band_of(muscle, labelled, i, y_rest);
      if (!band) continue;
      const Tensor2 f_rest = rest ? deformation_gradient(*rest, c, r, 1, sx, sy) : Tensor2{};
      const Tensor2 from_rest = deformation_gradient(shown, c, r, 1, sx, sy) * f_rest.inverse();
      strain[i] = float(from_rest.stretch_along(band->fibre_angle_deg) - 1.0);
    }
  return strain;
}

}  // namespace

Muscle muscle_of(const DetectionResult& result, const UltrasoundRegion& region, bool point_labels) {
  Muscle muscle;
  if (!(result.mm_per_px_y > 0) || region.bounds.empty()) return muscle;  // no image area known yet
  // A compartment whose fascicles were not measured: the finding's or the muscle's direction.
  double fallback_deg = std::isfinite(result.contraction.fascicle_angle_rest_deg) ? result.contraction.fascicle_angle_rest_deg : 0.0;
  if (!result.findings.empty()) fallback_deg = result.findings.front().fibre_angle_deg;
  const double top = region.bounds.y0_px, bottom = region.bounds.y1_px;
  std::vector<int> kept(result.maps.compartments.size(), -1);  // compartment -> band
  for (std::size_t k = 0; k < result.maps.compartments.size(); ++k) {
    const auto& c = result.maps.compartments[k];
    MuscleBand b;
    b.top_y_px = std::clamp(top + c.top_mm / result.mm_per_px_y, top, bottom);
    b.bottom_y_px = std::clamp(top + c.bottom_mm / result.mm_per_px_y, top, bottom);
    b.fibre_angle_deg = std::isfinite(c.fascicle_rest_deg) ? c.fascicle_rest_deg : fallback_deg;
    if (!(b.bottom_y_px > b.top_y_px)) continue;
    kept[k] = int(muscle.bands.size());
    muscle.bands.push_back(b);
  }
  if (point_labels && !muscle.bands.empty())
    for (const std::int16_t k : result.maps.compartment_of_point)
      muscle.band_of_point.push_back(k >= 0 && std::size_t(k) < kept.size() ? std::int16_t(kept[std::size_t(k)]) : -1);
  return muscle;
}

std::vector<float> fibre_strain_in(const DisplacementField& rest, const DisplacementField& shown, double mm_per_px_x,
                                   double mm_per_px_y, const Muscle& muscle) {
  return strain_between(&rest, shown, mm_per_px_x, mm_per_px_y, muscle);
}

std::vector<float> fibre_strain_in(const DisplacementField& shown, double mm_per_px_x, double mm_per_px_y,
                                   const Muscle& muscle) {
  return strain_between(nullptr, shown, mm_per_px_x, mm_per_px_y, muscle);
}

}  // namespace ft
