// fibretrack analyze: finds fibre discontinuities that open under contraction.
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "CommandLine.h"
#include "ft/plugin/ExamExport.h"
#include "Commands.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/MeasurementReportWriter.h"
#include "ft/dicom/PresentationStateWriter.h"
#include "ft/dicom/SecondaryCaptureWriter.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/plugin/DetectionExplanation.h"
#include "ft/plugin/FindingJson.h"

namespace ft::cli {
namespace {

double r6(double v) { return std::round(v * 1e6) / 1e6; }

nlohmann::json analysis_json(const std::string& path, int frames, const ClipAnalysis& a) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : a.detection.findings) findings.push_back(finding_json(f, a.scale));
  nlohmann::json for_review = nlohmann::json::array();
  for (const auto& layer : a.detection.for_review) for_review.push_back(layer_for_review_json(layer, a.scale));
  const ContractionSummary& c = a.detection.contraction;
  nlohmann::json strain = nlohmann::json::array(), phases = nlohmann::json::array();
  for (double s : c.strain_by_frame) strain.push_back(json_rounded(s));
  for (auto p : c.phases) phases.push_back(to_string(p));
  nlohmann::json notes = a.detection.notes;
  for (const auto& w : a.warnings) notes.push_back(w);
  return {{"file", path},
          {"tear_detected", a.detection.tear_detected},
          {"findings", findings},
          {"layers_for_review", for_review},
          {"tracked_fraction", json_rounded(a.detection.tracked_fraction)},
          {"tracked_fraction_of", a.detection.tracked_fraction_of},
          {"conclusive", a.detection.conclusive},
          {"verdict", describe_verdict(a.detection)},
          {"contraction",
           {{"rest_frame", c.rest_frame},
            {"peak_frame", c.peak_frame},
            {"peak_strain", json_rounded(c.peak_strain)},
            {"fascicle_angle_deg",
             {{"rest", json_measured(c.fascicle_angle_rest_deg)},
              {"peak", json_measured(c.fascicle_angle_peak_deg)},
              {"to", "the image's x axis"},
              {"depth_mm", {json_measured(c.fascicle_depth_top_mm), json_measured(c.fascicle_depth_bottom_mm)}}}},
            {"contractions", contractions_json(c)},
            {"strain_by_analysed_frame", strain},
            {"phases_by_analysed_frame", phases}}},
          {"frames", frames},
          {"analysed_frames", a.kept_frames},
          {"calibrated", a.detection.calibrated},
          {"scale", {{"source", to_string(a.scale.source)}, {"mm_per_px", {r6(a.scale.mm_per_px_x), r6(a.scale.mm_per_px_y)}}}},
          {"region", {{"x0", a.region.bounds.x0_px}, {"y0", a.region.bounds.y0_px}, {"x1", a.region.bounds.x1_px},
                      {"y1", a.region.bounds.y1_px}}},
          {"backend", a.backend},
          {"tracking_ms_per_frame", json_rounded(a.tracking_ms_per_frame)},
          {"notes", notes},
          {"candidates_evaluated", a.detection.candidates.size()},
          {"disclaimer", "FibreTrack is decision support, not a certified medical device."}};
}

}  // namespace

int run_analyze(const Args& args) {
  const CommandLine cl(args, {"burn-in"});
  cl.reject_unknown({"json", "backend", "dicom-out", "burn-in", "explain"});
  if (cl.has("burn-in") && !cl.has("dicom-out")) throw Error(ErrorCode::InvalidArgument, "--burn-in goes with --dicom-out DIR");
  const std::string path = cl.positional_at(0, "CLIP.dcm");
  AnalysisSettings settings;
  settings.backend = gpu::backend_from_string(cl.value_or("backend", "auto"));
  dicom::DicomClipReader reader(path);
  const dicom::DicomClipInfo info = reader.info();
  const FrameAt frame_at = [&reader](int k) { return reader.read_frame(k); };
  ClipAnalysis analysis = analyse_clip(info.frames, frame_at, info.analysis_region(), settings);
  for (const auto& w : info.warnings) analysis.warnings.push_back(w);
  const nlohmann::json out = analysis_json(path, info.frames, analysis);
  if (auto json_path = cl.value("json")) write_text_file(*json_path, out.dump(1) + "\n");
  if (auto dir = cl.value("explain")) {
    const FrameAt analysed_at = [&](int k) { return reader.read_frame(analysis.kept_frames[std::size_t(k)]); };
    for (const auto& p : write_detection_explanation(*dir, analysis, analysed_at)) std::printf("wrote %s\n", p.c_str());
  }
  if (auto dir = cl.value("dicom-out"))
    for (const ExportedObject& o : write_exam_objects(path, analysis, *dir, cl.has("burn-in")))
      std::printf("wrote %s (%s)\n", o.path.c_str(), o.kind.c_str());
  std::printf("%s: %s (tracked %.0f %% of %s from rest to peak)\n", path.c_str(), describe_verdict(analysis.detection).c_str(),
              100.0 * analysis.detection.tracked_fraction, analysis.detection.tracked_fraction_of.c_str());
  for (const auto& f : analysis.detection.findings) {
    // Frames counted from 1 in text, as the station and DICOM count them (JSON keeps the index).
    std::printf("  %s at %s, frame %d: %s, %s, confidence %.2f", describe_grade(f).c_str(),
                describe_position(f, analysis.detection).c_str(), f.frame + 1, describe_gap(f, analysis.detection).c_str(),
                describe_extent(f).c_str(), f.confidence);
    if (f.contractions_seen > 1) std::printf(", opened in %d of %d contractions", f.contractions_opened, f.contractions_seen);
    std::printf("\n");
  }
  for (const auto& n : out["notes"]) std::printf("  note: %s\n", n.get<std::string>().c_str());
  std::printf("  FibreTrack is decision support, not a certified medical device.\n");
  return 0;
}

}  // namespace ft::cli
