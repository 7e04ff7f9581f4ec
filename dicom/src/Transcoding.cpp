#include "Transcoding.h"

#include <algorithm>
#include <mutex>

#include "DatasetHelpers.h"
#include "Jpeg2000Decoder.h"
#include "JpegLsFrameCheck.h"
#include "dcmtk/dcmdata/dcpixseq.h"
#include "dcmtk/dcmdata/dcpxitem.h"
#include "dcmtk/dcmdata/dcrledrg.h"
#include "dcmtk/dcmjpeg/djdecode.h"
#include "dcmtk/dcmjpls/djdecode.h"
#include "ft/core/Error.h"

namespace ft::dicom::detail {
namespace {

// JPEG 2000 has no DCMTK decoder here: decode every frame with OpenJPEG and put the
// samples back as native pixel data (interleaved; MCT already undone, hence RGB).
void decompress_jpeg2000(DcmDataset& ds, const std::string& what) {
  DcmElement* element = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, element).bad() || !element)
    throw Error(ErrorCode::Unsupported, what + ": no pixel data");
  const int frames = int(get_long(ds, DCM_NumberOfFrames, 1));
  const int rows = int(get_long(ds, DCM_Rows, 0)), columns = int(get_long(ds, DCM_Columns, 0));
  const int bits_allocated = int(get_long(ds, DCM_BitsAllocated, 8));
  const int samples = int(get_long(ds, DCM_SamplesPerPixel, 1));
  const DcmXfer xfer(ds.getOriginalXfer());
  std::vector<std::uint8_t> native;
  int components = 1;
  for (int f = 0; f < frames; ++f) {
    const auto bytes = encapsulated_frame(*static_cast<DcmPixelData*>(element), xfer, f, frames);
    DecodedJpeg2000 d;
    try {
      d = decode_jpeg2000(bytes.data(), bytes.size(), {columns, rows, samples, bits_allocated});
    } catch (const Error& e) {
      throw Error(e.code(), what + ", frame " + std::to_string(f + 1) + ": " + e.what());
    }
    components = d.components;
    native.insert(native.end(), d.pixels.begin(), d.pixels.end());
  }
  ds.findAndDeleteElement(DCM_PixelData);
  OFCondition c = bits_allocated == 16
                      ? ds.putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(native.data()),
                                                   static_cast<unsigned long>(native.size() / 2))
                      : ds.putAndInsertUint8Array(DCM_PixelData, native.data(), static_cast<unsigned long>(native.size()));
  if (c.bad()) throw Error(ErrorCode::Io, what + ": cannot store decoded pixels: " + c.text());
  if (components == 3) {
    put(ds, DCM_PhotometricInterpretation, "RGB");
    put_u16(ds, DCM_PlanarConfiguration, 0);
  }
}

}  // namespace

void register_decoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
  });
}

bool is_jpeg2000(const std::string& xfer) {
  return xfer == "1.2.840.10008.1.2.4.90" || xfer == "1.2.840.10008.1.2.4.91";
}

std::vector<std::uint8_t> encapsulated_frame(DcmPixelData& pixels, const DcmXfer& xfer, int index, int frames) {
  DcmPixelSequence* sequence = nullptr;
  if (pixels.getEncapsulatedRepresentation(xfer.getXfer(), nullptr, sequence).bad() || !sequence)
    throw Error(ErrorCode::CorruptData, "encapsulated pixel data missing");
  const unsigned long fragments = sequence->card() > 0 ? sequence->card() - 1 : 0;  // item 0: offset table
  unsigned long first = 0, last = 0;
  if (frames == 1) {
    first = 1;
    last = fragments;
  } else if (fragments == static_cast<unsigned long>(frames)) {
    first = last = static_cast<unsigned long>(index) + 1;
  } else {
    throw Error(ErrorCode::Unsupported, "compressed frames split over several fragments in a multi-frame image");
  }
  std::vector<std::uint8_t> bytes;
  for (unsigned long f = first; f <= last; ++f) {
    DcmPixelItem* item = nullptr;
    if (sequence->getItem(item, f).bad() || !item) throw Error(ErrorCode::CorruptData, "pixel fragment missing");
    Uint8* data = nullptr;
    if (item->getUint8Array(data).bad() || !data) continue;
    bytes.insert(bytes.end(), data, data + item->getLength());
  }
  if (bytes.empty()) throw Error(ErrorCode::CorruptData, "empty compressed frame");
  return bytes;
}

namespace {

// What the decoded pixel data would take, checked before any decoder allocates it: a 3 KB
// file whose header claims 65 473 x 65 304 px frames made DCMTK's JPEG decoder allocate 4 GB
// (the DICOM reader fuzzer; `send` to a peer that refuses compression decompresses whatever
// file it is given). Uncompressed pixel data must also fit one element's 32-bit length.
void check_decoded_size(DcmDataset& ds, const std::string& what) {
  const double rows = double(get_long(ds, DCM_Rows, 0)), columns = double(get_long(ds, DCM_Columns, 0));
  const double frames = double(std::max(1L, get_long(ds, DCM_NumberOfFrames, 1)));
  const double frame_bytes = decoded_frame_bytes(rows, columns, double(get_long(ds, DCM_SamplesPerPixel, 1)),
                                                 double(std::max(8L, get_long(ds, DCM_BitsAllocated, 8))));
  if (frame_bytes > kMaxFrameBytes)
    throw Error(ErrorCode::Unsupported, what + ": frames of " + std::to_string(long(columns)) + "x" +
                                            std::to_string(long(rows)) + " px are too large to decompress (corrupt header?)");
  if (frame_bytes * frames >= 4294967294.0)
    throw Error(ErrorCode::Unsupported, what + ": " + std::to_string(long(frames)) +
                                            " frames would take 4 GiB or more uncompressed, more than one DICOM object holds");
}

}  // namespace

void decompress(DcmDataset& ds, const std::string& what) {
  check_decoded_size(ds, what);
  register_decoders();
  if (is_jpeg2000(DcmXfer(ds.getOriginalXfer()).getXferID())) decompress_jpeg2000(ds, what);
  check_jpeg_ls_frames(ds, what);  // CharLS asserts (aborts) on a damaged scan header
  if (ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr).bad() || !ds.canWriteXfer(EXS_LittleEndianExplicit))
    throw Error(ErrorCode::Unsupported, what + ": pixel data in " + DcmXfer(ds.getOriginalXfer()).getXferName() +
                                            " cannot be decompressed");
}

}  // namespace ft::dicom::detail
