#include "FieldFilters.h"

#include <algorithm>
#include <cmath>

namespace ft::gpu {
namespace {

// Median of n <= 8 values (the mean of the middle two for even n). An insertion sort:
// for so few values it is several times faster than nth_element.
float median(float* v, int n) {
  for (int i = 1; i < n; ++i) {
    const float x = v[i];
    int j = i;
    for (; j > 0 && v[j - 1] > x; --j) v[j] = v[j - 1];
    v[j] = x;
  }
  return n % 2 ? v[n / 2] : 0.5f * (v[n / 2] + v[n / 2 - 1]);
}

// Calls rows_job(first, last) on bands of rows over the pool.
template <class Job>
void over_rows(int rows, WorkerPool& pool, const Job& rows_job) {
  constexpr int kRowsPerTask = 8;
  const int tasks = (rows + kRowsPerTask - 1) / kRowsPerTask;
  if (tasks <= 1) return rows_job(0, rows);  // a coarse level's few rows: no hand-off to the pool
  pool.run(tasks, [&](int t) { rows_job(t * kRowsPerTask, std::min(rows, (t + 1) * kRowsPerTask)); });
}

// Normalised median residual of component `c` at (x, y) over valid neighbours; -1 if too few.
float median_residual(const GridValues& g, const std::vector<float>& c, int x, int y, float eps) {
  float values[8];
  int n = 0;
  for (int j = -1; j <= 1; ++j)
    for (int i = -1; i <= 1; ++i) {
      if (!i && !j) continue;
      const int xx = x + i, yy = y + j;
      if (xx < 0 || yy < 0 || xx >= g.columns || yy >= g.rows) continue;
      const std::size_t k = std::size_t(yy) * g.columns + xx;
      if (g.valid[k]) values[n++] = c[k];
    }
  if (n < 3) return -1.0f;
  const float m = median(values, n);
  float residuals[8];
  for (int i = 0; i < n; ++i) residuals[i] = std::abs(values[i] - m);
  const float rm = median(residuals, n);
  return std::abs(c[std::size_t(y) * g.columns + x] - m) / (rm + eps);
}

}  // namespace

void reject_outliers(GridValues& g, float median_threshold, float min_quality, WorkerPool& pool, float eps_px) {
  for (std::size_t k = 0; k < g.valid.size(); ++k)
    if (g.quality[k] < min_quality) g.valid[k] = 0;
  std::vector<std::uint8_t> keep = g.valid;
  over_rows(g.rows, pool, [&](int first, int last) {
    for (int y = first; y < last; ++y)
      for (int x = 0; x < g.columns; ++x) {
        const std::size_t k = std::size_t(y) * g.columns + x;
        if (!g.valid[k]) continue;
        const float rx = median_residual(g, g.dx, x, y, eps_px), ry = median_residual(g, g.dy, x, y, eps_px);
        if (std::max(rx, ry) > median_threshold) keep[k] = 0;
      }
  });
  g.valid.swap(keep);
}

void fill_invalid(GridValues& g) {
  std::vector<std::uint8_t> known = g.valid;
  if (std::none_of(known.begin(), known.end(), [](std::uint8_t v) { return v != 0; })) return;
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<std::uint8_t> next = known;
    for (int y = 0; y < g.rows; ++y)
      for (int x = 0; x < g.columns; ++x) {
        const std::size_t k = std::size_t(y) * g.columns + x;
        if (known[k]) continue;
        float vx[8], vy[8];
        int n = 0;
        for (int j = -1; j <= 1; ++j)
          for (int i = -1; i <= 1; ++i) {
            const int xx = x + i, yy = y + j;
            if ((!i && !j) || xx < 0 || yy < 0 || xx >= g.columns || yy >= g.rows) continue;
            const std::size_t kk = std::size_t(yy) * g.columns + xx;
            if (known[kk]) { vx[n] = g.dx[kk]; vy[n] = g.dy[kk]; ++n; }
          }
        if (n == 0) continue;
        g.dx[k] = median(vx, n);
        g.dy[k] = median(vy, n);
        next[k] = 1;
        changed = true;
      }
    known.swap(next);
  }
}

void smooth(GridValues& g, float weight, WorkerPool& pool) {
  if (weight <= 0) return;
  std::vector<float> sx(g.dx.size()), sy(g.dy.size());
  over_rows(g.rows, pool, [&](int first, int last) {
    for (int y = first; y < last; ++y)
      for (int x = 0; x < g.columns; ++x) {
        const std::size_t k = std::size_t(y) * g.columns + x;
        float wsum = 1.0f, ax = g.dx[k], ay = g.dy[k];
        for (int j = -1; j <= 1; ++j)
          for (int i = -1; i <= 1; ++i) {
            const int xx = x + i, yy = y + j;
            if ((!i && !j) || xx < 0 || yy < 0 || xx >= g.columns || yy >= g.rows) continue;
            const std::size_t kk = std::size_t(yy) * g.columns + xx;
            const float w = weight * std::max(0.0f, g.quality[kk]) * (g.valid[kk] ? 1.0f : 0.25f);
            ax += w * g.dx[kk];
            ay += w * g.dy[kk];
            wsum += w;
          }
        sx[k] = ax / wsum;
        sy[k] = ay / wsum;
      }
  });
  g.dx.swap(sx);
  g.dy.swap(sy);
}

}  // namespace ft::gpu
