#pragma once
// Material points of the image region followed through a clip: for every frame k, the
// displacement of each point of the frame-0 grid to where that tissue is in frame k.
// The tracking engine fills it; the detection logic reads it.
#include <functional>
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct MotionRecord {
  UltrasoundRegion region;  // what was analysed, in whole-frame px
  double mm_per_px_x = 0.0;
  double mm_per_px_y = 0.0;
  std::vector<DisplacementField> cumulative;  // [k]; cumulative[0] is all zero

  int frame_count() const { return int(cumulative.size()); }
};

// Decoded frame k of the clip, on demand (long clips are not held in memory).
using FrameAt = std::function<Frame(int k)>;

}  // namespace ft
