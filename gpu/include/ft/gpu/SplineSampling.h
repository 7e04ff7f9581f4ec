#pragma once
// Sub-pixel sampling of an image by its cubic B-spline interpolant (Unser 1999,
// "Splines: a perfect fit for signal and image processing"), written once for the CPU
// and the GPU.
//
// Why not Catmull-Rom: an interpolator's phase error moves a sampled block by a
// fraction of a pixel that depends on where between pixels it is sampled, and the
// sub-pixel steps converge onto that error. For speckle (most energy near 1-1.5
// rad/px) Catmull-Rom's is -0.017..-0.041 px at a quarter pixel: the S-shaped tracking
// bias of about +-0.02 px that bench_accuracy measured. The cubic B-spline
// interpolant's is about eight times smaller. It needs the image's spline
// coefficients (a recursive prefilter along every row and column, O(n)), which a
// pyramid computes once per frame and level; sampling then costs the same 4 x 4 taps.
#include <math.h>
#include <stddef.h>

#include "ft/gpu/HostDevice.h"

namespace ft::gpu {

// Cubic B-spline weights for the coefficients at -1, 0, 1, 2 around a fractional
// offset f in [0, 1). They sum to 1.
FT_HOST_DEVICE void bspline_weights(float f, float w[4]) {
  const float f2 = f * f, f3 = f2 * f, g = 1.0f - f;
  w[0] = g * g * g / 6.0f;
  w[1] = (3.0f * f3 - 6.0f * f2 + 4.0f) / 6.0f;
  w[2] = (-3.0f * f3 + 3.0f * f2 + 3.0f * f + 1.0f) / 6.0f;
  w[3] = f3 / 6.0f;
}

// The derivative of the cubic B-spline interpolant at a pixel, across one axis, from the
// coefficient differences c[+1] - c[-1] along that axis in the three lines through the pixel
// and its neighbours on the other axis: the spline's derivative at a knot is (c[+1] - c[-1]) / 2,
// its value weights the lines 1/6, 4/6, 1/6.
FT_HOST_DEVICE float spline_derivative(float before, float at, float after) {
  return (before + 4.0f * at + after) * (1.0f / 12.0f);
}

// Lines of samples to prefilter: `count` lines of n samples, sample k of line i at
// data[i * line_step + k * step]. The lines are filtered together, line innermost, so
// that columns are swept row by row (contiguous) on the CPU, and one GPU thread can
// take one line.
struct SplineLines {
  float* data = nullptr;
  int n = 0;
  int step = 1;
  int count = 1;
  int line_step = 0;
  FT_HOST_DEVICE float& at(int line, int k) const { return data[line * line_step + k * step]; }
};

// The causal recursion's first value: the mirrored signal summed with the pole's
// powers; exactly for a short line, until they fall below 1e-6 (11 terms) otherwise.
FT_HOST_DEVICE void spline_causal_start(const SplineLines& l, float z) {
  const int n = l.n;
  if (n > 12) {
    float zk = z;
    for (int k = 1; k < 12; ++k, zk *= z)
      for (int i = 0; i < l.count; ++i) l.at(i, 0) += zk * l.at(i, k);
    return;
  }
  const float zn = powf(z, float(n - 1)), z2n = zn * zn / z;  // z^(n-1), z^(2n-3)
  for (int i = 0; i < l.count; ++i) {
    float sum = l.at(i, 0) + zn * l.at(i, n - 1), zk = z, zk_back = z2n;
    for (int k = 1; k < n - 1; ++k, zk *= z, zk_back /= z) sum += (zk + zk_back) * l.at(i, k);
    l.at(i, 0) = sum / (1.0f - zn * zn);
  }
}

// Turns each line's samples into the coefficients of their cubic B-spline interpolant,
// in place: the causal and anti-causal recursions of the pole sqrt(3) - 2 with the
// signal mirrored at both ends (whole-sample symmetry, as ITK's
// BSplineDecompositionImageFilter).
FT_HOST_DEVICE void spline_prefilter(const SplineLines& l) {
  const int n = l.n;
  if (n < 2) return;
  const float z = -0.267949192431123f;  // sqrt(3) - 2
  const float gain = 6.0f;              // (1 - z)(1 - 1/z)
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < l.count; ++i) l.at(i, k) *= gain;
  spline_causal_start(l, z);
  for (int k = 1; k < n; ++k)
    for (int i = 0; i < l.count; ++i) l.at(i, k) += z * l.at(i, k - 1);
  for (int i = 0; i < l.count; ++i) l.at(i, n - 1) = (z / (z * z - 1.0f)) * (l.at(i, n - 1) + z * l.at(i, n - 2));
  for (int k = n - 2; k >= 0; --k)
    for (int i = 0; i < l.count; ++i) l.at(i, k) = z * (l.at(i, k + 1) - l.at(i, k));
}

// A row-major width x height image's spline coefficients, in place: rows eight at a time
// (eight independent recursions interleaved; one row alone is a chain of dependent
// multiply-adds, 2.2 times slower at 1024 x 1024; sixteen rows a row's length apart in memory
// evict each other from the cache), then all columns together row by row.
FT_HOST_DEVICE void spline_coefficients(float* image, int width, int height) {
  constexpr int kRowsTogether = 8;
  int y = 0;
  for (; y + kRowsTogether <= height; y += kRowsTogether)
    spline_prefilter(SplineLines{image + size_t(y) * size_t(width), width, 1, kRowsTogether, width});
  for (; y < height; ++y) spline_prefilter(SplineLines{image + size_t(y) * size_t(width), width, 1, 1, 0});
  spline_prefilter(SplineLines{image, height, width, width, 1});
}

// How much steeper an image's spline interpolant is than its central differences, per axis,
// over a whole pyramid level: sum g s / sum g^2 with g the central difference and s the
// spline's derivative at each pixel (spline_derivative). For a wave of w rad/px the ratio is
// 3 / (2 + cos w): 1 for slow ones, 1.45 at 1.5 rad/px, about 1.2 for speckle. The steps on
// the spline scale their Hessian by it (apply_refine_step). One ratio per level rather than
// sums per template: templates a grid step apart overlap some twenty times, and speckle's
// spectrum, which sets the ratio, changes little across an image.
struct SplineGain {
  float x = 1.0f;
  float y = 1.0f;
};

// What inner pixel x of a row adds to the gain's sums, from the image's rows above, at and
// below it and the same rows of its spline coefficients: g_x s_x, g_x^2, g_y s_y, g_y^2.
FT_HOST_DEVICE void spline_gain_terms(const float* up, const float* mid, const float* dn, const float* c_up, const float* c_mid,
                                      const float* c_dn, int x, float terms[4]) {
  const float gx = 0.5f * (mid[x + 1] - mid[x - 1]), gy = 0.5f * (dn[x] - up[x]);
  const float sx = spline_derivative(c_up[x + 1] - c_up[x - 1], c_mid[x + 1] - c_mid[x - 1], c_dn[x + 1] - c_dn[x - 1]);
  const float sy = spline_derivative(c_dn[x - 1] - c_up[x - 1], c_dn[x] - c_up[x], c_dn[x + 1] - c_up[x + 1]);
  terms[0] = gx * sx;
  terms[1] = gx * gx;
  terms[2] = gy * sy;
  terms[3] = gy * gy;
}

// The same for inner pixel (x, y) of a row-major image `width` wide and its coefficients c.
FT_HOST_DEVICE void spline_gain_terms(const float* image, const float* c, int width, int x, int y, float terms[4]) {
  const size_t w = size_t(width), row = size_t(y) * w;
  spline_gain_terms(image + row - w, image + row, image + row + w, c + row - w, c + row, c + row + w, x, terms);
}

// The gain from the four sums; 1 on an axis without texture.
FT_HOST_DEVICE SplineGain spline_gain_from_sums(double gs_x, double gg_x, double gs_y, double gg_y) {
  SplineGain g;
  if (gg_x > 1e-12) g.x = float(gs_x / gg_x);
  if (gg_y > 1e-12) g.y = float(gs_y / gg_y);
  return g;
}

// The gain of a width x height image with coefficients c, over its inner pixels, a row at a
// time (a row's sums in float, the rows' in double).
inline SplineGain spline_gain(const float* image, const float* c, int width, int height) {
  double sums[4] = {0, 0, 0, 0};
  const size_t w = size_t(width);
  for (int y = 1; y + 1 < height; ++y) {
    const float* __restrict__ up = image + size_t(y - 1) * w;
    const float* __restrict__ mid = up + w;
    const float* __restrict__ dn = mid + w;
    const float* __restrict__ c_up = c + size_t(y - 1) * w;
    const float* __restrict__ c_mid = c_up + w;
    const float* __restrict__ c_dn = c_mid + w;
    float row[4] = {0, 0, 0, 0};
    for (int x = 1; x + 1 < width; ++x) {
      float terms[4];
      spline_gain_terms(up, mid, dn, c_up, c_mid, c_dn, x, terms);
      for (int k = 0; k < 4; ++k) row[k] += terms[k];
    }
    for (int k = 0; k < 4; ++k) sums[k] += double(row[k]);
  }
  return spline_gain_from_sums(sums[0], sums[1], sums[2], sums[3]);
}

}  // namespace ft::gpu
