// libFuzzer target for the readers of what other workstations archive next to a clip: the
// measurement report (SR, TID 1500) and the presentation state (GSPS). Whatever bytes arrive,
// read_measurement_report() and read_presentation_state() return or throw ft::Error; they
// never crash, hang or read outside their buffers (built with AddressSanitizer).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "ft/core/Error.h"
#include "ft/dicom/MeasurementReportReader.h"
#include "ft/dicom/PresentationStateReader.h"
#include "ft/dicom/ToolkitLogging.h"

#include "FuzzScratch.h"
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = (ft::dicom::configure_toolkit_logging(ft::dicom::ToolkitLog::Quiet), true);
  (void)quiet;
  const std::string path = fuzz_scratch("report.dcm");
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  try {
    ft::dicom::read_measurement_report(path);
  } catch (const ft::Error&) {
  }
  try {
    ft::dicom::read_presentation_state(path);
  } catch (const ft::Error&) {
  }
  return 0;
}
