// fibretrack track: frame-to-frame speckle tracking of a clip, summarised per pair.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "CommandLine.h"
#include "Commands.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/gpu/FieldOperations.h"
#include "ft/gpu/SpeckleTracker.h"

namespace ft::cli {
namespace {

nlohmann::json number_or_null(bool known, double value) { return known ? nlohmann::json(value) : nlohmann::json(); }

}  // namespace

int run_track(const Args& args) {
  const CommandLine cl(args, {});
  cl.reject_unknown({"json", "backend", "grid-step", "max-frames", "kernel-mm"});
  const std::string path = cl.positional_at(0, "CLIP.dcm");
  gpu::TrackingParameters parameters;
  parameters.grid_step_px = int(cl.integer_or("grid-step", parameters.grid_step_px));
  parameters.kernel_mm = cl.number_or("kernel-mm", parameters.kernel_mm);
  if (parameters.grid_step_px < 1 || parameters.grid_step_px > 256)
    throw Error(ErrorCode::InvalidArgument, "--grid-step must be within 1..256 px");
  const gpu::Backend backend = gpu::backend_from_string(cl.value_or("backend", "auto"));

  dicom::DicomClipReader reader(path);
  const dicom::DicomClipInfo& info = reader.info();
  const UltrasoundRegion region = info.analysis_region();
  const bool calibrated = region.has_mm_calibration();
  const long long max_frames = cl.integer_or("max-frames", info.frames);
  const int frames = int(std::min<long long>(info.frames, std::max<long long>(0, max_frames)));
  gpu::SpeckleTracker tracker(parameters, backend);

  nlohmann::json pairs = nlohmann::json::array();
  double tracking_ms = 0;
  Frame previous = reader.read_frame(0);
  DisplacementField last;
  for (int k = 1; k < frames; ++k) {
    Frame next = reader.read_frame(k);
    const auto t0 = std::chrono::steady_clock::now();
    last = tracker.track(previous, next, region, last.size() ? &last : nullptr);
    tracking_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const gpu::FieldSummary s = gpu::summarise(last, region);
    pairs.push_back({{"index", k - 1},
                     {"mean_dx_px", s.mean_dx_px},
                     {"mean_dy_px", s.mean_dy_px},
                     {"mean_dx_mm", number_or_null(calibrated, s.mean_dx_mm)},
                     {"mean_dy_mm", number_or_null(calibrated, s.mean_dy_mm)},
                     {"valid_fraction", s.valid_fraction},
                     {"mean_quality", s.mean_quality}});
    previous = std::move(next);
  }
  nlohmann::json warnings = info.warnings;
  if (!calibrated) warnings.push_back("no spatial calibration: displacements in px only");
  if (frames < 2) warnings.push_back("fewer than two frames: nothing to track");
  if (!tracker.backend_note().empty()) warnings.push_back(tracker.backend_note());
  const nlohmann::json out{
      {"file", path},
      {"frames", frames},
      {"backend", gpu::to_string(tracker.backend())},
      {"grid_step_px", parameters.grid_step_px},
      {"region", {{"x0", region.bounds.x0_px}, {"y0", region.bounds.y0_px}, {"x1", region.bounds.x1_px},
                  {"y1", region.bounds.y1_px}, {"mm_per_px", number_or_null(calibrated, region.mm_per_px_x)}}},
      {"grid", {{"columns", last.columns}, {"rows", last.rows}}},
      {"ms_per_frame", pairs.empty() ? 0.0 : tracking_ms / double(pairs.size())},
      {"pairs", pairs},
      {"warnings", warnings}};
  if (auto json_path = cl.value("json")) write_text_file(*json_path, out.dump(1) + "\n");
  std::printf("%s: %d frames tracked on %s, %.2f ms per frame, grid %dx%d\n", path.c_str(), frames,
              gpu::to_string(tracker.backend()), out["ms_per_frame"].get<double>(), last.columns, last.rows);
  for (const auto& w : warnings) std::printf("  warning: %s\n", w.get<std::string>().c_str());
  return 0;
}

}  // namespace ft::cli
