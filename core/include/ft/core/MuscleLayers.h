#pragma once
// Bright fascial planes (superficial fascia, aponeuroses) above and below a point: the
// muscle compartment a finding lies in, and so the thickness its extent is measured on.
#include <cstdint>
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

// Rows (frame px) of bright planes in a band of +-half_width_mm around column x: rows
// brighter than the 4 mm around them by min_contrast of the column's contrast range.
std::vector<double> bright_planes(const Frame& frame, const PixelRect& region, double x_px, double mm_per_px,
                                  double half_width_mm = 2.0, double min_contrast = 0.25);

// The nearest planes above and below row y that are seen in columns on both sides of x
// (+-side_px, within 1 mm of each other): fascial planes run across the image, a bright
// fibre bundle or the edge of a gap does not.
Compartment compartment_at(const Frame& frame, const PixelRect& region, double x_px, double y_px, double side_px,
                           double mm_per_px);

// Bright planes of a region column by column, one column every step_px, for telling the
// muscle's compartments apart. Fainter planes count than for compartment_at (a missed
// plane merges two compartments; a spurious short one is walked around), and a plane
// hidden by speckle in some columns is put back where columns on both sides, within
// max_gap_mm, see it within tolerance_mm of the same depth (a central aponeurosis is
// fainter than the fascia).
struct PlaneMap {
  double x0_px = 0.0, step_px = 1.0;
  std::vector<std::vector<double>> rows_px;  // per column, the planes' rows (frame px)
  const std::vector<double>& planes_at(double x_px) const;
};
struct PlaneMapSettings {
  double min_contrast = 0.15;
  double max_gap_mm = 8.0;
  double tolerance_mm = 1.0;
};
PlaneMap plane_map(const Frame& frame, const PixelRect& region, double step_px, double mm_per_px,
                   const PlaneMapSettings& settings = {});

// The nearest planes of the map above and below (x, y) that are also seen side_px to the
// left and to the right (within tolerance_mm of the same depth), as compartment_at.
Compartment compartment_in(const PlaneMap& planes, const PixelRect& region, double x_px, double y_px, double side_px,
                           double mm_per_px, double tolerance_mm = 1.0);

// Points of a columns x rows grid (positions x_px, y_px on the plane map's frame) grouped
// into compartments: neighbours belong together unless a plane of either's column lies
// between them, so a plane seen in a few columns only (a bright bundle) does not split
// the muscle. Per point a compartment id, or -1 where `use` is 0 or the point lies within
// on_plane_px of a plane.
std::vector<int> compartments_between_planes(const PlaneMap& planes, const std::vector<double>& x_px,
                                             const std::vector<double>& y_px, const std::vector<std::uint8_t>& use,
                                             int columns, int rows, double on_plane_px);

}  // namespace ft
