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

// The brightness down a band of +-half_width_mm around column x, one value per region row,
// smoothed over 0.25 mm; empty when the band or the region is too small.
std::vector<double> column_profile(const Frame& frame, const PixelRect& region, double x_px, double mm_per_px,
                                   double half_width_mm = 2.0);
// A profile's contrast range: its 90th less its 10th percentile.
double contrast_range(const std::vector<double>& profile);
// Per value, the median of the profile over the 4 mm around it: the tissue a plane stands out from.
std::vector<double> local_medians(const std::vector<double>& profile, double mm_per_px);
// Indices of a profile's local maxima that stand out from `baseline` (its local medians)
// by more than min_prominence.
std::vector<double> profile_peaks(const std::vector<double>& profile, const std::vector<double>& baseline,
                                  double min_prominence);
// The profile's own noise: robust SD of its difference from `baseline`.
double profile_noise(const std::vector<double>& profile, const std::vector<double>& baseline);

// Rows (frame px) of bright planes in a band of +-half_width_mm around column x: rows
// brighter than the 4 mm around them by min_contrast of the column's contrast range.
std::vector<double> bright_planes(const Frame& frame, const PixelRect& region, double x_px, double mm_per_px,
                                  double half_width_mm = 2.0, double min_contrast = 0.25);

// The nearest planes above and below row y among those seen both in `left` and in `right`
// (rows within tolerance_px of each other, their mean taken), at least 0.5 mm from y.
Compartment between_planes_seen_both_sides(const std::vector<double>& left, const std::vector<double>& right,
                                           const PixelRect& region, double y_px, double tolerance_px, double mm_per_px);


}  // namespace ft
