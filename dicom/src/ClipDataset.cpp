#include "ClipDataset.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "DatasetHelpers.h"
#include "ft/core/Error.h"
#include "ft/dicom/UltrasoundClipWriter.h"

namespace ft::dicom::detail {
namespace {
// Whatever the process's locale (Qt sets the user's): a DICOM decimal string has a '.'.
std::string format_decimal(double value, int digits) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, digits);
  return std::string(buf, r.ptr);
}
}  // namespace

// Frame Time when the frames are evenly spaced (within 1 %), Frame Time Vector otherwise.
void put_timing(DcmDataset& ds, const Clip& clip) {
  std::vector<std::int64_t> times_ns;
  for (const Frame& f : clip.frames) times_ns.push_back(f.acquisition_time_ns);
  put_timing(ds, times_ns, clip.frame_time_ms);
}

void put_timing(DcmDataset& ds, const std::vector<std::int64_t>& times_ns, double frame_time_ms) {
  bool even = true;
  std::vector<double> deltas_ms{0.0};
  for (std::size_t i = 1; i < times_ns.size(); ++i) {
    const double d = double(times_ns[i] - times_ns[i - 1]) / 1e6;
    deltas_ms.push_back(d);
    if (frame_time_ms <= 0 || std::abs(d - frame_time_ms) > 0.01 * frame_time_ms) even = false;
  }
  if (even || times_ns.size() < 2) {
    const double frame_time = frame_time_ms > 0 ? frame_time_ms : 0.0;
    put(ds, DCM_FrameTime, format_decimal(frame_time, 3));
    put(ds, DCM_FrameIncrementPointer, "(0018,1063)");
  } else {
    std::string vector;
    for (std::size_t i = 0; i < deltas_ms.size(); ++i) vector += (i ? "\\" : "") + format_decimal(deltas_ms[i], 3);
    put(ds, DCM_FrameTimeVector, vector);
    put(ds, DCM_FrameIncrementPointer, "(0018,1065)");
  }
  if (frame_time_ms > 0) {
    const std::string rate = std::to_string(int(std::lround(1000.0 / frame_time_ms)));
    put(ds, DCM_CineRate, rate);
    put(ds, DCM_RecommendedDisplayFrameRate, rate);
  }
}

namespace {
// Pixel Data of `total` bytes (padded to even) in the dataset; returns its buffer to fill.
Uint8* insert_pixel_data(DcmDataset& ds, std::size_t total, DcmEVR vr) {
  if (total + (total & 1) > kMaxPixelBytesPerObject)  // a 32-bit explicit length; never truncated, never overflowed
    throw Error(ErrorCode::InvalidArgument, "pixel data over 4 GiB does not fit one DICOM object");
  auto* pixel_data = new DcmPixelData(DCM_PixelData);
  Uint8* buffer = nullptr;
  if (pixel_data->createUint8Array(Uint32(total + (total & 1)), buffer).bad() || !buffer) {
    delete pixel_data;
    throw Error(ErrorCode::Io, "out of memory for pixel data");
  }
  if (total & 1) buffer[total] = 0;
  pixel_data->setVR(vr);
  ds.insert(pixel_data, true);
  return buffer;
}
}  // namespace

void put_pixels(DcmDataset& ds, const Clip& clip) {
  const Frame& first = clip.frames.front();
  const bool wide = first.depth() == PixelDepth::Bits16;
  put_u16(ds, DCM_SamplesPerPixel, 1);
  put(ds, DCM_PhotometricInterpretation, "MONOCHROME2");
  put_u16(ds, DCM_Rows, Uint16(first.height_px()));
  put_u16(ds, DCM_Columns, Uint16(first.width_px()));
  put_u16(ds, DCM_BitsAllocated, wide ? 16 : 8);
  put_u16(ds, DCM_BitsStored, wide ? 16 : 8);
  put_u16(ds, DCM_HighBit, wide ? 15 : 7);
  put_u16(ds, DCM_PixelRepresentation, 0);
  put(ds, DCM_NumberOfFrames, std::to_string(clip.frames.size()));
  put(ds, DCM_LossyImageCompression, "00");
  const std::size_t frame_bytes = first.byte_count();
  Uint8* buffer = insert_pixel_data(ds, frame_bytes * clip.frames.size(), wide ? EVR_OW : EVR_OB);
  for (std::size_t i = 0; i < clip.frames.size(); ++i)
    std::memcpy(buffer + i * frame_bytes, clip.frames[i].bytes(), frame_bytes);
}

void put_rgb_pixels(DcmDataset& ds, int width_px, int height_px, int frames,
                    const std::function<void(int, std::uint8_t*)>& fill) {
  put_u16(ds, DCM_SamplesPerPixel, 3);
  put(ds, DCM_PhotometricInterpretation, "RGB");
  put_u16(ds, DCM_PlanarConfiguration, 0);
  put_u16(ds, DCM_Rows, Uint16(height_px));
  put_u16(ds, DCM_Columns, Uint16(width_px));
  put_u16(ds, DCM_BitsAllocated, 8);
  put_u16(ds, DCM_BitsStored, 8);
  put_u16(ds, DCM_HighBit, 7);
  put_u16(ds, DCM_PixelRepresentation, 0);
  put(ds, DCM_NumberOfFrames, std::to_string(frames));
  put(ds, DCM_LossyImageCompression, "00");
  const std::size_t frame_bytes = std::size_t(width_px) * std::size_t(height_px) * 3;
  Uint8* buffer = insert_pixel_data(ds, frame_bytes * std::size_t(frames), EVR_OB);
  for (int k = 0; k < frames; ++k) fill(k, buffer + std::size_t(k) * frame_bytes);
}

}  // namespace ft::dicom::detail
