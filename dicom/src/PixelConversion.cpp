#include "PixelConversion.h"

#include <algorithm>
#include <cmath>

#include "ft/core/Error.h"

namespace ft::dicom::detail {
namespace {

struct SampleReader {
  const std::vector<std::uint8_t>& raw;
  const PixelLayout& layout;
  std::size_t pixels;

  // Value of sample `c` of pixel `i`, masked to the stored bits, sign handled.
  double operator()(std::size_t i, int c) const {
    const std::size_t spp = std::size_t(layout.samples_per_pixel);
    const std::size_t k = layout.planar_configuration == 1 ? std::size_t(c) * pixels + i : i * spp + std::size_t(c);
    std::uint32_t v = layout.bits_allocated == 16 ? std::uint32_t(raw[2 * k] | (raw[2 * k + 1] << 8)) : raw[k];
    const std::uint32_t mask = layout.bits_stored >= 32 ? 0xFFFFFFFFu : ((1u << layout.bits_stored) - 1u);
    v &= mask;
    if (layout.pixel_representation == 1 && (v >> (layout.bits_stored - 1)) & 1u) return double(v) - double(mask) - 1.0;
    return double(v);
  }
};

double rgb_luma(double r, double g, double b) { return 0.299 * r + 0.587 * g + 0.114 * b; }

}  // namespace

Frame to_luminance(const std::vector<std::uint8_t>& raw, const PixelLayout& l, const Palette& palette) {
  const std::size_t pixels = std::size_t(l.rows) * std::size_t(l.columns);
  const std::size_t bytes_needed = pixels * std::size_t(l.samples_per_pixel) * std::size_t(l.bits_allocated / 8);
  const bool subsampled = l.photometric.rfind("YBR_FULL_422", 0) == 0 || l.photometric.rfind("YBR_PARTIAL_42", 0) == 0;
  const std::size_t expected = subsampled ? pixels * 2 * std::size_t(l.bits_allocated / 8) : bytes_needed;
  if (raw.size() < expected)
    throw Error(ErrorCode::CorruptData, "pixel data holds " + std::to_string(raw.size()) + " bytes, a frame needs " +
                                            std::to_string(expected));
  const SampleReader sample{raw, l, pixels};
  const bool deep_grey = l.samples_per_pixel == 1 && l.photometric.rfind("MONOCHROME", 0) == 0 && l.bits_stored > 8;
  Frame out(l.columns, l.rows, deep_grey ? PixelDepth::Bits16 : PixelDepth::Bits8);
  const double max_value = std::pow(2.0, l.bits_stored) - 1.0;
  auto put = [&](std::size_t i, double v) { out.set_value(int(i % std::size_t(l.columns)), int(i / std::size_t(l.columns)), float(v)); };
  const std::string& pm = l.photometric;
  if (pm == "MONOCHROME2" || pm == "MONOCHROME1") {
    const double scale = deep_grey ? 1.0 : 255.0 / std::max(1.0, std::pow(2.0, std::min(8, l.bits_stored)) - 1.0);
    for (std::size_t i = 0; i < pixels; ++i) {
      double v = sample(i, 0);
      if (l.pixel_representation == 1) v += (max_value + 1.0) / 2.0;
      if (pm == "MONOCHROME1") v = max_value - v;
      put(i, v * scale);
    }
  } else if (pm == "RGB" || pm == "YBR_RCT" || pm == "YBR_ICT") {
    // YBR_RCT/ICT arrive here already turned back into RGB by the JPEG 2000 decoder.
    const double scale = 255.0 / max_value;
    for (std::size_t i = 0; i < pixels; ++i) put(i, scale * rgb_luma(sample(i, 0), sample(i, 1), sample(i, 2)));
  } else if (pm == "YBR_FULL") {
    const double scale = 255.0 / max_value;
    for (std::size_t i = 0; i < pixels; ++i) put(i, scale * sample(i, 0));
  } else if (subsampled) {
    // Two pixels share one Cb and one Cr: Y1 Y2 Cb Cr.
    const bool partial = pm.rfind("YBR_PARTIAL", 0) == 0;
    for (std::size_t i = 0; i < pixels; ++i) {
      const double y = raw[(i / 2) * 4 + (i % 2)];
      put(i, partial ? (y - 16.0) * 255.0 / 219.0 : y);
    }
  } else if (pm == "PALETTE COLOR") {
    if (palette.empty()) throw Error(ErrorCode::CorruptData, "PALETTE COLOR image without a usable palette");
    const int entries = int(palette.red.size());
    for (std::size_t i = 0; i < pixels; ++i) {
      const int k = std::clamp(int(sample(i, 0)) - palette.first_mapped, 0, entries - 1);
      put(i, rgb_luma(palette.red[std::size_t(k)], palette.green[std::size_t(k)], palette.blue[std::size_t(k)]));
    }
  } else {
    throw Error(ErrorCode::Unsupported, "photometric interpretation '" + pm + "' is not supported");
  }
  return out;
}

}  // namespace ft::dicom::detail
