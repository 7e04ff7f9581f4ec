// libFuzzer target for the DICOM reader: whatever bytes arrive, read_clip_info() and
// DicomClipReader either succeed or throw ft::Error; so does the whole-dataset decompression
// that sending to a PACS which refuses compression and de-identification go through (DCMTK's
// other decoding path). None of them crash, hang or read outside their buffers (built with
// AddressSanitizer).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "ft/core/Error.h"
#include "DicomFileLoader.h"
#include "Transcoding.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/ToolkitLogging.h"

#include "FuzzScratch.h"
namespace {
std::string scratch_file() {
  static const std::string path = fuzz_scratch("input.dcm");
  return path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = (ft::dicom::configure_toolkit_logging(ft::dicom::ToolkitLog::Quiet), true);
  (void)quiet;
  const std::string path = scratch_file();
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  try {
    ft::dicom::DicomClipReader reader(path);
    // Decode at most two frames: enough to reach every decoder, bounded in time.
    for (int k = 0; k < reader.frame_count() && k < 2; ++k) reader.read_frame(k);
  } catch (const ft::Error&) {
  }
  try {
    ft::dicom::detail::DicomFileLoader loader(path);
    long frames = 1;  // as above: at most two frames decoded, so that every input is quick
    loader.dataset().findAndGetLongInt(DCM_NumberOfFrames, frames);
    if (frames <= 2) ft::dicom::detail::decompress(loader.dataset(), path);
  } catch (const ft::Error&) {
  }
  return 0;
}
