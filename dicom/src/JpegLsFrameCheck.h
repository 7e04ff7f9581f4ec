#pragma once
// JPEG-LS frames checked before DCMTK decodes them. DCMTK 3.6.7 bundles CharLS built with its
// assertions on: a damaged scan header (no components, or a NEAR past what the sample depth
// allows: one changed byte) made CharLS assert and abort the whole program (found by the DICOM
// reader fuzzer). Each JPEG-LS stream's frame and scan headers (ITU-T T.87, C.2) are checked
// against themselves and against the image's own attributes; a frame that does not hold what
// they describe is refused with a clear error instead.
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace ft::dicom::detail {

// Throws ft::Error(CorruptData) naming `what` unless `stream` (one JPEG-LS image, SOI first)
// has a frame header of `rows` x `columns` x `samples` samples of 2-16 bits and, before its
// first scan's data, a scan header of 1..samples components whose NEAR the sample depth (or
// the preset MAXVAL) allows, 0 when `lossless`, and an interleave mode T.87 knows (0-2).
void check_jpeg_ls_stream(const std::uint8_t* stream, std::size_t size, int rows, int columns, int samples, bool lossless,
                          const std::string& what);

// For a JPEG-LS dataset: frame `frame`'s fragment (one fragment per frame), or every fragment
// that starts a stream (frame < 0, or frames over several fragments), passes
// check_jpeg_ls_stream; other transfer syntaxes pass. Throws ft::Error (Unsupported for a
// preset RESET past 255, which the bundled CharLS cannot decode safely).
void check_jpeg_ls_frames(DcmDataset& ds, const std::string& what, int frame = -1);

}  // namespace ft::dicom::detail
