#pragma once
// Fibre direction in a B-mode frame from the structure tensor: muscle fibres show as
// echogenic streaks, so the direction of least intensity change is along the fibres.
// Coherence (0..1) says how line-like the texture is (fibres, fascia) versus isotropic.
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct FibreField {
  std::vector<float> angle_deg;  // from the x axis (y down), in (-90, 90], one per grid point
  std::vector<float> coherence;  // 0..1
};

// Evaluated at the points of `grid` (frame px). Uses ITK's recursive Gaussian filters.
FibreField fibre_orientation(const Frame& frame, const PixelRect& region, const DisplacementField& grid,
                             double mm_per_px, double gradient_sigma_mm = 0.2, double integration_sigma_mm = 1.0);

// Circular (axial) mean of orientations, weighted; in (-90, 90].
double mean_orientation_deg(const std::vector<float>& angle_deg, const std::vector<float>& weight);

}  // namespace ft
