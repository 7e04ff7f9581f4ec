#pragma once
// Strain of tissue relative to a reference frame, from a Lagrangian displacement field
// (gpu::LagrangianTracker): the Green-Lagrange tensor E = (F^T F - I) / 2 with
// F = I + grad u, computed in mm so that anisotropic pixels are handled.
#include <cstdint>
#include <vector>

#include "ft/core/DisplacementField.h"

namespace ft::gpu {

struct StrainField {
  int columns = 0;
  int rows = 0;
  double origin_x_px = 0.0;
  double origin_y_px = 0.0;
  double step_px = 1.0;
  std::vector<float> exx;  // Green-Lagrange components, dimensionless
  std::vector<float> eyy;
  std::vector<float> exy;
  std::vector<std::uint8_t> valid;
};

StrainField green_lagrange(const DisplacementField& cumulative, double mm_per_px_x, double mm_per_px_y);

// E_dd along a direction at `angle_deg` from the x axis (y down), e.g. the fibres.
double strain_along(const StrainField& s, std::size_t i, double angle_deg);
// Engineering strain (stretch - 1) along the direction: sqrt(1 + 2 E_dd) - 1.
double engineering_strain_along(const StrainField& s, std::size_t i, double angle_deg);
// Mean engineering strain along the direction over valid points (0 if none).
double mean_engineering_strain_along(const StrainField& s, double angle_deg);

}  // namespace ft::gpu
