#pragma once
// Turning compressed pixel data into native (uncompressed) Explicit VR Little Endian:
// for a peer that refuses the object's own transfer syntax, and before cleaning burned-in
// text. JPEG, JPEG-LS and RLE go through DCMTK's decoders; JPEG 2000 through OpenJPEG.
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ft::dicom::detail {

// DCMTK keeps its decoders in a process-wide registry; this registers them once.
void register_decoders();

bool is_jpeg2000(const std::string& transfer_syntax_uid);

// The compressed bytes of one frame: one fragment per frame, or all fragments of a
// single-frame image. Throws ft::Error.
std::vector<std::uint8_t> encapsulated_frame(DcmPixelData& pixels, const DcmXfer& xfer, int index, int frames);

// Rewrites the pixel data of `ds` natively so that it can be written as Explicit VR
// Little Endian. `what` names the object in errors. Throws ft::Error(Unsupported) when
// no decoder can read it.
void decompress(DcmDataset& ds, const std::string& what);

}  // namespace ft::dicom::detail
