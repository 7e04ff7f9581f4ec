#include "PairPlan.h"

#include <algorithm>

namespace ft::gpu {

TrackingGrid make_tracking_grid(int width_px, int height_px, int kernel_half_px, int step_px) {
  TrackingGrid g;
  g.step_px = std::max(1, step_px);
  g.margin_px = kernel_half_px + 2;  // the template and its gradients stay inside the region
  g.columns = width_px > 2 * g.margin_px ? (width_px - 1 - 2 * g.margin_px) / g.step_px + 1 : 0;
  g.rows = height_px > 2 * g.margin_px ? (height_px - 1 - 2 * g.margin_px) / g.step_px + 1 : 0;
  return g;
}

PairPlan make_pair_plan(const TrackingParameters& p, const TrackingGeometry& geo, const TrackingGrid& grid,
                        double forward_backward_px) {
  PairPlan plan;
  plan.grid = grid;
  plan.levels = geo.levels;
  plan.fine = {geo.kernel_half_px, geo.fine_radius_px, p.refine_iterations, p.spline_refine_steps};
  plan.median_threshold = float(p.median_threshold);
  plan.min_quality = float(p.min_quality);
  plan.level0_smoothing = float(p.smoothing);
  plan.forward_backward_px = forward_backward_px;
  plan.forward_backward_lateral_scale = float(std::max(1.0, p.forward_backward_lateral_scale));
  plan.coarse_half_px = geo.coarse_half_px;
  plan.coarse_radius_px = geo.coarse_radius_px;
  return plan;
}

MatchSettings PairPlan::backward_check() const {
  MatchSettings s = fine;
  s.refine_iterations = 0;
  s.spline_steps = 0;
  return s;
}

LevelPlan PairPlan::level(int l) const {
  LevelPlan lp;
  lp.level = l;
  lp.stride = l == 0 ? 1 : std::max(1, (8 << l) / grid.step_px);
  lp.scale = float(1 << l);
  lp.sub_columns = grid.columns > 0 ? sub_grid_nodes(grid.columns, lp.stride) : 0;
  lp.sub_rows = grid.rows > 0 ? sub_grid_nodes(grid.rows, lp.stride) : 0;
  // No steps on the spline at the coarse levels: each only seeds the next finer level's
  // integer search, which a hundredth of a pixel does not move.
  lp.settings = l == 0 ? fine : MatchSettings{coarse_half_px, coarse_radius_px, 1, 0};
  lp.smoothing = l == 0 ? level0_smoothing : 0.5f;
  return lp;
}

}  // namespace ft::gpu
