#pragma once
// Reads the frames of a DICOM image or cine, one at a time and only when asked, so a
// long clip never needs all its frames in memory. Frames come out as luminance
// (colour and palette images converted) for analysis.
#include <memory>
#include <string>

#include "ft/core/Clip.h"
#include "ft/core/Frame.h"
#include "ft/dicom/DicomClipInfo.h"

namespace ft::dicom {

namespace detail {
class DicomFileLoader;
}

class DicomClipReader {
 public:
  // Throws ft::Error as read_clip_info() does.
  explicit DicomClipReader(const std::string& path);
  ~DicomClipReader();
  DicomClipReader(const DicomClipReader&) = delete;
  DicomClipReader& operator=(const DicomClipReader&) = delete;

  const DicomClipInfo& info() const noexcept { return info_; }
  int frame_count() const noexcept { return info_.frames; }

  // Frame `index` (0-based) as luminance: 8-bit for 8-bit and colour data, 16-bit for
  // deeper greyscale. Its acquisition time comes from the clip's frame timing.
  // Throws ft::Error (CorruptData when the pixel data cannot be decoded,
  // Unsupported for an encoding we do not read).
  Frame read_frame(int index);

  // All frames (or the first max_frames) with regions, timing and source.
  Clip read_clip(int max_frames = -1);

 private:
  std::vector<std::uint8_t> decode_raw(int index, std::string& colour_model);

  std::unique_ptr<detail::DicomFileLoader> loader_;
  DicomClipInfo info_;
};

}  // namespace ft::dicom
