#include "ImagePyramid.h"

#include <algorithm>

#include "PyramidLevels.h"
#include "ft/gpu/SplineSampling.h"

namespace ft::gpu {

void ImagePyramid::build(const std::vector<float>& base, int width, int height, int levels) {
  images_.resize(std::size_t(levels));
  widths_.assign(std::size_t(levels), 0);
  heights_.assign(std::size_t(levels), 0);
  images_[0] = base;  // buffers are reused frame after frame: no allocation once warm
  widths_[0] = width;
  heights_[0] = height;
  for (int l = 1; l < levels; ++l) {
    const int w = widths_[std::size_t(l - 1)], h = heights_[std::size_t(l - 1)];
    const auto [nw, nh] = coarser({w, h});
    const std::vector<float>& src = images_[std::size_t(l - 1)];
    scratch_.resize(std::size_t(nw) * std::size_t(h));
    for (int y = 0; y < h; ++y) {  // blur along x and decimate
      const float* row = &src[std::size_t(y) * w];
      for (int x = 0; x < nw; ++x) {
        const int c = 2 * x;
        const float left = row[std::max(0, c - 1)], right = row[std::min(w - 1, c + 1)];
        scratch_[std::size_t(y) * nw + x] = 0.25f * left + 0.5f * row[c] + 0.25f * right;
      }
    }
    std::vector<float>& dst = images_[std::size_t(l)];
    dst.resize(std::size_t(nw) * std::size_t(nh));
    for (int y = 0; y < nh; ++y) {  // blur along y and decimate
      const int c = 2 * y;
      const float* up = &scratch_[std::size_t(std::max(0, c - 1)) * nw];
      const float* mid = &scratch_[std::size_t(c) * nw];
      const float* down = &scratch_[std::size_t(std::min(h - 1, c + 1)) * nw];
      for (int x = 0; x < nw; ++x) dst[std::size_t(y) * nw + x] = 0.25f * up[x] + 0.5f * mid[x] + 0.25f * down[x];
    }
    widths_[std::size_t(l)] = nw;
    heights_[std::size_t(l)] = nh;
  }
  const auto with_spline = std::size_t(spline_levels(levels));
  splines_.resize(with_spline);
  gains_.resize(with_spline);
  for (std::size_t l = 0; l < with_spline; ++l) {
    splines_[l] = images_[l];
    spline_coefficients(splines_[l].data(), widths_[l], heights_[l]);
    gains_[l] = spline_gain(images_[l].data(), splines_[l].data(), widths_[l], heights_[l]);
  }
}

ImageView ImagePyramid::view(int level) const {
  const auto l = std::size_t(level);
  return ImageView{images_[l].data(), 0, 0, widths_[l], heights_[l], widths_[l]};
}

SplineLevel ImagePyramid::spline(int level) const {
  const auto l = std::size_t(level);
  if (l >= splines_.size()) return {};  // a level without steps on the spline
  return {ImageView{splines_[l].data(), 0, 0, widths_[l], heights_[l], widths_[l]}, &gains_[l]};
}

}  // namespace ft::gpu
