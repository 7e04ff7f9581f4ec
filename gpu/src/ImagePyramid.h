#pragma once
// Gaussian image pyramid on the CPU: each level is the previous one blurred with
// [1 2 1]/4 in x and y and halved. Beside the levels the sub-pixel steps on the spline run
// at (kSplineLevels), their cubic B-spline coefficients and gradient gain (SplineSampling.h).
#include <vector>

#include "ft/gpu/BlockMatch.h"
#include "ft/gpu/ImageView.h"

namespace ft::gpu {

class ImagePyramid {
 public:
  void build(const std::vector<float>& base, int width, int height, int levels);
  int levels() const { return int(images_.size()); }
  int width(int level) const { return widths_[std::size_t(level)]; }
  int height(int level) const { return heights_[std::size_t(level)]; }
  ImageView view(int level) const;
  // The level's spline: empty views beyond kSplineLevels (PyramidLevels.h).
  SplineLevel spline(int level) const;

 private:
  std::vector<std::vector<float>> images_;
  std::vector<std::vector<float>> splines_;  // per level up to kSplineLevels
  std::vector<SplineGain> gains_;
  std::vector<int> widths_;
  std::vector<int> heights_;
  std::vector<float> scratch_;
};

}  // namespace ft::gpu
