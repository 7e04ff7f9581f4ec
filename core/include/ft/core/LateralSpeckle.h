#pragma once
// How much speckle is left in a line averaged across the beam, depth by depth. A linear
// array's beam is narrowest at its focus and widens above and below it (and another scanner's,
// or another simulator's, is not ours): where it is wide, speckle is coarse across the image,
// a line of fixed length spans fewer independent speckle cells, and speckle alone makes dips in
// its mean as dark as a thin fluid layer. A scanner's speckle reduction does the opposite.
// Readings that average along lines ask here how long their lines must be.
#include <vector>

#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

class LateralSpeckle {
 public:
  LateralSpeckle() = default;  // nothing measured: every line at kReferenceHalfLengthMm
  // Measured over the region's whole width, in slabs 1 mm deep. Nothing is measured (every line
  // then keeps kReferenceHalfLengthMm) without a calibration (mm_per_px 0) or an empty region; a
  // slab too narrow or too dark for 8 differences of neighbouring lines takes its neighbours'.
  LateralSpeckle(const Frame& image, const PixelRect& region, double mm_per_px_x, double mm_per_px_y);

  // The spread of the mean of a row's grey levels over kReferenceHalfLengthMm either side (its
  // SD relative to the slab's level), in the slab holding row y, or the nearest slab measured
  // where that one shows no tissue (black beyond the image, a shadow). Read robustly from the
  // differences of neighbouring lines, so that a trend across the row, a vessel, a fluid layer,
  // bone or a black wedge beyond a sector's edge do not count as speckle; lines more than a
  // tenth black are left out.
  double line_noise(double y_px) const;

  // The half-length a line at row y needs so that speckle leaves no more than kTargetLineNoise
  // in its mean (the noise falls as one over the root of the length): kReferenceHalfLengthMm
  // where the speckle is as fine as that or finer, longer where it is coarser, at most
  // kLongestHalfLengthMm.
  double line_half_length_mm(double y_px) const;

  static constexpr double kReferenceHalfLengthMm = 1.0;
  static constexpr double kTargetLineNoise = 0.15;
  static constexpr double kLongestHalfLengthMm = 3.0;

 private:
  double y0_px_ = 0.0, slab_px_ = 1.0;
  std::vector<double> noise_;  // per slab; NaN where unmeasured
};

}  // namespace ft
