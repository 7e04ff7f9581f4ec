#include "RleFrameCheck.h"

#include "DatasetHelpers.h"
#include "Transcoding.h"
#include "ft/core/Error.h"

namespace ft::dicom::detail {
namespace {

constexpr std::size_t kHeaderBytes = 64;  // 16 little-endian 32-bit words
constexpr int kMaxSegments = 15;

std::uint32_t word(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

}  // namespace

void check_rle_header(const std::uint8_t* frame, std::size_t size, int segments, const std::string& what) {
  const auto corrupt = [&](const std::string& why) { throw Error(ErrorCode::CorruptData, what + ": damaged RLE frame: " + why); };
  if (size < kHeaderBytes) corrupt("shorter than its header");
  const std::uint32_t count = word(frame);
  if (count < 1 || count > kMaxSegments) corrupt("its header names " + std::to_string(count) + " segments");
  if (int(count) != segments)
    corrupt(std::to_string(count) + " segments where the image needs " + std::to_string(segments));
  std::uint32_t previous = 0;
  for (std::uint32_t s = 0; s < count; ++s) {
    const std::uint32_t offset = word(frame + 4 * (s + 1));
    if (offset < kHeaderBytes || offset >= size || (s > 0 && offset <= previous))
      corrupt("segment " + std::to_string(s + 1) + " starts at byte " + std::to_string(offset) + " of a frame of " +
              std::to_string(size) + " bytes");
    previous = offset;
  }
}

void check_rle_frames(DcmDataset& ds, int index, const std::string& what) {
  if (ds.getOriginalXfer() != EXS_RLELossless) return;
  DcmElement* element = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, element).bad() || !element) return;  // no pixels: nothing decoded
  const int frames = int(get_long(ds, DCM_NumberOfFrames, 1));
  const int segments = int(get_long(ds, DCM_SamplesPerPixel, 1) * ((get_long(ds, DCM_BitsAllocated, 8) + 7) / 8));
  const DcmXfer xfer(EXS_RLELossless);
  for (int f = index < 0 ? 0 : index; f < (index < 0 ? frames : index + 1); ++f) {
    const std::vector<std::uint8_t> bytes = encapsulated_frame(*static_cast<DcmPixelData*>(element), xfer, f, frames);
    check_rle_header(bytes.data(), bytes.size(), segments, what + ", frame " + std::to_string(f + 1));
  }
}

}  // namespace ft::dicom::detail
