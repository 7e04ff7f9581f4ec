#include "ft/gpu/FieldOperations.h"

#include <algorithm>
#include <cmath>

#include "ft/core/Error.h"

namespace ft::gpu {

Displacement sample(const DisplacementField& f, double x_px, double y_px) {
  Displacement d;
  if (f.columns == 0 || f.rows == 0) return d;
  const double gx = std::clamp((x_px - f.origin_x_px) / f.step_px, 0.0, double(f.columns - 1));
  const double gy = std::clamp((y_px - f.origin_y_px) / f.step_px, 0.0, double(f.rows - 1));
  const int c0 = std::min(int(gx), std::max(0, f.columns - 2)), r0 = std::min(int(gy), std::max(0, f.rows - 2));
  const int c1 = std::min(c0 + 1, f.columns - 1), r1 = std::min(r0 + 1, f.rows - 1);
  const double fx = gx - c0, fy = gy - r0;
  const std::size_t i00 = f.index(c0, r0), i10 = f.index(c1, r0), i01 = f.index(c0, r1), i11 = f.index(c1, r1);
  const double w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
  d.dx_px = float(w00 * f.dx_px[i00] + w10 * f.dx_px[i10] + w01 * f.dx_px[i01] + w11 * f.dx_px[i11]);
  d.dy_px = float(w00 * f.dy_px[i00] + w10 * f.dy_px[i10] + w01 * f.dy_px[i01] + w11 * f.dy_px[i11]);
  d.valid = f.valid[i00] && f.valid[i10] && f.valid[i01] && f.valid[i11];
  d.valid_weight = float(w00 * f.valid[i00] + w10 * f.valid[i10] + w01 * f.valid[i01] + w11 * f.valid[i11]);
  d.quality = f.quality[fx < 0.5 ? (fy < 0.5 ? i00 : i01) : (fy < 0.5 ? i10 : i11)];
  return d;
}

DisplacementField densify(const DisplacementField& field, const PixelRect& bounds) {
  DisplacementField dense(bounds.width_px(), bounds.height_px(), bounds.x0_px, bounds.y0_px, 1.0);
  for (int r = 0; r < dense.rows; ++r)
    for (int c = 0; c < dense.columns; ++c) {
      const Displacement d = sample(field, bounds.x0_px + c, bounds.y0_px + r);
      const std::size_t i = dense.index(c, r);
      dense.dx_px[i] = d.dx_px;
      dense.dy_px[i] = d.dy_px;
      dense.valid[i] = d.valid;
      dense.quality[i] = d.valid ? 1.0f : 0.0f;
    }
  return dense;
}

FieldInMm in_mm(const DisplacementField& field, const UltrasoundRegion& region) {
  if (!region.has_mm_calibration())
    throw Error(ErrorCode::MissingCalibration, "displacements in mm need a calibrated image region");
  FieldInMm out;
  out.dx_mm.resize(field.size());
  out.dy_mm.resize(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    out.dx_mm[i] = float(field.dx_px[i] * region.mm_per_px_x);
    out.dy_mm[i] = float(field.dy_px[i] * region.mm_per_px_y);
  }
  return out;
}

FieldSummary summarise(const DisplacementField& field, const UltrasoundRegion& region) {
  FieldSummary s;
  double n = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (!field.valid[i]) continue;
    s.mean_dx_px += field.dx_px[i];
    s.mean_dy_px += field.dy_px[i];
    s.mean_quality += field.quality[i];
    n += 1;
  }
  if (n > 0) {
    s.mean_dx_px /= n;
    s.mean_dy_px /= n;
    s.mean_quality /= n;
  }
  s.valid_fraction = field.size() ? n / double(field.size()) : 0.0;
  if (region.has_mm_calibration()) {
    s.mean_dx_mm = s.mean_dx_px * region.mm_per_px_x;
    s.mean_dy_mm = s.mean_dy_px * region.mm_per_px_y;
  }
  return s;
}

}  // namespace ft::gpu
