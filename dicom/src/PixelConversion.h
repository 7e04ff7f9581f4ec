#pragma once
// Turns decoded DICOM pixel data of any photometric interpretation into luminance.
#include <cstdint>
#include <string>
#include <vector>

#include "ft/core/Frame.h"

class DcmItem;

namespace ft::dicom::detail {

struct PixelLayout {
  int rows = 0;
  int columns = 0;
  int samples_per_pixel = 1;
  int bits_allocated = 8;
  int bits_stored = 8;
  int pixel_representation = 0;  // 1 = signed
  int planar_configuration = 0;  // 1 = colour by plane
  std::string photometric;       // after decoding
};

// A palette (PALETTE COLOR): the red, green and blue lookup tables, scaled to 0..255.
struct Palette {
  int first_mapped = 0;
  std::vector<std::uint8_t> red, green, blue;
  bool empty() const { return red.empty(); }
};

// The data set's palette, segmented palettes expanded; empty when it has none or a damaged one.
Palette read_palette(DcmItem& ds);

// Luminance frame from raw decoded bytes (little endian). Throws ft::Error for a
// photometric interpretation it does not know or a buffer too small for the layout.
Frame to_luminance(const std::vector<std::uint8_t>& raw, const PixelLayout& layout, const Palette& palette);

}  // namespace ft::dicom::detail
