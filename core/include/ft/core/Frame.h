#pragma once
// One B-mode frame as the probe delivered it: greyscale, 8 or 16 bits, row-major,
// with the time it was acquired and its place in the stream.
#include <cstdint>
#include <vector>

namespace ft {

enum class PixelDepth { Bits8 = 8, Bits16 = 16 };

class Frame {
 public:
  Frame() = default;
  Frame(int width_px, int height_px, PixelDepth depth = PixelDepth::Bits8);

  int width_px() const noexcept { return width_px_; }
  int height_px() const noexcept { return height_px_; }
  PixelDepth depth() const noexcept { return depth_; }
  bool empty() const noexcept { return width_px_ == 0 || height_px_ == 0; }
  std::size_t pixel_count() const noexcept { return std::size_t(width_px_) * std::size_t(height_px_); }
  std::size_t byte_count() const noexcept { return bytes_.size(); }

  // Raw storage; data16() only for Bits16 frames, data8() only for Bits8 frames.
  std::uint8_t* data8();
  const std::uint8_t* data8() const;
  std::uint16_t* data16();
  const std::uint16_t* data16() const;
  const std::uint8_t* bytes() const noexcept { return bytes_.data(); }
  std::uint8_t* bytes() noexcept { return bytes_.data(); }

  // Grey value of pixel (x, y), whatever the depth. No bounds check in release builds.
  float value(int x_px, int y_px) const noexcept;
  void set_value(int x_px, int y_px, float value) noexcept;  // clamps to the depth's range

  bool same_pixels(const Frame& other) const noexcept;

  std::int64_t acquisition_time_ns = 0;  // on the source's clock
  std::uint64_t sequence_number = 0;     // as the source numbered it; gaps mean lost frames

 private:
  int width_px_ = 0;
  int height_px_ = 0;
  PixelDepth depth_ = PixelDepth::Bits8;
  std::vector<std::uint8_t> bytes_;
};

// The top of a frame's grey scale: 255 for 8-bit frames; for wider ones the smallest 2^n - 1
// that holds its brightest pixel (a 12-bit scanner's 0..4095 is not taken for 0..65535).
// Thresholds set in 8-bit grey levels scale by this / 255.
double grey_full_scale(const Frame& frame);

}  // namespace ft
