#pragma once
// Bright fascial planes (superficial fascia, aponeuroses) above and below a point: the
// muscle compartment a finding lies in, and so the thickness its extent is measured on.
#include <vector>

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

// Rows (frame px) of bright planes in a band of +-half_width_mm around column x.
std::vector<double> bright_planes(const Frame& frame, const PixelRect& region, double x_px, double mm_per_px,
                                  double half_width_mm = 2.0);

// The nearest planes above and below row y that are seen in columns on both sides of x
// (+-side_px, within 1 mm of each other): fascial planes run across the image, a bright
// fibre bundle or the edge of a gap does not.
Compartment compartment_at(const Frame& frame, const PixelRect& region, double x_px, double y_px, double side_px,
                           double mm_per_px);

}  // namespace ft
