#pragma once
// The Clean Pixel Data option of PS3.15: burned-in text blanked from every frame. Outside the
// ultrasound regions everything is blanked (scanners write names and dates there); inside them,
// and over the whole frame when the file has no regions, the lines of text that
// find_text_lines sees on the clip's still layer are blanked; bits outside Bits Stored (where a
// retired bit-plane overlay can be) are cleared in every sample.
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include "ft/dicom/DicomClipInfo.h"

namespace ft::dicom::detail {

struct PixelCleaning {
  bool outside_regions_blanked = false;
  int text_lines_blanked = 0;
  // Samples whose bits outside Bits Stored held something other than zeros or the sign's fill
  // (an overlay, or a Bits Stored that understates the values): cleared, and said, so that a
  // wrong Bits Stored does not change pixels unseen.
  std::size_t samples_with_unused_bits_cleared = 0;
};

// Decompresses the pixel data and cleans it in place. Throws ft::Error (Unsupported) for pixel
// data it cannot judge (subsampled or partial YBR left after decoding, over 16 bits, a High Bit
// other than Bits Stored - 1): such a file is not de-identified unless the caller accepts its
// burned-in text.
PixelCleaning clean_burned_in_text(DcmDataset& ds, const DicomClipInfo& info);

}  // namespace ft::dicom::detail
