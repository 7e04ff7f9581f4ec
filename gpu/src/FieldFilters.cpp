#include "FieldFilters.h"

#include <algorithm>
#include <cmath>

#include "FieldMath.h"

namespace ft::gpu {
namespace {

// Calls rows_job(first, last) on bands of rows over the pool.
template <class Job>
void over_rows(int rows, WorkerPool& pool, const Job& rows_job) {
  constexpr int kRowsPerTask = 8;
  const int tasks = (rows + kRowsPerTask - 1) / kRowsPerTask;
  if (tasks <= 1) return rows_job(0, rows);  // a coarse level's few rows: no hand-off to the pool
  pool.run(tasks, [&](int t) { rows_job(t * kRowsPerTask, std::min(rows, (t + 1) * kRowsPerTask)); });
}

}  // namespace

void reject_outliers(GridValues& g, float median_threshold, float min_quality, WorkerPool& pool, float eps_px) {
  for (std::size_t k = 0; k < g.valid.size(); ++k)
    if (g.quality[k] < min_quality) g.valid[k] = 0;
  std::vector<std::uint8_t> keep = g.valid;
  const GridShape shape{g.columns, g.rows};
  over_rows(g.rows, pool, [&](int first, int last) {
    for (int y = first; y < last; ++y)
      for (int x = 0; x < g.columns; ++x) {
        const std::size_t k = std::size_t(y) * g.columns + x;
        if (!g.valid[k]) continue;
        if (!passes_median_test(g.dx.data(), g.dy.data(), g.valid.data(), shape, x, y, median_threshold, eps_px)) keep[k] = 0;
      }
  });
  g.valid.swap(keep);
}

void fill_invalid(GridValues& g) {
  std::vector<std::uint8_t> known = g.valid;
  const GridShape shape{g.columns, g.rows};
  if (std::none_of(known.begin(), known.end(), [](std::uint8_t v) { return v != 0; })) return;
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<std::uint8_t> next = known;
    for (int y = 0; y < g.rows; ++y)
      for (int x = 0; x < g.columns; ++x) {
        const std::size_t k = std::size_t(y) * g.columns + x;
        if (known[k]) continue;
        if (!median_of_known_neighbours(g.dx.data(), g.dy.data(), known.data(), shape, x, y, g.dx[k], g.dy[k])) continue;
        next[k] = 1;
        changed = true;
      }
    known.swap(next);
  }
}

void smooth(GridValues& g, float weight, WorkerPool& pool) {
  if (weight <= 0) return;
  std::vector<float> sx(g.dx.size()), sy(g.dy.size());
  const GridShape shape{g.columns, g.rows};
  over_rows(g.rows, pool, [&](int first, int last) {
    for (int y = first; y < last; ++y)
      for (int x = 0; x < g.columns; ++x) {
        const std::size_t k = std::size_t(y) * g.columns + x;
        smooth_point(g.dx.data(), g.dy.data(), g.quality.data(), g.valid.data(), shape, x, y, weight, sx[k], sy[k]);
      }
  });
  g.dx.swap(sx);
  g.dy.swap(sy);
}

}  // namespace ft::gpu
