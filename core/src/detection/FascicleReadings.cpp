#include "ft/core/FascicleReadings.h"

namespace ft {

FascicleReadings::Grid FascicleReadings::grid_of(const MotionRecord& m, double grain_elongation) {
  const DisplacementField& g = m.cumulative[0];
  return {g.columns,  g.rows, g.step_px, g.origin_x_px, g.origin_y_px, 0.5 * (m.mm_per_px_x + m.mm_per_px_y),
          grain_elongation, m.region.bounds};
}

const FibreField& FascicleReadings::in_frame(int k, const Frame& image, const MotionRecord& m, double grain_elongation) {
  const Grid grid = grid_of(m, grain_elongation);
  if (!(grid == grid_)) {
    read_.clear();
    grid_ = grid;
  }
  auto it = read_.find(k);
  if (it == read_.end()) {
    FascicleScale scale;
    scale.texture_elongation = grain_elongation;
    it = read_.emplace(k, fascicle_orientation(image, m.region.bounds, m.cumulative[0], grid.mm_per_px, scale)).first;
  }
  return it->second;
}

}  // namespace ft
