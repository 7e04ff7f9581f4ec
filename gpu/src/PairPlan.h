#pragma once
// How one frame pair is tracked, level by level: the grid, each pyramid level's sub-grid
// and match settings, and the filters between levels. track_pair_on_host() runs it around
// a backend's match(); a backend that runs whole pairs (the CUDA one) runs the same plan on
// the device. Both read the levels from here, so they cannot drift apart.
#include <cstdint>
#include <vector>

#include "FieldFilters.h"
#include "FieldMath.h"
#include "ft/gpu/BlockMatch.h"
#include "ft/gpu/TrackingParameters.h"

namespace ft::gpu {

// The tracked points: columns x rows, step_px apart, the first margin_px from the
// region's top-left so that the template and its gradients stay inside the region.
struct TrackingGrid {
  int margin_px = 0;
  int columns = 0;
  int rows = 0;
  int step_px = 1;
  int size() const { return columns * rows; }
};

TrackingGrid make_tracking_grid(int width_px, int height_px, int kernel_half_px, int step_px);

// One pyramid level. Coarse levels track a sparser sub-grid: neighbouring points there
// would share nearly all of their (magnified) template. Their result is interpolated back.
struct LevelPlan {
  int level = 0;
  int stride = 1;  // sub-grid node spacing, in grid points
  float scale = 1.0f;
  int sub_columns = 0;
  int sub_rows = 0;
  MatchSettings settings;
  float smoothing = 0.0f;  // smooth()'s weight after this level
  int sub_size() const { return sub_columns * sub_rows; }
};

// Everything the pair's tracking needs besides the frames and the seed.
struct PairPlan {
  TrackingGrid grid;
  int levels = 1;
  MatchSettings fine;  // level 0's settings
  float median_threshold = 3.0f;
  float median_eps_px = 0.1f;  // the median test's noise floor (Westerweel & Scarano's epsilon)
  float min_quality = 0.35f;
  float level0_smoothing = 0.25f;
  double forward_backward_px = -1.0;  // <= 0: no backward check
  float forward_backward_lateral_scale = 1.0f;  // TrackingParameters'; returns_home
  int coarse_half_px = 4;
  int coarse_radius_px = 2;
  LevelPlan level(int l) const;
  // The backward check's: level 0's template and search with the peak fit alone. A point
  // fails the check by half a pixel (forward_backward_px); the peak fit is off by a tenth or
  // two of a pixel (pixel locking), which then counts against that half pixel, so the check
  // drops a few more points than with a sub-pixel step (docs/benchmarks.md: tracked shares
  // -0.02 on average). The step would cost as much as the forward match's, and the forward
  // match's step on the spline is paid for by leaving it out here.
  MatchSettings backward_check() const;
};

PairPlan make_pair_plan(const TrackingParameters& p, const TrackingGeometry& geo, const TrackingGrid& grid,
                        double forward_backward_px);

// Where sub-grid node (c, r) of a level lies in that level's px.
FT_HOST_DEVICE int level_position_px(int margin_px, int node, int step_px, float scale) {
  return int(lroundf(float(margin_px + node * step_px) / scale));
}

class MatcherBackend;
// The plan on the host around `matcher`'s match() for each level, from the full grid's
// seed (the frames already set): the CPU matcher's path, and the reference for a
// backend's own MatcherBackend::track_pair(). `out`: the field on the grid, full-resolution px.
void track_pair_on_host(MatcherBackend& matcher, WorkerPool& pool, const PairPlan& plan, std::vector<float> seed_dx,
                        std::vector<float> seed_dy, GridValues& out);

}  // namespace ft::gpu
