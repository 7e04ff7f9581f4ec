// Writes small seeds for the DICOM reader fuzzer: each real file given keeps its header (the
// scanner's attributes, regions, palette, photometric interpretation) and its transfer syntax,
// but its pixel data becomes two frames of 32 x 24 pixels, encoded again by DCMTK (RLE, JPEG,
// JPEG-LS) where the original was compressed. A seed of a few kilobytes reaches the same
// decoders as the full file at a hundred times the executions per second; a file whose
// encoding DCMTK cannot write (JPEG 2000) is left to the full-size corpus.
// usage: dicom_fuzz_seeds OUT_FOLDER FILE...
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcrleerg.h"
#include "dcmtk/dcmdata/dcxfer.h"
#include "dcmtk/dcmimage/diregist.h"  // colour images for the JPEG encoder
#include "dcmtk/dcmjpeg/djencode.h"
#include "dcmtk/dcmjpls/djencode.h"

namespace {

constexpr int kRows = 24, kColumns = 32, kFrames = 2;

long get_long(DcmDataset& ds, const DcmTagKey& tag, long fallback) {
  long value = 0;
  return ds.findAndGetLongInt(tag, value).good() ? value : fallback;
}

std::string photometric(DcmDataset& ds) {
  OFString value;
  ds.findAndGetOFString(DCM_PhotometricInterpretation, value);
  return value.c_str();
}

// A gradient with speckle-like noise, so that compressed frames are not trivially uniform.
std::vector<std::uint8_t> pixels(int samples, int bytes_per_sample, int frames) {
  std::vector<std::uint8_t> out(std::size_t(frames) * kRows * kColumns * samples * bytes_per_sample);
  std::uint32_t state = 12345;
  for (std::size_t i = 0; i < out.size(); ++i) {
    state = state * 1664525u + 1013904223u;
    out[i] = std::uint8_t((i % kColumns) * 6 + (state >> 27));
  }
  if (bytes_per_sample == 2)  // keep 16-bit samples inside 12 bits: Bits Stored is often 12
    for (std::size_t i = 1; i < out.size(); i += 2) out[i] &= 0x0f;
  return out;
}

// Replaces the pixel data with small native frames; false when the layout is not one we can make.
bool make_small_native(DcmDataset& ds) {
  const int samples = int(get_long(ds, DCM_SamplesPerPixel, 1));
  const int bits_allocated = int(get_long(ds, DCM_BitsAllocated, 8));
  if ((samples != 1 && samples != 3) || (bits_allocated != 8 && bits_allocated != 16)) return false;
  const std::string pi = photometric(ds);
  if (pi.rfind("YBR", 0) == 0) {  // native YBR_FULL_422 is subsampled: write RGB, JPEG makes it YBR again
    ds.putAndInsertString(DCM_PhotometricInterpretation, "RGB");
    ds.putAndInsertUint16(DCM_PlanarConfiguration, 0);
  }
  const int frames = ds.tagExists(DCM_NumberOfFrames) ? kFrames : 1;
  ds.findAndDeleteElement(DCM_PixelData);
  ds.putAndInsertUint16(DCM_Rows, kRows);
  ds.putAndInsertUint16(DCM_Columns, kColumns);
  if (ds.tagExists(DCM_NumberOfFrames)) ds.putAndInsertString(DCM_NumberOfFrames, std::to_string(frames).c_str());
  const std::vector<std::uint8_t> p = pixels(samples, bits_allocated / 8, frames);
  return (bits_allocated == 16 ? ds.putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(p.data()),
                                                            static_cast<unsigned long>(p.size() / 2))
                               : ds.putAndInsertUint8Array(DCM_PixelData, p.data(), static_cast<unsigned long>(p.size())))
      .good();
}

bool write_seed(const std::string& in, const std::string& out) {
  DcmFileFormat file;
  if (file.loadFile(in.c_str()).bad()) return false;
  DcmDataset& ds = *file.getDataset();
  const E_TransferSyntax original = ds.getOriginalXfer();
  // Our pixels are native, so the element's representation is too; the old compressed
  // representation goes with the old element.
  if (!make_small_native(ds)) return false;
  ds.removeAllButOriginalRepresentations();
  if (DcmXfer(original).isEncapsulated()) {
    // Each codec's default parameters (lossy baseline for JPEG baseline, lossless otherwise).
    if (ds.chooseRepresentation(original, nullptr).bad() || !ds.canWriteXfer(original)) return false;
  }
  return file.saveFile(out.c_str(), original).good();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: dicom_fuzz_seeds OUT_FOLDER FILE...\n";
    return 2;
  }
  DcmRLEEncoderRegistration::registerCodecs();
  DJEncoderRegistration::registerCodecs();
  DJLSEncoderRegistration::registerCodecs();
  int written = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string in = argv[i];
    const std::string out = std::string(argv[1]) + "/small-" + std::to_string(i - 1) + ".dcm";
    if (write_seed(in, out)) {
      ++written;
    } else {
      std::cerr << "dicom_fuzz_seeds: " << in << ": no small seed (encoding not writable here)\n";
    }
  }
  std::cout << written << " small seeds written\n";
  return written > 0 ? 0 : 1;
}
