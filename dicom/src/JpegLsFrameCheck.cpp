#include "JpegLsFrameCheck.h"

#include <algorithm>

#include "DatasetHelpers.h"
#include "dcmtk/dcmdata/dcpixseq.h"
#include "dcmtk/dcmdata/dcpxitem.h"
#include "ft/core/Error.h"

namespace ft::dicom::detail {
namespace {

constexpr std::uint8_t kSoi = 0xD8, kSof55 = 0xF7, kLse = 0xF8, kSos = 0xDA;

int be16(const std::uint8_t* p) { return int(p[0]) << 8 | int(p[1]); }

}  // namespace

void check_jpeg_ls_stream(const std::uint8_t* s, std::size_t size, int rows, int columns, int samples, bool lossless,
                          const std::string& what) {
  const auto corrupt = [&](const std::string& why) { throw Error(ErrorCode::CorruptData, what + ": damaged JPEG-LS frame: " + why); };
  if (size < 4 || s[0] != 0xFF || s[1] != kSoi) corrupt("no start of image");
  int bits = 0, components = 0, max_value = 0;
  for (std::size_t at = 2; at + 4 <= size;) {
    if (s[at] != 0xFF) corrupt("a marker expected at byte " + std::to_string(at));
    const std::uint8_t marker = s[at + 1];
    const std::size_t length = std::size_t(be16(s + at + 2));
    if (length < 2 || at + 2 + length > size) corrupt("a header runs past the frame");
    const std::uint8_t* body = s + at + 4;
    if (marker == kSof55) {
      if (length < 8) corrupt("short frame header");
      bits = body[0];
      components = body[5];
      if (bits < 2 || bits > 16) corrupt(std::to_string(bits) + " bits per sample");
      if (be16(body + 1) != rows || be16(body + 3) != columns)
        corrupt("its header says " + std::to_string(be16(body + 3)) + " x " + std::to_string(be16(body + 1)) + " where the image is " +
                std::to_string(columns) + " x " + std::to_string(rows));
      if (components != samples || length != 8 + 3 * std::size_t(components))
        corrupt(std::to_string(components) + " components where the image has " + std::to_string(samples));
    } else if (marker == kLse && length >= 3 && body[0] == 1) {
      // Preset coding parameters (C.2.4.1.1): MAXVAL, T1, T2, T3, RESET, 0 meaning the default.
      // CharLS reads all five; a RESET past 255 overflows its context counters (asserts).
      if (length != 13) corrupt("preset parameters of " + std::to_string(length) + " bytes");
      max_value = be16(body + 1);
      const int reset = be16(body + 9);
      if (reset != 0 && (reset < 3 || reset > 255))
        throw Error(ErrorCode::Unsupported, what + ": JPEG-LS preset RESET " + std::to_string(reset) + " is not decoded safely");
    } else if (marker == kSos) {
      if (bits == 0) corrupt("a scan before the frame header");
      const int in_scan = body[0];
      if (in_scan < 1 || in_scan > components || length != 6 + 2 * std::size_t(in_scan))
        corrupt("a scan of " + std::to_string(in_scan) + " components");
      const std::uint8_t* after = body + 1 + 2 * in_scan;
      const int near = after[0], interleave = after[1];
      const int top = max_value > 0 ? max_value : (1 << bits) - 1;
      if (max_value >= (1 << bits)) corrupt("MAXVAL " + std::to_string(max_value) + " past " + std::to_string(bits) + " bits");
      if (near > std::min(255, top / 2) || (lossless && near != 0)) corrupt("NEAR " + std::to_string(near));
      if (interleave > 2)
        corrupt("interleave mode " + std::to_string(interleave));
      return;  // the scan's data follow
    }
    at += 2 + length;
  }
  corrupt("no scan header");
}

void check_jpeg_ls_frames(DcmDataset& ds, const std::string& what, int frame) {
  const E_TransferSyntax xfer = ds.getOriginalXfer();
  if (xfer != EXS_JPEGLSLossless && xfer != EXS_JPEGLSLossy) return;
  DcmElement* element = nullptr;
  DcmPixelSequence* fragments = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, element).bad() || !element ||
      static_cast<DcmPixelData*>(element)->getEncapsulatedRepresentation(xfer, nullptr, fragments).bad() || !fragments)
    throw Error(ErrorCode::CorruptData, what + ": JPEG-LS pixel data missing");
  const int rows = int(get_long(ds, DCM_Rows, 0)), columns = int(get_long(ds, DCM_Columns, 0));
  const int samples = int(get_long(ds, DCM_SamplesPerPixel, 1));
  // One fragment per frame (the usual case): the frame's own; else every stream's.
  const unsigned long count = fragments->card();  // item 0: the offset table
  const bool own = frame >= 0 && long(count) - 1 == get_long(ds, DCM_NumberOfFrames, 1);
  for (unsigned long k = own ? unsigned(frame) + 1 : 1; k < (own ? unsigned(frame) + 2 : count); ++k) {
    DcmPixelItem* item = nullptr;
    Uint8* bytes = nullptr;
    if (fragments->getItem(item, k).bad() || !item || item->getUint8Array(bytes).bad() || !bytes) continue;
    if (item->getLength() >= 2 && bytes[0] == 0xFF && bytes[1] == kSoi)
      check_jpeg_ls_stream(bytes, item->getLength(), rows, columns, samples, xfer == EXS_JPEGLSLossless,
                           what + ", fragment " + std::to_string(k));
  }
}

}  // namespace ft::dicom::detail
