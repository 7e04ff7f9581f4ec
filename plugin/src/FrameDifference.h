#pragma once
// How much the image region changed between two frames: mean absolute grey difference
// over every `step`-th pixel. Used to tell a grabber's repeated frames from new ones,
// for recorded clips (ClipAnalysis) and live streams (LivePipeline) alike.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

// Live, it runs on the acquisition thread for every frame: 8-bit frames are read directly.
inline double mean_abs_difference(const Frame& a, const Frame& b, const PixelRect& region, int step) {
  const PixelRect r = region.intersected(PixelRect{0, 0, std::min(a.width_px(), b.width_px()) - 1,
                                                   std::min(a.height_px(), b.height_px()) - 1});
  double sum = 0;
  long n = 0;
  const bool bytes = a.depth() == PixelDepth::Bits8 && b.depth() == PixelDepth::Bits8;
  for (int y = r.y0_px; y <= r.y1_px; y += step) {
    if (bytes) {
      const std::uint8_t* ra = a.data8() + std::size_t(y) * std::size_t(a.width_px());
      const std::uint8_t* rb = b.data8() + std::size_t(y) * std::size_t(b.width_px());
      for (int x = r.x0_px; x <= r.x1_px; x += step, ++n) sum += std::abs(float(ra[x]) - float(rb[x]));
    } else {
      for (int x = r.x0_px; x <= r.x1_px; x += step, ++n) sum += std::abs(a.value(x, y) - b.value(x, y));
    }
  }
  return n ? sum / double(n) : 0.0;
}

}  // namespace ft
