#pragma once
// A picture as plain 8-bit RGB pixels, top row first: a B-mode frame through window and level,
// beneath the viewer's overlays or with the findings burned in for a capture.
#include <cstdint>
#include <vector>

#include "ft/core/Frame.h"

namespace ft {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

class RgbImage {
 public:
  RgbImage(int width_px, int height_px);
  int width_px() const { return width_; }
  int height_px() const { return height_; }
  Rgb at(int x, int y) const;
  void set(int x, int y, Rgb c);  // ignores points outside
  const std::vector<std::uint8_t>& pixels() const { return rgb_; }
  std::uint8_t* data() { return rgb_.data(); }  // width_px * 3 bytes per row

 private:
  int width_, height_;
  std::vector<std::uint8_t> rgb_;
};

// The frame in grey (a wider frame on the scale its bits reach: 10, 12 ... 16 bits): `window` grey levels (8-bit scale) shown black..white about `level`.
RgbImage grey_picture(const Frame& frame, double window, double level);

}  // namespace ft
