#pragma once
// Using a grid displacement field: sample it anywhere, make it dense, summarise it.
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft::gpu {

struct Displacement {
  float dx_px = 0.0f;
  float dy_px = 0.0f;
  bool valid = false;         // all four surrounding grid points valid
  float valid_weight = 0.0f;  // share of the bilinear weight on valid grid points (0..1)
  float quality = 0.0f;       // correlation of the nearest grid point
};

// Bilinear interpolation at frame pixel (x, y); clamps to the grid's extent.
Displacement sample(const DisplacementField& field, double x_px, double y_px);

// A field with one point per pixel of `bounds` (frame px), interpolated from `field`.
DisplacementField densify(const DisplacementField& field, const PixelRect& bounds);

// The same displacements in mm (x right, y down), point for point. Throws
// ft::Error(MissingCalibration) for a region without a spatial calibration.
struct FieldInMm {
  std::vector<float> dx_mm;
  std::vector<float> dy_mm;
};
FieldInMm in_mm(const DisplacementField& field, const UltrasoundRegion& region);

struct FieldSummary {
  double mean_dx_px = 0.0;
  double mean_dy_px = 0.0;
  double mean_dx_mm = 0.0;  // 0 when uncalibrated
  double mean_dy_mm = 0.0;
  double valid_fraction = 0.0;
  double mean_quality = 0.0;  // over valid points
};

// Means over the valid points; mm from the region's calibration when it has one.
FieldSummary summarise(const DisplacementField& field, const UltrasoundRegion& region);

}  // namespace ft::gpu
