#pragma once
// A point of the image plane in mm: x lateral (to the right), z depth (down).

namespace ft::sim {

struct PointMm {
  double x_mm = 0.0;
  double z_mm = 0.0;
};

}  // namespace ft::sim
