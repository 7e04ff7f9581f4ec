#include "ft/core/FascicleReadings.h"

namespace ft {

FascicleReadings::Grid FascicleReadings::grid_of(const MotionRecord& m) {
  const DisplacementField& g = m.cumulative[0];
  return {g.columns, g.rows, g.step_px, g.origin_x_px, g.origin_y_px, 0.5 * (m.mm_per_px_x + m.mm_per_px_y), m.region.bounds};
}

const FibreField& FascicleReadings::in_frame(int k, const Frame& image, const MotionRecord& m) {
  const Grid grid = grid_of(m);
  if (!(grid == grid_)) {
    read_.clear();
    grid_ = grid;
  }
  auto it = read_.find(k);
  if (it == read_.end())
    it = read_.emplace(k, fascicle_orientation(image, m.region.bounds, m.cumulative[0], grid.mm_per_px)).first;
  return it->second;
}

}  // namespace ft
