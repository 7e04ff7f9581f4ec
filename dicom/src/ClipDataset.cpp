#include "ClipDataset.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "DatasetHelpers.h"
#include "ft/core/Error.h"

namespace ft::dicom::detail {
namespace {
std::string format_decimal(double value, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}
}  // namespace

// Frame Time when the frames are evenly spaced (within 1 %), Frame Time Vector otherwise.
void put_timing(DcmDataset& ds, const Clip& clip) {
  const auto& frames = clip.frames;
  bool even = true;
  std::vector<double> deltas_ms{0.0};
  for (std::size_t i = 1; i < frames.size(); ++i) {
    const double d = double(frames[i].acquisition_time_ns - frames[i - 1].acquisition_time_ns) / 1e6;
    deltas_ms.push_back(d);
    if (clip.frame_time_ms <= 0 || std::abs(d - clip.frame_time_ms) > 0.01 * clip.frame_time_ms) even = false;
  }
  if (even || frames.size() < 2) {
    const double frame_time = clip.frame_time_ms > 0 ? clip.frame_time_ms : 0.0;
    put(ds, DCM_FrameTime, format_decimal(frame_time, 3));
    put(ds, DCM_FrameIncrementPointer, "(0018,1063)");
  } else {
    std::string vector;
    for (std::size_t i = 0; i < deltas_ms.size(); ++i) vector += (i ? "\\" : "") + format_decimal(deltas_ms[i], 3);
    put(ds, DCM_FrameTimeVector, vector);
    put(ds, DCM_FrameIncrementPointer, "(0018,1065)");
  }
  if (clip.frame_time_ms > 0) {
    put(ds, DCM_CineRate, std::to_string(int(std::lround(clip.frame_rate_hz()))));
    put(ds, DCM_RecommendedDisplayFrameRate, std::to_string(int(std::lround(clip.frame_rate_hz()))));
  }
}

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
  const std::size_t total = frame_bytes * clip.frames.size();
  if (total + (total & 1) > 0xFFFFFFFEull)  // a 32-bit explicit length; never truncated, never overflowed
    throw Error(ErrorCode::InvalidArgument, "pixel data over 4 GiB does not fit one DICOM object");
  auto* pixel_data = new DcmPixelData(DCM_PixelData);
  pixel_data->setVR(wide ? EVR_OW : EVR_OB);
  Uint8* buffer = nullptr;
  if (pixel_data->createUint8Array(Uint32(total + (total & 1)), buffer).bad() || !buffer) {
    delete pixel_data;
    throw Error(ErrorCode::Io, "out of memory for pixel data");
  }
  for (std::size_t i = 0; i < clip.frames.size(); ++i)
    std::memcpy(buffer + i * frame_bytes, clip.frames[i].bytes(), frame_bytes);
  if (total & 1) buffer[total] = 0;
  if (wide) pixel_data->setVR(EVR_OW);
  ds.insert(pixel_data, true);
}

}  // namespace ft::dicom::detail
