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
  int distance_px = 0;      // from the image's edge to where most of its ticks start
  double mm_per_px() const { return 10.0 / px_per_cm; }
};

// Looks for a regular column of tick marks starting within 160 px left or right of
// `image` (beside it, or on a vertical line further out as Telemed draws it) and spanning
// most of its height from near its top. Long and short ticks strictly alternating are
// centimetres and half centimetres (unless that is 1.8 times off `hint_mm_per_px`); longer
// ticks at the two ends of a ruler drawn on a line are left out of the pattern. Beyond 12 px
// only a ruler drawn on a line is read, and only when nothing laid out as a ruler stands
// beside the image. Two rulers that disagree give none. Ticks of one length are centimetres or
// half centimetres, whichever agrees within 35 % with `hint_mm_per_px` (a rough estimate,
// e.g. from the speckle size); without a hint they are not read. None for anything else
// (irregular marks, other tick patterns, an imaged depth outside 1-12 cm): a wrong scale is
// worse than none.
std::optional<DepthScale> read_depth_scale(const Frame& frame, const PixelRect& image,
                                           std::optional<double> hint_mm_per_px = std::nullopt);

}  // namespace ft
