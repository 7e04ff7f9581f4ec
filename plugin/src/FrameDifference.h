#pragma once
// How much the image region changed between two frames: mean absolute grey difference
// over every `step`-th pixel. Used to tell a grabber's repeated frames from new ones,
// for recorded clips (ClipAnalysis) and live streams (LivePipeline) alike.
#include <cmath>

#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

inline double mean_abs_difference(const Frame& a, const Frame& b, const PixelRect& r, int step) {
  double sum = 0;
  long n = 0;
  for (int y = r.y0_px; y <= r.y1_px; y += step)
    for (int x = r.x0_px; x <= r.x1_px; x += step) {
      sum += std::abs(a.value(x, y) - b.value(x, y));
      ++n;
    }
  return n ? sum / double(n) : 0.0;
}

}  // namespace ft
