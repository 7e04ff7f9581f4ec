#include "MatcherBackend.h"

#include <algorithm>

namespace ft::gpu {

void crop_to_float(const Frame& frame, const PixelRect& r, std::vector<float>& out) {
  const std::size_t w = std::size_t(r.width_px());
  out.resize(w * std::size_t(r.height_px()));
  for (int y = 0; y < r.height_px(); ++y) {
    const std::size_t from = std::size_t(r.y0_px + y) * std::size_t(frame.width_px()) + std::size_t(r.x0_px);
    float* row = &out[std::size_t(y) * w];
    if (frame.depth() == PixelDepth::Bits8) {
      std::copy(frame.data8() + from, frame.data8() + from + w, row);
    } else {
      std::copy(frame.data16() + from, frame.data16() + from + w, row);
    }
  }
}

void MatcherBackend::set_frame_region(const Frame& previous, const Frame& next, const PixelRect& region, int levels) {
  std::vector<float> a, b;
  crop_to_float(previous, region, a);
  crop_to_float(next, region, b);
  set_frames(a, b, region.width_px(), region.height_px(), levels);
}

}  // namespace ft::gpu
