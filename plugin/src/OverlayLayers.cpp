#include "ft/plugin/OverlayLayers.h"

#include <cmath>

namespace ft {

double caliper_length_mm(const Caliper& c, const UltrasoundRegion& region) {
  if (!region.has_mm_calibration()) return -1.0;
  return std::hypot((c.x1_px - c.x0_px) * region.mm_per_px_x, (c.y1_px - c.y0_px) * region.mm_per_px_y);
}

}  // namespace ft
