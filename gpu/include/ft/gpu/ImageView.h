#pragma once
// A read-only window onto float image data: a whole pyramid level, or a tile of it
// copied into GPU shared memory. Coordinates are those of the whole level, so the
// same matching code runs on either.
#include "ft/gpu/HostDevice.h"

namespace ft::gpu {

struct ImageView {
  const float* data = nullptr;  // pixel (x0, y0)
  int x0 = 0;
  int y0 = 0;
  int width = 0;
  int height = 0;
  int stride = 0;  // floats per row

  FT_HOST_DEVICE const float* row(int y) const { return data + (y - y0) * stride - x0; }
  FT_HOST_DEVICE float at(int x, int y) const { return row(y)[x]; }
  // True when the square [cx-half, cx+half] x [cy-half, cy+half] lies inside.
  FT_HOST_DEVICE bool holds(int cx, int cy, int half) const {
    return cx - half >= x0 && cy - half >= y0 && cx + half < x0 + width && cy + half < y0 + height;
  }
};

}  // namespace ft::gpu
