#include "ft/core/DisplacementField.h"

namespace ft {

DisplacementField::DisplacementField(int columns_, int rows_, double origin_x, double origin_y, double step)
    : columns(columns_),
      rows(rows_),
      origin_x_px(origin_x),
      origin_y_px(origin_y),
      step_px(step),
      dx_px(size(), 0.0f),
      dy_px(size(), 0.0f),
      quality(size(), 0.0f),
      valid(size(), 0) {}

double DisplacementField::valid_fraction() const noexcept {
  if (valid.empty()) return 0.0;
  std::size_t n = 0;
  for (auto v : valid) n += v ? 1 : 0;
  return double(n) / double(valid.size());
}

}  // namespace ft
