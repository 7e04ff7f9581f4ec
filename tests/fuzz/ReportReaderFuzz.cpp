// libFuzzer target for the readers of what other workstations archive next to a clip: the
// measurement report (SR, TID 1500) and the presentation state (GSPS), and the search that
// finds them by reading only the heads of the files beside the clip (dicom_files_near: a meta
// header, or a header-less data set up to its SOP Class UID). Whatever bytes arrive, the readers
// return or throw ft::Error and the search lists the file or not; none of them crashes, hangs or
// reads outside its buffers (built with AddressSanitizer).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "ft/core/Error.h"
#include "ft/dicom/MeasurementReportReader.h"
#include "ft/dicom/PresentationStateReader.h"
#include "ft/dicom/ToolkitLogging.h"

#include "FuzzScratch.h"
#include "NearbyFiles.h"

namespace {

// A folder of this process's own with one study folder holding only the input (as
// study/heads.dcm; the clip it is looked for from need not exist), removed at a normal exit (after
// a crash, the run script removes its scratch folder, this among them).
class NearbyFolder {
 public:
  NearbyFolder() : root_(fuzz_scratch("nearby")) {
    std::error_code ignored;  // no folder: the input is not written, and nothing is found near the clip
    std::filesystem::create_directories(root_ + "/study", ignored);
  }
  ~NearbyFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  std::string input() const { return root_ + "/study/heads.dcm"; }

 private:
  std::string root_;
};

std::string nearby_input() {
  static const NearbyFolder folder;  // one per fuzzing process, for its whole run
  return folder.input();
}

void write(const std::string& path, const std::uint8_t* data, std::size_t size) {
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = (ft::dicom::configure_toolkit_logging(ft::dicom::ToolkitLog::Quiet), true);
  (void)quiet;
  const std::string path = fuzz_scratch("report.dcm");
  write(path, data, size);
  const std::string head = nearby_input();
  write(head, data, size);
  const std::string clip = std::filesystem::path(head).replace_filename("clip.dcm").string();
  (void)ft::dicom::detail::dicom_files_near(clip, [](const std::string& sop_class) { return !sop_class.empty(); });
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
