#pragma once
// Fibre directions over a grid, and how to average them. They are measured at fascicle
// scale by fascicle_orientation (FascicleOrientation.h). Coherence (0..1) says how
// clearly the texture has a direction (fibres, fascia) versus none.
#include <vector>

namespace ft {

struct FibreField {
  std::vector<float> angle_deg;  // from the x axis (y down), in (-90, 90], one per grid point
  std::vector<float> coherence;  // 0..1
};

// Circular (axial) mean of orientations, weighted; in (-90, 90].
double mean_orientation_deg(const std::vector<float>& angle_deg, const std::vector<float>& weight);

}  // namespace ft
