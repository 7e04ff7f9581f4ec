#pragma once
// The width of a dark (hypoechoic) band across a line: the haematoma-filled gap between
// torn fibre ends, measured on the image.
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct BandWidth {
  bool found = false;
  double width_mm = 0.0;
  double contrast = 0.0;  // (surrounding level - band minimum) / surrounding level
  double centre_offset_mm = 0.0;  // the band's middle from the profile's centre, along the normal
};

// Profile through (cx, cy) along `normal_angle_deg`, averaged over +-half_length_mm along
// the band (perpendicular to the normal). Width at half depth of the dip.
BandWidth dark_band_width(const Frame& frame, const PixelRect& region, double cx_px, double cy_px,
                          double normal_angle_deg, double half_length_mm, double mm_per_px);

}  // namespace ft
