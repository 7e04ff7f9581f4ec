#include "ft/core/FascicleReadings.h"

namespace ft {

const FibreField& FascicleReadings::in_frame(int k, const Frame& image, const MotionRecord& m) {
  auto it = read_.find(k);
  if (it == read_.end())
    it = read_.emplace(k, fascicle_orientation(image, m.region.bounds, m.cumulative[0], 0.5 * (m.mm_per_px_x + m.mm_per_px_y)))
             .first;
  return it->second;
}

}  // namespace ft
