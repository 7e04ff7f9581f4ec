#pragma once
// Gaussian image pyramid on the CPU: each level is the previous one blurred with
// [1 2 1]/4 in x and y and halved.
#include <vector>

#include "ft/gpu/ImageView.h"

namespace ft::gpu {

class ImagePyramid {
 public:
  void build(const std::vector<float>& base, int width, int height, int levels);
  int levels() const { return int(images_.size()); }
  int width(int level) const { return widths_[std::size_t(level)]; }
  int height(int level) const { return heights_[std::size_t(level)]; }
  ImageView view(int level) const;

 private:
  std::vector<std::vector<float>> images_;
  std::vector<int> widths_;
  std::vector<int> heights_;
  std::vector<float> scratch_;
};

}  // namespace ft::gpu
