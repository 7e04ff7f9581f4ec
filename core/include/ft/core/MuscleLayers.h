#pragma once
// Bright fascial planes (superficial fascia, aponeuroses) above and below a point: the
// muscle compartment a finding lies in, and so the thickness its extent is measured on.
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct Compartment {
  double top_y_px = 0.0;
  double bottom_y_px = 0.0;
  bool top_is_plane = false;     // false: the region's edge or the end of the tissue
  bool bottom_is_plane = false;
  double thickness_px() const { return bottom_y_px - top_y_px; }
};

// Looks in a band of +-half_width_mm around column x for the nearest bright planes
// above and below row y.
Compartment compartment_at(const Frame& frame, const PixelRect& region, double x_px, double y_px, double mm_per_px,
                           double half_width_mm = 2.0);

}  // namespace ft
