#pragma once
// Small wrappers over DCMTK that turn its status codes into ft::Error.
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include <string>

namespace ft::dicom::detail {

void put(DcmItem& item, const DcmTagKey& tag, const std::string& value);
void put_u16(DcmItem& item, const DcmTagKey& tag, Uint16 value);
void put_u32(DcmItem& item, const DcmTagKey& tag, Uint32 value);
void put_s32(DcmItem& item, const DcmTagKey& tag, Sint32 value);
void put_f64(DcmItem& item, const DcmTagKey& tag, Float64 value);

std::string get_string(DcmItem& item, const DcmTagKey& tag);  // empty when absent
long get_long(DcmItem& item, const DcmTagKey& tag, long fallback);

// A corrupt header must not make us allocate gigabytes: a frame of over 256 MiB is not an
// ultrasound image.
constexpr double kMaxFrameBytes = 256.0 * 1024 * 1024;
// Bytes of one decoded frame as the header describes it (double: a corrupt header's product
// overflows any integer).
inline double decoded_frame_bytes(double rows, double columns, double samples_per_pixel, double bits_allocated) {
  return rows * columns * (samples_per_pixel < 1 ? 1 : samples_per_pixel) * (bits_allocated / 8.0);
}
double get_double(DcmItem& item, const DcmTagKey& tag, double fallback);

// Current date and time as DICOM DA (YYYYMMDD) and TM (HHMMSS).
std::string today_da();
std::string now_tm();

// Saves `file` to `path` through a temporary file, synced, renamed, its folder synced
// (ft/core/DurableFiles.h); throws on failure.
void save_atomically(DcmFileFormat& file, const std::string& path, E_TransferSyntax xfer);

// Pixels once lossy-compressed stay so in every copy (PS3.3 C.7.6.1.1.5): when `source` says
// so or came in a lossy transfer syntax, `target` gets Lossy Image Compression 01 with the
// method (the source's, else the transfer syntax's) and the source's ratio.
void carry_lossy_history(DcmDataset& target, DcmDataset& source, const DcmXfer& source_xfer);

}  // namespace ft::dicom::detail
