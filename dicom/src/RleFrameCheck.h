#pragma once
// RLE Lossless frames checked before DCMTK decodes them. DCMTK 3.6.7's RLE decoder trusts the
// segment offsets in each frame's header: an offset past the end of the frame (one changed
// byte in a damaged or crafted file) makes it read outside its buffer and crash the program
// (found by the DICOM reader fuzzer). A frame whose header does not describe its own bytes
// is refused here with a clear error instead.
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace ft::dicom::detail {

// Throws ft::Error(CorruptData) naming `what` unless `frame` (one frame's compressed bytes)
// starts with an RLE header (PS3.5 G.5) of `segments` segments whose offsets lie, in order,
// inside the frame.
void check_rle_header(const std::uint8_t* frame, std::size_t size, int segments, const std::string& what);

// For an RLE Lossless dataset: check_rle_header on frame `index` (or every frame when index < 0)
// with the segments its Samples per Pixel and Bits Allocated need. Other transfer syntaxes pass.
void check_rle_frames(DcmDataset& ds, int index, const std::string& what);

}  // namespace ft::dicom::detail
