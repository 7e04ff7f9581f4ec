#pragma once
// The bright fascial planes of a frame column by column (superficial fascia, aponeuroses, a
// bipennate muscle's central aponeurosis), and the muscle compartments between them: each
// compartment contracts in its own way, so the detector reads fibres and area change per
// compartment.
#include <cstdint>
#include <optional>
#include <vector>

#include "ft/core/Frame.h"
#include "ft/core/MuscleLayers.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct PlaneMapSettings {
  // Of the contrast range: the column's, but at least the median column's (a column of
  // even muscle has a small range, and then every fascicle line would pass).
  double min_contrast = 0.15;
  // ... and this many times the column's own noise (speckle left after averaging across the
  // band): in a column of even muscle the range is the noise.
  double min_noise_multiple = 2.5;
  // A plane runs across the image. A column averages 4 mm of it, so a structure L mm long
  // is seen over L + 4 mm of columns, and a peak of the speckle persists over ~4 mm of
  // columns too; a bright bundle or a letter of the scanner's text can chain with such
  // peaks. 12 mm was the shortest run that kept a 2 mm bundle out on constructed images
  // while the central aponeurosis of the simulated bipennate muscles stayed in.
  double min_run_mm = 12.0;
  // A run goes on past columns where the plane shows only dimly (a local peak of half the
  // prominence) over at most this; a column where it does not show at all ends the run.
  double max_dim_mm = 1.0;
  double max_gap_mm = 8.0;    // a plane speckle hid over at most this is bridged
  double tolerance_mm = 1.0;  // depth change of one plane across a gap
};

struct PlaneMap {
  double x0_px = 0.0, step_px = 1.0;
  std::vector<std::vector<double>> rows_px;  // per column, the planes' rows (frame px)
  // The planes of the column nearest x; none more than a step beyond the first or last column.
  const std::vector<double>& planes_at(double x_px) const;
  // Of those, the plane within tolerance_px of y_px, the nearest; none where no plane is there.
  std::optional<double> plane_near(double x_px, double y_px, double tolerance_px) const;
};

// Planes in columns every step_px across the region. Fainter planes count than for
// bright_planes' default (a missed plane merges two compartments); a plane must be seen in at
// least min_run_mm of columns of one run (which goes on past max_dim_mm of columns where it
// is only dim), and is put back where speckle hid it between two columns that see it.
PlaneMap plane_map(const Frame& frame, const PixelRect& region, double step_px, double mm_per_px_x,
                   double mm_per_px_y, const PlaneMapSettings& settings = {});

// The nearest planes of the map above and below (x, y) that are also seen side_px to the
// left and to the right (within tolerance_mm of the same depth): fascial planes run across
// the image, a bright fibre bundle or the edge of a gap does not.
Compartment compartment_in(const PlaneMap& planes, const PixelRect& region, double x_px, double y_px, double side_px,
                           double mm_per_px, double tolerance_mm = 1.0);

// Points of a columns x rows grid (positions x_px, y_px on the map's frame) grouped into
// compartments: neighbours belong together unless a plane of either's column lies between
// them, so a plane seen in a few columns only does not split the muscle. Per point a
// compartment id, or -1 where `use` is 0 or the point lies within on_plane_px of a plane.
std::vector<int> compartments_between_planes(const PlaneMap& planes, const std::vector<double>& x_px,
                                             const std::vector<double>& y_px, const std::vector<std::uint8_t>& use,
                                             int columns, int rows, double on_plane_px);

}  // namespace ft
