#include "ft/core/Deformation.h"

#include <algorithm>
#include <cmath>

namespace ft {

Tensor2 Tensor2::inverse() const {
  const double d = det();
  if (std::abs(d) < 1e-12) return Tensor2{};
  return Tensor2{yy / d, -xy / d, -yx / d, xx / d};
}

Tensor2 Tensor2::operator*(const Tensor2& o) const {
  return Tensor2{xx * o.xx + xy * o.yx, xx * o.xy + xy * o.yy, yx * o.xx + yy * o.yx, yx * o.xy + yy * o.yy};
}

double Tensor2::stretch_along(double angle_deg) const {
  const double a = angle_deg * M_PI / 180.0;
  return stretch_along(std::cos(a), std::sin(a));
}

double Tensor2::stretch_along(double cos_a, double sin_a) const {
  return std::hypot(xx * cos_a + xy * sin_a, yx * cos_a + yy * sin_a);
}

PrincipalStretch principal_stretch(const Tensor2& f) {
  // C = F^T F (symmetric); its eigenvalues are the squared principal stretches.
  const double c11 = f.xx * f.xx + f.yx * f.yx, c22 = f.xy * f.xy + f.yy * f.yy, c12 = f.xx * f.xy + f.yx * f.yy;
  const double mean = 0.5 * (c11 + c22), diff = 0.5 * (c11 - c22);
  const double radius = std::sqrt(diff * diff + c12 * c12);
  PrincipalStretch p;
  p.major = std::sqrt(std::max(0.0, mean + radius));
  p.minor = std::sqrt(std::max(0.0, mean - radius));
  p.angle_deg = 0.5 * std::atan2(2.0 * c12, c11 - c22) * 180.0 / M_PI;
  return p;
}

Tensor2 deformation_gradient(const DisplacementField& u, int c, int r, int baseline, double sx, double sy) {
  const int c0 = std::max(0, c - baseline), c1 = std::min(u.columns - 1, c + baseline);
  const int r0 = std::max(0, r - baseline), r1 = std::min(u.rows - 1, r + baseline);
  Tensor2 f;
  if (c1 > c0) {
    const double h = (c1 - c0) * u.step_px * sx;
    f.xx = 1.0 + (u.dx_px[u.index(c1, r)] - u.dx_px[u.index(c0, r)]) * sx / h;
    f.yx = (u.dy_px[u.index(c1, r)] - u.dy_px[u.index(c0, r)]) * sy / h;
  }
  if (r1 > r0) {
    const double h = (r1 - r0) * u.step_px * sy;
    f.xy = (u.dx_px[u.index(c, r1)] - u.dx_px[u.index(c, r0)]) * sx / h;
    f.yy = 1.0 + (u.dy_px[u.index(c, r1)] - u.dy_px[u.index(c, r0)]) * sy / h;
  }
  return f;
}

Tensor2 deformation_gradient_disc(const DisplacementField& u, int c, int r, int radius_steps, double sx, double sy) {
  const std::size_t at = u.index(c, r);
  double axx = 0, axy = 0, ayy = 0, bxx = 0, bxy = 0, byx = 0, byy = 0;  // A = sum d d^T, B = sum du d^T
  for (int j = -radius_steps; j <= radius_steps; ++j)
    for (int i = -radius_steps; i <= radius_steps; ++i) {
      if (i * i + j * j > radius_steps * radius_steps || (i == 0 && j == 0)) continue;
      const int cc = c + i, rr = r + j;
      if (cc < 0 || rr < 0 || cc >= u.columns || rr >= u.rows) continue;
      const double x = i * u.step_px * sx, y = j * u.step_px * sy;  // mm
      const std::size_t k = u.index(cc, rr);
      const double dux = (u.dx_px[k] - u.dx_px[at]) * sx, duy = (u.dy_px[k] - u.dy_px[at]) * sy;
      axx += x * x, axy += x * y, ayy += y * y;
      bxx += dux * x, bxy += dux * y, byx += duy * x, byy += duy * y;
    }
  const double det = axx * ayy - axy * axy;
  if (!(det > 0)) return deformation_gradient(u, c, r, radius_steps, sx, sy);  // a line of points: no fit
  // J = B A^-1, A^-1 = [ayy -axy; -axy axx] / det
  Tensor2 f;
  f.xx = 1.0 + (bxx * ayy - bxy * axy) / det;
  f.xy = (bxy * axx - bxx * axy) / det;
  f.yx = (byx * ayy - byy * axy) / det;
  f.yy = 1.0 + (byy * axx - byx * axy) / det;
  return f;
}

void displacement_at(const DisplacementField& u, double x_px, double y_px, double& dx_px, double& dy_px) {
  const double gx = std::clamp((x_px - u.origin_x_px) / u.step_px, 0.0, double(u.columns - 1));
  const double gy = std::clamp((y_px - u.origin_y_px) / u.step_px, 0.0, double(u.rows - 1));
  const int c0 = std::min(int(gx), std::max(0, u.columns - 2)), r0 = std::min(int(gy), std::max(0, u.rows - 2));
  const int c1 = std::min(c0 + 1, u.columns - 1), r1 = std::min(r0 + 1, u.rows - 1);
  const double fx = gx - c0, fy = gy - r0;
  auto lerp = [&](const std::vector<float>& v) {
    return (1 - fy) * ((1 - fx) * v[u.index(c0, r0)] + fx * v[u.index(c1, r0)]) +
           fy * ((1 - fx) * v[u.index(c0, r1)] + fx * v[u.index(c1, r1)]);
  };
  dx_px = lerp(u.dx_px);
  dy_px = lerp(u.dy_px);
}

}  // namespace ft
