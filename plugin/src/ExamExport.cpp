#include "ft/plugin/ExamExport.h"

#include <filesystem>

#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/MeasurementReportWriter.h"
#include "ft/dicom/PresentationStateWriter.h"
#include "ft/dicom/SecondaryCaptureWriter.h"
#include "ft/plugin/OverlayPainter.h"
#include "ft/plugin/OverlayScene.h"

namespace ft {
namespace {

constexpr const char* kNotice = "FibreTrack — decision support, not a certified medical device";

// Each frame as the viewer shows it by default (full grey scale), its findings drawn by the
// viewer's own scene (outline, gap caliper, label), the notice on every frame.
void write_capture(const std::string& clip_path, const DetectionResult& result, const std::string& path) {
  const TextPainting fonts;
  const UltrasoundRegion region = dicom::read_clip_info(clip_path).analysis_region();
  OverlayLayers layers;
  layers.strain = layers.vectors = false;
  layers.measure_findings_as(result);
  dicom::write_burned_in_capture(clip_path, [&](const Frame& source, int k) {
    RgbImage picture = grey_picture(source, layers.window, layers.level);
    std::vector<TearFinding> on_frame;
    for (const TearFinding& f : result.findings)
      if (f.frame == k) on_frame.push_back(f);
    paint_overlay(picture, compose_overlay(region, {}, {}, on_frame, layers));
    paint_notice(picture, kNotice);
    return picture;
  }, path);
}

}  // namespace

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
    write_capture(clip_path, result, out.back().path);
  }
  return out;
}

}  // namespace ft
