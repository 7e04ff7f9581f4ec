#include "RleFrameCheck.h"

#include "DatasetHelpers.h"
#include "dcmtk/dcmdata/dcpixseq.h"
#include "dcmtk/dcmdata/dcpxitem.h"
#include "ft/core/Error.h"

namespace ft::dicom::detail {
namespace {

constexpr std::size_t kHeaderBytes = 64;  // 16 little-endian 32-bit words
constexpr int kMaxSegments = 15;
constexpr std::uint32_t kShortestSegment = 2;  // a literal run of one byte: its header and the byte

std::uint32_t word(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

}  // namespace

void check_rle_header(const std::uint8_t* fragment, std::size_t size, int segments, const std::string& what) {
  const auto corrupt = [&](const std::string& why) { throw Error(ErrorCode::CorruptData, what + ": damaged RLE frame: " + why); };
  if (size < kHeaderBytes) corrupt("shorter than its header");
  const std::uint32_t count = word(fragment);
  if (count < 1 || count > kMaxSegments) corrupt("its header names " + std::to_string(count) + " segments");
  if (int(count) != segments)
    corrupt(std::to_string(count) + " segments where the image needs " + std::to_string(segments));
  for (std::uint32_t s = 0; s < count; ++s) {
    const std::uint32_t offset = word(fragment + 4 * (s + 1));
    const std::uint64_t end = s + 1 < count ? word(fragment + 4 * (s + 2)) : size;
    if (offset < kHeaderBytes || end > size || std::uint64_t(offset) + kShortestSegment > end)
      corrupt("segment " + std::to_string(s + 1) + " at bytes " + std::to_string(offset) + "-" + std::to_string(end) +
              " of a frame of " + std::to_string(size) + " bytes");
  }
}

void check_rle_frame(DcmDataset& ds, int index, const std::string& what) {
  if (ds.getOriginalXfer() != EXS_RLELossless) return;
  DcmElement* element = nullptr;
  DcmPixelSequence* fragments = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, element).bad() || !element ||
      static_cast<DcmPixelData*>(element)->getEncapsulatedRepresentation(EXS_RLELossless, nullptr, fragments).bad() ||
      !fragments)
    throw Error(ErrorCode::CorruptData, what + ": RLE pixel data missing");
  const long frames = get_long(ds, DCM_NumberOfFrames, 1);
  if (long(fragments->card()) - 1 != frames)  // item 0: the offset table
    throw Error(ErrorCode::Unsupported, what + ": " + std::to_string(long(fragments->card()) - 1) + " RLE fragments for " +
                                            std::to_string(frames) + " frames (one fragment per frame, PS3.5 A.4.2)");
  DcmPixelItem* item = nullptr;
  Uint8* bytes = nullptr;
  if (fragments->getItem(item, Uint32(index + 1)).bad() || !item || item->getUint8Array(bytes).bad() || !bytes)
    throw Error(ErrorCode::CorruptData, what + ", frame " + std::to_string(index + 1) + ": RLE fragment missing");
  const int segments = int(get_long(ds, DCM_SamplesPerPixel, 1) * ((get_long(ds, DCM_BitsAllocated, 8) + 7) / 8));
  check_rle_header(bytes, item->getLength(), segments, what + ", frame " + std::to_string(index + 1));
}

}  // namespace ft::dicom::detail
