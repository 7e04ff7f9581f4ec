#include "ft/plugin/ExamExport.h"

#include <filesystem>

#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/MeasurementReportWriter.h"
#include "ft/dicom/PresentationStateWriter.h"
#include "ft/dicom/SecondaryCaptureWriter.h"
#include "ft/plugin/OverlayPainter.h"
#include "ft/plugin/OverlayScene.h"
#include "ft/plugin/ReviewScene.h"

namespace ft {
namespace {

constexpr const char* kNotice = "FibreTrack — decision support, not a certified medical device";

// Each frame as the review shows it by default (full grey scale, strain layer, arrows,
// findings; no quality shade), drawn from the review's own scene, the notice on every frame.
void write_capture(const std::string& clip_path, const ClipAnalysis* analysis, const DetectionResult& result,
                   const std::string& path) {
  const TextPainting fonts;
  const UltrasoundRegion region = dicom::read_clip_info(clip_path).analysis_region();
  OverlayLayers layers;
  if (analysis) layers.vector_gain = clip_arrow_gain(*analysis);
  layers.measure_findings_as(result);
  dicom::write_burned_in_capture(clip_path, [&](const Frame& source, int k) {
    RgbImage picture = grey_picture(source, layers.window, layers.level);
    paint_overlay(picture, analysis ? review_scene(*analysis, k, layers) : compose_overlay(region, {}, {}, result.findings, layers));
    paint_notice(picture, kNotice);
    return picture;
  }, path);
}

std::vector<ExportedObject> write_objects(const std::string& clip_path, const ClipAnalysis* analysis,
                                          const DetectionResult& result, const std::string& directory, bool burn_in) {
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
    write_capture(clip_path, analysis, result, out.back().path);
  }
  return out;
}

}  // namespace

std::vector<ExportedObject> write_exam_objects(const std::string& clip_path, const ClipAnalysis& analysis,
                                               const std::string& directory, bool burn_in) {
  return write_objects(clip_path, &analysis, analysis.detection, directory, burn_in);
}

std::vector<ExportedObject> write_exam_objects(const std::string& clip_path, const DetectionResult& result,
                                               const std::string& directory, bool burn_in) {
  return write_objects(clip_path, nullptr, result, directory, burn_in);
}

}  // namespace ft
