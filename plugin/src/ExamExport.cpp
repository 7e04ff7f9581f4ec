#include "ft/plugin/ExamExport.h"

#include <filesystem>

#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/MeasurementReportWriter.h"
#include "ft/dicom/PresentationStateWriter.h"
#include "ft/dicom/SecondaryCaptureWriter.h"

namespace ft {

std::vector<ExportedObject> write_exam_objects(const std::string& clip_path, const DetectionResult& result,
                                               const std::string& directory, bool burn_in) {
  namespace fs = std::filesystem;
  fs::create_directories(directory);
  const std::string stem = fs::path(clip_path).stem().string();
  const auto in_dir = [&](const std::string& name) { return (fs::path(directory) / (stem + name)).string(); };
  std::vector<ExportedObject> out;
  out.push_back({in_dir("_report_sr.dcm"), "measurement report"});
  dicom::write_measurement_report(clip_path, result, out.back().path);
  if (dicom::read_clip_info(clip_path).samples_per_pixel == 1) {  // GSPS annotates grayscale images only
    out.push_back({in_dir("_annotations_pr.dcm"), "presentation state"});
    dicom::write_presentation_state(clip_path, result, out.back().path);
  }
  if (burn_in) {
    out.push_back({in_dir("_burned_in_sc.dcm"), "secondary capture, findings burned in"});
    dicom::write_burned_in_capture(clip_path, result, out.back().path);
  }
  return out;
}

}  // namespace ft
