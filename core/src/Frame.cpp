#include "ft/core/Frame.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

#include "ft/core/Error.h"

namespace ft {

Frame::Frame(int width_px, int height_px, PixelDepth depth)
    : width_px_(width_px), height_px_(height_px), depth_(depth) {
  if (width_px < 0 || height_px < 0) throw Error(ErrorCode::InvalidArgument, "frame size must not be negative");
  const std::size_t bytes_per_px = depth == PixelDepth::Bits16 ? 2 : 1;
  bytes_.assign(std::size_t(width_px) * std::size_t(height_px) * bytes_per_px, 0);
}

std::uint8_t* Frame::data8() {
  assert(depth_ == PixelDepth::Bits8);
  return bytes_.data();
}
const std::uint8_t* Frame::data8() const {
  assert(depth_ == PixelDepth::Bits8);
  return bytes_.data();
}
std::uint16_t* Frame::data16() {
  assert(depth_ == PixelDepth::Bits16);
  return reinterpret_cast<std::uint16_t*>(bytes_.data());
}
const std::uint16_t* Frame::data16() const {
  assert(depth_ == PixelDepth::Bits16);
  return reinterpret_cast<const std::uint16_t*>(bytes_.data());
}

float Frame::value(int x_px, int y_px) const noexcept {
  const std::size_t i = std::size_t(y_px) * std::size_t(width_px_) + std::size_t(x_px);
  return depth_ == PixelDepth::Bits8 ? float(bytes_[i]) : float(data16()[i]);
}

void Frame::set_value(int x_px, int y_px, float value) noexcept {
  const std::size_t i = std::size_t(y_px) * std::size_t(width_px_) + std::size_t(x_px);
  if (depth_ == PixelDepth::Bits8) {
    bytes_[i] = std::uint8_t(std::clamp(std::lround(value), 0L, 255L));
  } else {
    data16()[i] = std::uint16_t(std::clamp(std::lround(value), 0L, 65535L));
  }
}

bool Frame::same_pixels(const Frame& other) const noexcept {
  return width_px_ == other.width_px_ && height_px_ == other.height_px_ && depth_ == other.depth_ &&
         bytes_ == other.bytes_;
}

double grey_full_scale(const Frame& frame) {
  if (frame.depth() != PixelDepth::Bits16) return 255.0;
  float top = 0.0f;
  for (int y = 0; y < frame.height_px(); ++y)
    for (int x = 0; x < frame.width_px(); ++x) top = std::max(top, frame.value(x, y));
  double scale = 255.0;
  while (scale < top && scale < 65535.0) scale = 2.0 * scale + 1.0;
  return scale;
}

}  // namespace ft
