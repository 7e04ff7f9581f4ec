// PairPlan run on the host around a backend's match(): the CPU matcher's path, and the
// reference the CUDA backend's own track_pair() is checked against.
#include <utility>

#include "FieldFilters.h"
#include "MatcherBackend.h"
#include "PairPlan.h"

namespace ft::gpu {
namespace {

// Bilinear interpolation of a level's sub-grid values onto the full grid.
void upsample(const GridValues& v, const LevelPlan& lp, const TrackingGrid& grid, std::vector<float>& dx, std::vector<float>& dy) {
  for (int r = 0; r < grid.rows; ++r) {
    const Bracket down = bracket_of(r, grid.rows, lp.stride);
    for (int c = 0; c < grid.columns; ++c) {
      const Bracket across = bracket_of(c, grid.columns, lp.stride);
      const std::size_t i = std::size_t(r) * grid.columns + c;
      dx[i] = upsample_value(v.dx.data(), lp.sub_columns, lp.sub_rows, across, down);
      dy[i] = upsample_value(v.dy.data(), lp.sub_columns, lp.sub_rows, across, down);
    }
  }
}

GridValues to_grid_values(const std::vector<MatchResult>& results, int columns, int rows, float scale) {
  GridValues g;
  g.columns = columns;
  g.rows = rows;
  const std::size_t n = results.size();
  g.dx.resize(n);
  g.dy.resize(n);
  g.quality.resize(n);
  g.valid.resize(n);
  for (std::size_t i = 0; i < n; ++i) take_match(results[i], scale, g.dx[i], g.dy[i], g.quality[i], g.valid[i]);
  return g;
}

// Tracks every point back from where it arrived; one that does not return within the
// plan's tolerance is not valid.
void check_forward_backward(MatcherBackend& matcher, const PairPlan& plan, GridValues& values, std::vector<GridPoint>& returned,
                            std::vector<MatchResult>& results) {
  const TrackingGrid& grid = plan.grid;
  const std::size_t n = std::size_t(grid.size());
  returned.resize(n);
  std::vector<float> back_dx(n), back_dy(n);
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.columns; ++c) {
      const std::size_t i = std::size_t(r) * grid.columns + c;
      const int x = grid.margin_px + c * grid.step_px, y = grid.margin_px + r * grid.step_px;
      returned[i] = {round_to_px(float(x) + values.dx[i]), round_to_px(float(y) + values.dy[i])};
      back_dx[i] = -values.dx[i];
      back_dy[i] = -values.dy[i];
    }
  matcher.match(0, false, returned, grid.columns, back_dx, back_dy, plan.backward_check(), results);
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.columns; ++c) {
      const std::size_t i = std::size_t(r) * grid.columns + c;
      const int x = grid.margin_px + c * grid.step_px, y = grid.margin_px + r * grid.step_px;
      if (!returns_home(x, y, returned[i].x, returned[i].y, results[i], plan.forward_backward_px,
                        plan.forward_backward_lateral_scale))
        values.valid[i] = 0;
    }
}

}  // namespace

void track_pair_on_host(MatcherBackend& matcher, WorkerPool& pool, const PairPlan& plan, std::vector<float> seed_dx,
                        std::vector<float> seed_dy, GridValues& out) {
  const TrackingGrid& grid = plan.grid;
  GridValues values;
  std::vector<GridPoint> points;
  std::vector<MatchResult> results;
  for (int level = plan.levels - 1; level >= 0; --level) {
    const LevelPlan lp = plan.level(level);
    points.resize(std::size_t(lp.sub_size()));
    std::vector<float> level_dx(points.size()), level_dy(points.size());
    for (int r = 0; r < lp.sub_rows; ++r)
      for (int c = 0; c < lp.sub_columns; ++c) {
        const int column = sub_grid_node(c, grid.columns, lp.stride), row = sub_grid_node(r, grid.rows, lp.stride);
        const std::size_t i = std::size_t(r) * lp.sub_columns + c, full = std::size_t(row) * grid.columns + column;
        points[i] = {level_position_px(grid.margin_px, column, grid.step_px, lp.scale),
                     level_position_px(grid.margin_px, row, grid.step_px, lp.scale)};
        level_dx[i] = seed_dx[full] / lp.scale;
        level_dy[i] = seed_dy[full] / lp.scale;
      }
    matcher.match(level, true, points, lp.sub_columns, level_dx, level_dy, lp.settings, results);
    values = to_grid_values(results, lp.sub_columns, lp.sub_rows, lp.scale);
    reject_outliers(values, plan.median_threshold, plan.min_quality, pool, plan.median_eps_px);
    fill_invalid(values);  // leaves `valid` as the median test left it
    smooth(values, lp.smoothing, pool);
    if (lp.stride > 1) {
      upsample(values, lp, grid, seed_dx, seed_dy);
    } else {
      seed_dx = values.dx;
      seed_dy = values.dy;
    }
  }
  if (plan.forward_backward_px > 0) check_forward_backward(matcher, plan, values, points, results);
  out = std::move(values);
}

}  // namespace ft::gpu
