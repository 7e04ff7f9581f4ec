#include "PixelConversion.h"

#include <algorithm>
#include <cmath>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

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

// Expands a segmented palette (PS3.3 C.7.9.2): discrete (0), linear (1) and indirect
// (2) segments, as some scanners (e.g. Aloka) write them.
void expand_segments(const Uint16* words, unsigned long count, unsigned long start, unsigned long segments,
                     std::vector<Uint16>& out, int depth) {
  unsigned long i = start;
  constexpr std::size_t kMaxEntries = 65536;  // a palette has at most 2^16 entries
  for (unsigned long seg = 0; i + 1 < count && seg < segments && out.size() < kMaxEntries; ++seg) {
    const Uint16 op = words[i], length = words[i + 1];
    if (op == 0) {
      for (unsigned long k = 0; k < length && i + 2 + k < count; ++k) out.push_back(words[i + 2 + k]);
      i += 2 + length;
    } else if (op == 1 && i + 2 < count) {
      const double from = out.empty() ? words[i + 2] : out.back(), to = words[i + 2];
      for (unsigned long k = 1; k <= length && out.size() < kMaxEntries; ++k) out.push_back(Uint16(std::lround(from + (to - from) * double(k) / length)));
      i += 3;
    } else if (op == 2 && i + 3 < count && depth < 4) {
      const unsigned long offset = words[i + 2] | (static_cast<unsigned long>(words[i + 3]) << 16);
      expand_segments(words, count, offset, length, out, depth + 1);
      i += 4;
    } else {
      throw Error(ErrorCode::CorruptData, "segmented palette has an unknown segment type " + std::to_string(op));
    }
  }
}

std::vector<std::uint8_t> lut_to_8bit(DcmItem& ds, const DcmTagKey& descriptor, const DcmTagKey& data,
                                      const DcmTagKey& segmented) {
  Uint16 entries16 = 0, bits = 0;
  if (ds.findAndGetUint16(descriptor, entries16, 0).bad()) return {};
  ds.findAndGetUint16(descriptor, bits, 2);
  const unsigned long entries = entries16 == 0 ? 65536ul : entries16;
  const Uint16* words = nullptr;
  unsigned long count = 0;
  std::vector<Uint16> values;
  if (ds.findAndGetUint16Array(data, words, &count).good() && words) {
    values.assign(words, words + count);
  } else if (ds.findAndGetUint16Array(segmented, words, &count).good() && words) {
    expand_segments(words, count, 0, ~0ul, values, 0);
  } else {
    return {};
  }
  values.resize(entries, values.empty() ? 0 : values.back());
  std::vector<std::uint8_t> lut(entries, 0);
  for (unsigned long i = 0; i < entries; ++i)
    lut[i] = bits <= 8 ? std::uint8_t(values[i] > 255 ? values[i] >> 8 : values[i]) : std::uint8_t(values[i] >> 8);
  return lut;
}

}  // namespace

Palette read_palette(DcmItem& ds) {
  Palette p;
  Uint16 first = 0;
  ds.findAndGetUint16(DCM_RedPaletteColorLookupTableDescriptor, first, 1);
  p.first_mapped = first;
  p.red = lut_to_8bit(ds, DCM_RedPaletteColorLookupTableDescriptor, DCM_RedPaletteColorLookupTableData,
                      DCM_SegmentedRedPaletteColorLookupTableData);
  p.green = lut_to_8bit(ds, DCM_GreenPaletteColorLookupTableDescriptor, DCM_GreenPaletteColorLookupTableData,
                        DCM_SegmentedGreenPaletteColorLookupTableData);
  p.blue = lut_to_8bit(ds, DCM_BluePaletteColorLookupTableDescriptor, DCM_BluePaletteColorLookupTableData,
                       DCM_SegmentedBluePaletteColorLookupTableData);
  if (p.red.size() != p.green.size() || p.red.size() != p.blue.size()) return Palette{};
  return p;
}



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
