#pragma once
// A summed-area table: the sum of any axis-aligned rectangle of a grid of values in four
// reads, whatever its size (box means over an image: the moving-image estimate, the texture's
// local mean). Not ITK's box filter: ITK is kept to one file of core, its templates are slow
// to build.
#include <cstddef>
#include <vector>

namespace ft {

class SummedArea {
 public:
  // Over `width` x `height` values, value(x, y) for each.
  template <class Value>
  SummedArea(int width, int height, Value value) : stride_(std::size_t(width) + 1) {
    sums_.assign(stride_ * (std::size_t(height) + 1), 0.0);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        at(x + 1, y + 1) = double(value(x, y)) + at(x + 1, y) + at(x, y + 1) - at(x, y);
  }
  // The sum over x0 <= x < x1, y0 <= y < y1 (inside the grid).
  double sum(int x0, int y0, int x1, int y1) const { return at(x1, y1) - at(x1, y0) - at(x0, y1) + at(x0, y0); }

 private:
  double& at(int x, int y) { return sums_[std::size_t(y) * stride_ + std::size_t(x)]; }
  double at(int x, int y) const { return sums_[std::size_t(y) * stride_ + std::size_t(x)]; }
  std::size_t stride_;
  std::vector<double> sums_;
};

}  // namespace ft
