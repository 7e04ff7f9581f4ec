#pragma once
// Displacement of tissue between two frames, sampled on a regular grid of points.
// Point (c, r) sits at frame pixel (origin_x_px + c*step_px, origin_y_px + r*step_px);
// the tissue there in the first frame is found at that point + (dx_px, dy_px) in the
// second. x runs to the right, y down, both in whole-frame pixel coordinates.
#include <cstdint>
#include <vector>

namespace ft {

struct DisplacementField {
  int columns = 0;
  int rows = 0;
  double origin_x_px = 0.0;
  double origin_y_px = 0.0;
  double step_px = 1.0;
  std::vector<float> dx_px;
  std::vector<float> dy_px;
  std::vector<float> quality;        // 0..1 (correlation peak); 1 for ground truth
  std::vector<std::uint8_t> valid;   // 0 where no displacement is defined or trusted

  DisplacementField() = default;
  DisplacementField(int columns_, int rows_, double origin_x, double origin_y, double step);

  std::size_t size() const noexcept { return std::size_t(columns) * std::size_t(rows); }
  std::size_t index(int column, int row) const noexcept { return std::size_t(row) * columns + column; }
  double x_px(int column) const noexcept { return origin_x_px + column * step_px; }
  double y_px(int row) const noexcept { return origin_y_px + row * step_px; }
  double valid_fraction() const noexcept;
};

}  // namespace ft
