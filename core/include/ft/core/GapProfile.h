#pragma once
// The width of the haematoma-filled gap between torn fibre ends, measured on the image: a
// dark (hypoechoic) band across a line, or, where the haematoma is as bright as muscle, a
// band whose speckle does not persist from one scanner frame to the next.
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

// The band where two images of the same tissue stop matching: the correlation of each line
// of `a` with the same line of `b` shifted by (shift_x_px, shift_y_px), across the band as
// above, width where it falls half way from the surrounding tissue's to the band's. Muscle
// speckle persists between two scanner frames close in time; a haematoma's filling (blood,
// loose clot) churns and does not. Contrast is that fall in correlation; found where the
// surrounding tissue still correlates (0.5) and the band falls by at least 0.3. Lines with no
// speckle in either image (black beyond the sector, saturation) are left out, not read as churning.
BandWidth decorrelated_band_width(const Frame& a, const Frame& b, const PixelRect& region, double cx_px, double cy_px,
                                  double shift_x_px, double shift_y_px, double normal_angle_deg, double half_length_mm,
                                  double mm_per_px);

}  // namespace ft
