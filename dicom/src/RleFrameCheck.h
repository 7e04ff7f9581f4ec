#pragma once
// RLE Lossless frames checked before DCMTK decodes one for the reader. DCMTK 3.6.7's
// frame-by-frame RLE decoder (DcmPixelData::getUncompressedFrame) trusts the header of the
// frame's fragment: a segment offset past the end of the fragment (one changed byte in a damaged
// or crafted file) made it read outside its buffer and crash the program (found by the DICOM
// reader fuzzer); a fragment shorter than its header, or a segment that decodes to nothing, makes
// it read outside as well. A frame whose fragment does not hold what its header describes is
// refused here with a clear error instead. (Decompressing a whole dataset, for transcoding and
// de-identification, goes through DCMTK's other RLE path, which checks the offsets itself.)
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace ft::dicom::detail {

// Throws ft::Error(CorruptData) naming `what` unless `fragment` starts with an RLE header (PS3.5
// G.5) of `segments` segments whose offsets lie, in order, inside the fragment, each segment
// at least 2 bytes long (the shortest that decodes to a byte).
void check_rle_header(const std::uint8_t* fragment, std::size_t size, int segments, const std::string& what);

// For an RLE Lossless dataset: frame `index` must be one fragment of its own (PS3.5 A.4.2; the
// one DCMTK's frame decoder reads), and that fragment pass check_rle_header with the segments
// Samples per Pixel and Bits Allocated need. Other transfer syntaxes pass. Throws ft::Error.
void check_rle_frame(DcmDataset& ds, int index, const std::string& what);

}  // namespace ft::dicom::detail
