#include "ft/gpu/StrainField.h"

#include <algorithm>
#include <cmath>

namespace ft::gpu {

StrainField green_lagrange(const DisplacementField& u, double mm_per_px_x, double mm_per_px_y) {
  if (mm_per_px_x <= 0) mm_per_px_x = 1.0;
  if (mm_per_px_y <= 0) mm_per_px_y = 1.0;
  StrainField s;
  s.columns = u.columns;
  s.rows = u.rows;
  s.origin_x_px = u.origin_x_px;
  s.origin_y_px = u.origin_y_px;
  s.step_px = u.step_px;
  const std::size_t n = u.size();
  s.exx.assign(n, 0.0f);
  s.eyy.assign(n, 0.0f);
  s.exy.assign(n, 0.0f);
  s.valid.assign(n, 0);
  if (u.columns < 2 || u.rows < 2) return s;
  for (int r = 0; r < u.rows; ++r)
    for (int c = 0; c < u.columns; ++c) {
      // Central differences inside, one-sided at the edges.
      const int c0 = std::max(0, c - 1), c1 = std::min(u.columns - 1, c + 1);
      const int r0 = std::max(0, r - 1), r1 = std::min(u.rows - 1, r + 1);
      const std::size_t ix0 = u.index(c0, r), ix1 = u.index(c1, r), iy0 = u.index(c, r0), iy1 = u.index(c, r1);
      const std::size_t i = u.index(c, r);
      s.valid[i] = u.valid[i] && u.valid[ix0] && u.valid[ix1] && u.valid[iy0] && u.valid[iy1];
      const double hx = (c1 - c0) * u.step_px * mm_per_px_x, hy = (r1 - r0) * u.step_px * mm_per_px_y;
      const double dux_dx = (u.dx_px[ix1] - u.dx_px[ix0]) * mm_per_px_x / hx;
      const double duy_dx = (u.dy_px[ix1] - u.dy_px[ix0]) * mm_per_px_y / hx;
      const double dux_dy = (u.dx_px[iy1] - u.dx_px[iy0]) * mm_per_px_x / hy;
      const double duy_dy = (u.dy_px[iy1] - u.dy_px[iy0]) * mm_per_px_y / hy;
      const double f11 = 1 + dux_dx, f12 = dux_dy, f21 = duy_dx, f22 = 1 + duy_dy;
      s.exx[i] = float(0.5 * (f11 * f11 + f21 * f21 - 1.0));
      s.eyy[i] = float(0.5 * (f12 * f12 + f22 * f22 - 1.0));
      s.exy[i] = float(0.5 * (f11 * f12 + f21 * f22));
    }
  return s;
}

double strain_along(const StrainField& s, std::size_t i, double angle_deg) {
  const double a = angle_deg * M_PI / 180.0, cx = std::cos(a), cy = std::sin(a);
  return cx * cx * s.exx[i] + 2 * cx * cy * s.exy[i] + cy * cy * s.eyy[i];
}

double engineering_strain_along(const StrainField& s, std::size_t i, double angle_deg) {
  return std::sqrt(std::max(0.0, 1.0 + 2.0 * strain_along(s, i, angle_deg))) - 1.0;
}

double mean_engineering_strain_along(const StrainField& s, double angle_deg) {
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.valid.size(); ++i) {
    if (!s.valid[i]) continue;
    sum += engineering_strain_along(s, i, angle_deg);
    ++n;
  }
  return n ? sum / double(n) : 0.0;
}

}  // namespace ft::gpu
