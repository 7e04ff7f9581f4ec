#include "ft/core/RgbImage.h"

#include <algorithm>

namespace ft {

RgbImage::RgbImage(int width_px, int height_px)
    : width_(width_px), height_(height_px), rgb_(std::size_t(width_px) * std::size_t(height_px) * 3, 0) {}

Rgb RgbImage::at(int x, int y) const {
  const std::size_t i = (std::size_t(y) * width_ + x) * 3;
  return {rgb_[i], rgb_[i + 1], rgb_[i + 2]};
}

void RgbImage::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  const std::size_t i = (std::size_t(y) * width_ + x) * 3;
  rgb_[i] = c.r;
  rgb_[i + 1] = c.g;
  rgb_[i + 2] = c.b;
}

RgbImage grey_picture(const Frame& frame, double window, double level) {
  RgbImage img(frame.width_px(), frame.height_px());
  const double scale = 255.0 / grey_full_scale(frame);
  window = std::max(1.0, window);
  const double low = level - window / 2;
  for (int y = 0; y < frame.height_px(); ++y)
    for (int x = 0; x < frame.width_px(); ++x) {
      const auto g = std::uint8_t(std::clamp((frame.value(x, y) * scale - low) * 255.0 / window, 0.0, 255.0));
      img.set(x, y, {g, g, g});
    }
  return img;
}

}  // namespace ft
