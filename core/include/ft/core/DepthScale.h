#pragma once
// The depth scale a scanner burns in beside the image: a column of short tick marks, one
// per centimetre (often with a shorter one at every half centimetre). When a clip carries
// no spatial calibration (a frame grabber, a secondary capture), this ruler is the only
// trustworthy source of mm: the speckle size only says roughly how big a pixel is.
#include <optional>

#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct DepthScale {
  double px_per_cm = 0.0;   // spacing of the centimetre ticks
  int ticks = 0;            // ticks found, half-centimetre ones included
  bool right_side = true;   // the ruler's side of the image
  double mm_per_px() const { return 10.0 / px_per_cm; }
};

// Looks for a regular column of tick marks within 24 px left and right of `image`.
// Ticks that alternate long and short are taken as centimetres and half centimetres;
// ticks of one length as centimetres. None when no regular column of at least four
// ticks is there.
std::optional<DepthScale> read_depth_scale(const Frame& frame, const PixelRect& image);

}  // namespace ft
