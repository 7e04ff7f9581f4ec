#pragma once
// A small scene for the overlay tests: a 200 x 160 frame whose image region is
// (40..159, 30..129), 0.1 mm per px, and a tracking grid (step 8 px) over the whole frame.
#include <algorithm>
#include <cstdint>

#include "ft/core/DisplacementField.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft::test {

inline UltrasoundRegion inset_region() {
  UltrasoundRegion r;
  r.bounds = {40, 30, 159, 129};
  r.units_x = r.units_y = PhysicalUnits::Centimetre;
  r.mm_per_px_x = r.mm_per_px_y = 0.1;
  return r;
}

// Every point moved by (dx, dy) px, tracked with `quality`.
inline DisplacementField whole_frame_field(float dx, float dy, float quality = 0.9f) {
  DisplacementField f(25, 20, 4, 4, 8);
  std::fill(f.dx_px.begin(), f.dx_px.end(), dx);
  std::fill(f.dy_px.begin(), f.dy_px.end(), dy);
  std::fill(f.quality.begin(), f.quality.end(), quality);
  std::fill(f.valid.begin(), f.valid.end(), std::uint8_t(1));
  return f;
}

}  // namespace ft::test
