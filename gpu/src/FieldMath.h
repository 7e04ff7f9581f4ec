#pragma once
// The per-point maths between pyramid levels, written once for the CPU loops
// (FieldFilters.cpp, HostPairTracking.cpp) and the CUDA pipeline's kernels
// (CudaFieldKernels.cu), so that the CPU tests cover the code the GPU runs.
// A grid is row-major, `columns` x `rows`; valid/known flags are bytes.
#include <cmath>
#include <cstdint>

#include "ft/gpu/BlockMatch.h"
#include "ft/gpu/HostDevice.h"

namespace ft::gpu {

struct GridShape {
  int columns = 0;
  int rows = 0;
  FT_HOST_DEVICE bool inside(int x, int y) const { return x >= 0 && y >= 0 && x < columns && y < rows; }
  FT_HOST_DEVICE int index(int x, int y) const { return y * columns + x; }
};

// Median of n <= 8 values (the mean of the middle two for even n), sorting `v` in place.
// An insertion sort: for so few values it is several times faster than nth_element.
FT_HOST_DEVICE float small_median(float* v, int n) {
  for (int i = 1; i < n; ++i) {
    const float x = v[i];
    int j = i;
    for (; j > 0 && v[j - 1] > x; --j) v[j] = v[j - 1];
    v[j] = x;
  }
  return n % 2 ? v[n / 2] : 0.5f * (v[n / 2] + v[n / 2 - 1]);
}

// Normalised median residual of component `c` at (x, y) over its valid 3x3 neighbours
// (Westerweel & Scarano 2005); -1 when fewer than three are valid.
FT_HOST_DEVICE float median_residual(const float* c, const std::uint8_t* valid, GridShape g, int x, int y, float eps) {
  float values[8];
  int n = 0;
  for (int j = -1; j <= 1; ++j)
    for (int i = -1; i <= 1; ++i) {
      if (!i && !j) continue;
      const int xx = x + i, yy = y + j;
      if (!g.inside(xx, yy)) continue;
      const int k = g.index(xx, yy);
      if (valid[k]) values[n++] = c[k];
    }
  if (n < 3) return -1.0f;
  const float m = small_median(values, n);
  float residuals[8];
  for (int i = 0; i < n; ++i) residuals[i] = fabsf(values[i] - m);
  const float rm = small_median(residuals, n);
  return fabsf(c[g.index(x, y)] - m) / (rm + eps);
}

// Whether a valid point passes the median test in both components: the larger residual
// at most `threshold`. As std::max(rx, ry) decides it: a NaN rx passes the point whatever
// ry is; a NaN ry leaves the decision to rx.
FT_HOST_DEVICE bool passes_median_test(const float* dx, const float* dy, const std::uint8_t* valid, GridShape g, int x, int y,
                                       float threshold, float eps) {
  const float rx = median_residual(dx, valid, g, x, y, eps), ry = median_residual(dy, valid, g, x, y, eps);
  return !((rx < ry ? ry : rx) > threshold);
}

// The median of the known 3x3 neighbours of (x, y); false when none is known.
FT_HOST_DEVICE bool median_of_known_neighbours(const float* dx, const float* dy, const std::uint8_t* known, GridShape g, int x,
                                               int y, float& out_dx, float& out_dy) {
  float vx[8], vy[8];
  int n = 0;
  for (int j = -1; j <= 1; ++j)
    for (int i = -1; i <= 1; ++i) {
      const int xx = x + i, yy = y + j;
      if ((!i && !j) || !g.inside(xx, yy)) continue;
      const int k = g.index(xx, yy);
      if (known[k]) {
        vx[n] = dx[k];
        vy[n] = dy[k];
        ++n;
      }
    }
  if (n == 0) return false;
  out_dx = small_median(vx, n);
  out_dy = small_median(vy, n);
  return true;
}

// 3x3 smoothing of one point: its own value weight 1, each neighbour `weight` x its
// quality (a quarter of that where it is not valid).
FT_HOST_DEVICE void smooth_point(const float* dx, const float* dy, const float* quality, const std::uint8_t* valid, GridShape g,
                                 int x, int y, float weight, float& out_dx, float& out_dy) {
  const int k = g.index(x, y);
  float wsum = 1.0f, ax = dx[k], ay = dy[k];
  for (int j = -1; j <= 1; ++j)
    for (int i = -1; i <= 1; ++i) {
      const int xx = x + i, yy = y + j;
      if ((!i && !j) || !g.inside(xx, yy)) continue;
      const int kk = g.index(xx, yy);
      const float q = quality[kk];
      const float w = weight * (0.0f < q ? q : 0.0f) * (valid[kk] ? 1.0f : 0.25f);
      ax += w * dx[kk];
      ay += w * dy[kk];
      wsum += w;
    }
  out_dx = ax / wsum;
  out_dy = ay / wsum;
}

// A coarse level tracks every `stride`-th column and row of the grid, always including
// the last: node k sits at min(k * stride, count - 1).
FT_HOST_DEVICE int sub_grid_nodes(int count, int stride) {
  return (count + stride - 1) / stride + ((count - 1) % stride != 0 ? 1 : 0);
}
FT_HOST_DEVICE int sub_grid_node(int k, int count, int stride) {
  const int at = k * stride;
  return at < count - 1 ? at : count - 1;
}

// Where full-grid index i falls between sub-grid nodes: the lower node k and the weight t
// of the upper one.
struct Bracket {
  int k = 0;
  float t = 0;
};

FT_HOST_DEVICE Bracket bracket_of(int i, int count, int stride) {
  const int nodes = sub_grid_nodes(count, stride);
  if (nodes == 1) return {0, 0.0f};
  int k = i / stride;
  if (k > nodes - 2) k = nodes - 2;
  const int lo = sub_grid_node(k, count, stride), hi = sub_grid_node(k + 1, count, stride);
  return {k, float(i - lo) / float(hi - lo)};
}

// Bilinear interpolation of a sub-grid's values (sub_columns wide) at one full-grid point.
FT_HOST_DEVICE float upsample_value(const float* v, int sub_columns, int sub_rows, Bracket across, Bracket down) {
  const int kc1 = across.k + 1 < sub_columns ? across.k + 1 : sub_columns - 1;
  const int kr1 = down.k + 1 < sub_rows ? down.k + 1 : sub_rows - 1;
  const float tc = across.t, tr = down.t;
  const float v00 = v[down.k * sub_columns + across.k], v01 = v[down.k * sub_columns + kc1];
  const float v10 = v[kr1 * sub_columns + across.k], v11 = v[kr1 * sub_columns + kc1];
  return (1 - tr) * ((1 - tc) * v00 + tc * v01) + tr * ((1 - tc) * v10 + tc * v11);
}

// A matched point read back to the full-resolution grid's units.
FT_HOST_DEVICE void take_match(const MatchResult& r, float scale, float& dx, float& dy, float& quality, std::uint8_t& valid) {
  dx = r.dx * scale;
  dy = r.dy * scale;
  quality = r.quality;
  valid = r.status == kMatchOk;
}

// Forward-backward: the point matched back from where it went lands within
// `tolerance_px` of where it started, within lateral_scale times that across the image (an
// ellipse: texture that stays alike far laterally holds a match less tightly there,
// TrackingParameters::forward_backward_lateral_scale). A scale under 1, or NaN, is 1.
FT_HOST_DEVICE int round_to_px(float v) { return int(lroundf(v)); }
FT_HOST_DEVICE bool returns_home(int x, int y, int returned_x, int returned_y, const MatchResult& back, double tolerance_px,
                                 float lateral_scale) {
  const float ex = float(returned_x) + back.dx - float(x);
  const float ey = float(returned_y) + back.dy - float(y);
  return back.status == kMatchOk && !(double(hypotf(ex / fmaxf(1.0f, lateral_scale), ey)) > tolerance_px);
}

}  // namespace ft::gpu
