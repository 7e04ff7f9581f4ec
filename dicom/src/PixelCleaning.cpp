#include "PixelCleaning.h"

#include <algorithm>
#include <cstdlib>

#include "DatasetHelpers.h"
#include "PixelConversion.h"
#include "Transcoding.h"
#include "ft/core/Error.h"
#include "ft/dicom/BurnedInText.h"

namespace ft::dicom::detail {
namespace {

// Burned-in text does not change from frame to frame beyond a grabber's JPEG noise; tissue
// under contraction does.
constexpr int kMaxTextFlicker = 24;

// The decoded frames of a data set, and how to read and blank them.
struct DecodedFrames {
  PixelLayout layout;
  Palette palette;
  int frames = 0;
  Uint8* data = nullptr;

  std::size_t plane() const { return std::size_t(layout.rows) * std::size_t(layout.columns); }
  std::size_t bytes_per_sample() const { return std::size_t(layout.bits_allocated / 8); }
  std::size_t frame_bytes() const { return plane() * std::size_t(layout.samples_per_pixel) * bytes_per_sample(); }

  // 0-255 luminance of frame `f`, as the viewer shows it (to_luminance, palettes included),
  // except that RGB pixels count at their brightest channel: red or blue text is dim in luma.
  Frame luminance(int f) const {
    const Uint8* first = data + std::size_t(f) * frame_bytes();
    if (layout.photometric == "RGB" && layout.bits_allocated == 8) return brightest_channel(first);
    const std::vector<std::uint8_t> raw(first, first + frame_bytes());
    const Frame lum = to_luminance(raw, layout, palette);
    if (lum.depth() == PixelDepth::Bits8) return lum;
    const float scale = 255.0f / float((1 << layout.bits_stored) - 1);  // deep grey, to 0-255
    Frame out(layout.columns, layout.rows);
    std::uint8_t* v = out.data8();
    for (int y = 0; y < layout.rows; ++y)
      for (int x = 0; x < layout.columns; ++x)
        v[std::size_t(y) * std::size_t(layout.columns) + std::size_t(x)] = std::uint8_t(std::clamp(lum.value(x, y) * scale, 0.0f, 255.0f));
    return out;
  }

  Frame brightest_channel(const Uint8* frame) const {
    Frame out(layout.columns, layout.rows);
    std::uint8_t* v = out.data8();
    for (std::size_t p = 0; p < plane(); ++p)
      for (int s = 0; s < 3; ++s) {
        const std::size_t k = layout.planar_configuration == 1 ? std::size_t(s) * plane() + p : p * 3 + std::size_t(s);
        v[p] = std::max(v[p], frame[k]);
      }
    return out;
  }

  // The stored value of sample `s` that shows black.
  unsigned black(int s) const {
    const std::string& pm = layout.photometric;
    if (pm == "MONOCHROME1")  // the largest value: all ones, or for signed pixels all but the sign
      return layout.pixel_representation == 1 ? (1u << (layout.bits_stored - 1)) - 1 : (1u << layout.bits_stored) - 1;
    if (pm == "YBR_FULL" && s > 0) return 1u << (layout.bits_stored - 1);  // no colour
    if (pm == "PALETTE COLOR") {
      std::size_t darkest = 0;
      for (std::size_t k = 1; k < palette.red.size(); ++k)
        if (palette.red[k] + palette.green[k] + palette.blue[k] <
            palette.red[darkest] + palette.green[darkest] + palette.blue[darkest])
          darkest = k;
      return unsigned(palette.first_mapped) + unsigned(darkest);
    }
    if (layout.pixel_representation == 1) return 1u << (layout.bits_stored - 1);  // the most negative value
    return 0;
  }

  // `stored` (a value in the low Bits Stored bits) as the sample's bits: for signed pixels the bits
  // above are filled with the sign, as clear_bits_outside_stored leaves every other sample.
  unsigned as_sample(unsigned stored) const {
    const unsigned value_bits = layout.bits_stored >= 32 ? ~0u : (1u << layout.bits_stored) - 1;
    const bool negative = layout.pixel_representation == 1 && (stored & (1u << (layout.bits_stored - 1)));
    return negative ? stored | ~value_bits : stored;
  }
};

DecodedFrames decoded(DcmDataset& ds, const DicomClipInfo& info) {
  decompress(ds, info.path + " (to clean burned-in text)");
  ds.removeAllButCurrentRepresentations();  // the compressed copy is not written again: free it
  DecodedFrames d;
  d.layout = {info.rows, info.columns, int(get_long(ds, DCM_SamplesPerPixel, 1)), int(get_long(ds, DCM_BitsAllocated, 8)),
              int(get_long(ds, DCM_BitsStored, 8)), int(get_long(ds, DCM_PixelRepresentation, 0)),
              int(get_long(ds, DCM_PlanarConfiguration, 0)), get_string(ds, DCM_PhotometricInterpretation)};
  d.frames = info.frames;
  const std::string& pm = d.layout.photometric;
  const bool known = pm == "MONOCHROME1" || pm == "MONOCHROME2" || pm == "PALETTE COLOR" ||
                     (d.layout.samples_per_pixel == 3 && (pm == "RGB" || pm == "YBR_FULL"));
  if (!known || (d.layout.bits_allocated != 8 && d.layout.bits_allocated != 16) || d.layout.bits_stored > 16)
    throw Error(ErrorCode::Unsupported, info.path + ": cannot look for burned-in text in " + pm + " pixels of " +
                                            std::to_string(d.layout.bits_allocated) +
                                            " bits (fibretrack deidentify --accept-burned-in copies them as they are, marked as holding text)");
  // The value's bits are the lowest Bits Stored (High Bit one less, as PS3.5 asks): the bits above
  // are cleared as a bit-plane overlay's. Another High Bit would have the value cleared instead.
  const long high_bit = get_long(ds, DCM_HighBit, d.layout.bits_stored - 1);
  if (high_bit != d.layout.bits_stored - 1)
    throw Error(ErrorCode::Unsupported, info.path + ": High Bit " + std::to_string(high_bit) + " with Bits Stored " +
                                            std::to_string(d.layout.bits_stored) +
                                            ": cannot tell the pixel values' bits from an overlay's (fibretrack deidentify "
                                            "--accept-burned-in copies them as they are, marked as holding text)");
  if (pm == "PALETTE COLOR") d.palette = read_palette(ds);
  const Uint8* data = nullptr;
  unsigned long bytes = 0;
  if (ds.findAndGetUint8Array(DCM_PixelData, data, &bytes).bad() || !data || bytes < d.frame_bytes() * std::size_t(d.frames))
    throw Error(ErrorCode::CorruptData, info.path + ": pixel data shorter than its frames (cannot clean burned-in text)");
  d.data = const_cast<Uint8*>(data);  // the data set's own buffer, cleaned in place
  return d;
}

// The clip's middle frame, and which of its pixels stayed (within a grabber's noise) as they
// are in it over every frame: where burned-in text can be.
std::pair<Frame, std::vector<std::uint8_t>> middle_frame_and_still_pixels(const DecodedFrames& d) {
  Frame middle = d.luminance(d.frames / 2);
  std::vector<std::uint8_t> still(d.plane(), 1);
  for (int f = 0; f < d.frames; ++f) {
    if (f == d.frames / 2) continue;
    const Frame lum = d.luminance(f);
    for (std::size_t p = 0; p < d.plane(); ++p)
      still[p] &= std::abs(int(lum.data8()[p]) - int(middle.data8()[p])) <= kMaxTextFlicker;
  }
  return {std::move(middle), std::move(still)};
}

void blank(const DecodedFrames& d, const std::vector<std::uint8_t>& blanked) {
  const int samples = d.layout.samples_per_pixel;
  std::vector<unsigned> black(std::size_t(samples), 0u);
  for (int s = 0; s < samples; ++s) black[std::size_t(s)] = d.as_sample(d.black(s));  // a palette's darkest entry is looked for once
  for (int f = 0; f < d.frames; ++f)
    for (std::size_t p = 0; p < d.plane(); ++p) {
      if (!blanked[p]) continue;
      for (int s = 0; s < samples; ++s) {
        const std::size_t k = d.layout.planar_configuration == 1 ? std::size_t(s) * d.plane() + p : p * std::size_t(samples) + std::size_t(s);
        Uint8* at = d.data + std::size_t(f) * d.frame_bytes() + k * d.bytes_per_sample();
        at[0] = Uint8(black[std::size_t(s)] & 0xFF);
        if (d.bytes_per_sample() == 2) at[1] = Uint8(black[std::size_t(s)] >> 8);
      }
    }
}

// Bits of a sample outside Bits Stored hold no pixel value, but may carry a retired bit-plane
// overlay (Overlay Bit Position): text or marks a viewer can draw over the image. They are
// cleared (for signed pixels, filled with the sign, so that every value stays what it was).
// decoded() has checked that High Bit is Bits Stored - 1 (as PS3.5 and the ultrasound IODs ask, and
// as the reader reads the pixels).
// Returns how many samples held something there: neither zeros nor (signed) the sign's fill,
// which PS3.5 8.1.1 allows both of and which hold no overlay.
std::size_t clear_bits_outside_stored(const DecodedFrames& d) {
  const int stored = d.layout.bits_stored, allocated = d.layout.bits_allocated;
  if (stored <= 0 || stored >= allocated) return 0;
  const unsigned value_bits = (1u << stored) - 1, sign_bit = 1u << (stored - 1);
  const bool is_signed = d.layout.pixel_representation == 1;
  const std::size_t bytes = d.bytes_per_sample(), samples = d.frame_bytes() / bytes * std::size_t(d.frames);
  const unsigned unused_bits = (bytes == 2 ? 0xFFFFu : 0xFFu) & ~value_bits;
  std::size_t held_something = 0;
  for (std::size_t i = 0; i < samples; ++i) {
    Uint8* at = d.data + i * bytes;
    const unsigned was = bytes == 2 ? unsigned(at[0]) | unsigned(at[1]) << 8 : unsigned(at[0]);
    unsigned v = was & value_bits;
    const unsigned fill = is_signed && (v & sign_bit) ? unused_bits : 0u;
    const unsigned unused = was & unused_bits;
    held_something += unused != 0 && unused != fill;
    v |= fill;
    at[0] = Uint8(v & 0xFF);
    if (bytes == 2) at[1] = Uint8((v >> 8) & 0xFF);
  }
  return held_something;
}

}  // namespace

PixelCleaning clean_burned_in_text(DcmDataset& ds, const DicomClipInfo& info) {
  const DecodedFrames d = decoded(ds, info);
  PixelCleaning done;
  done.samples_with_unused_bits_cleared = clear_bits_outside_stored(d);
  std::vector<std::uint8_t> blanked(d.plane(), 0);
  const auto in_a_region = [&](const PixelRect& r) {
    return std::any_of(info.regions.begin(), info.regions.end(), [&](const UltrasoundRegion& u) { return !u.bounds.intersected(r).empty(); });
  };
  if (!info.regions.empty()) {
    for (int y = 0; y < d.layout.rows; ++y)
      for (int x = 0; x < d.layout.columns; ++x) blanked[std::size_t(y) * std::size_t(d.layout.columns) + std::size_t(x)] = !in_a_region({x, y, x, y});
    done.outside_regions_blanked = true;
  }
  const auto [middle, still] = middle_frame_and_still_pixels(d);
  for (const PixelRect& line : find_text_lines(middle, still)) {
    for (int y = line.y0_px; y <= line.y1_px; ++y)
      for (int x = line.x0_px; x <= line.x1_px; ++x) blanked[std::size_t(y) * std::size_t(d.layout.columns) + std::size_t(x)] = 1;
    done.text_lines_blanked += info.regions.empty() || in_a_region(line);  // those outside are blanked anyway
  }
  blank(d, blanked);
  return done;
}

}  // namespace ft::dicom::detail
