// fibretrack info: what a DICOM file holds, without decoding its pixels; with --gpu, the GPU.
#include <cstdio>
#include <optional>
#include <nlohmann/json.hpp>

#include "CommandLine.h"
#include "Commands.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/MeasurementReportReader.h"
#include "ft/gpu/GpuReport.h"
#include "ft/gpu/SpeckleTracker.h"

namespace ft::cli {
namespace {

const char* units_name(PhysicalUnits u) {
  switch (u) {
    case PhysicalUnits::None: return "none";
    case PhysicalUnits::Percent: return "percent";
    case PhysicalUnits::Decibel: return "dB";
    case PhysicalUnits::Centimetre: return "cm";
    case PhysicalUnits::Second: return "s";
    case PhysicalUnits::Hertz: return "Hz";
  }
  return "other";
}

nlohmann::json region_json(const UltrasoundRegion& r) {
  nlohmann::json j{{"x0", r.bounds.x0_px},
                   {"y0", r.bounds.y0_px},
                   {"x1", r.bounds.x1_px},
                   {"y1", r.bounds.y1_px},
                   {"spatial_format", int(r.spatial_format)},
                   {"data_type", r.data_type},
                   {"units", {units_name(r.units_x), units_name(r.units_y)}},
                   {"calibrated", r.has_mm_calibration()}};
  // mm_per_px only where the axis is a length; other units are reported as given.
  if (r.has_mm_calibration()) j["mm_per_px"] = {r.mm_per_px_x, r.mm_per_px_y};
  else j["physical_delta"] = {r.mm_per_px_x, r.mm_per_px_y};
  return j;
}

nlohmann::json info_json(const dicom::DicomClipInfo& info) {
  nlohmann::json regions = nlohmann::json::array();
  for (const auto& r : info.regions) regions.push_back(region_json(r));
  const UltrasoundRegion analysis = info.analysis_region();
  nlohmann::json j{{"file", info.path},
                   {"sop_class_uid", info.sop_class_uid},
                   {"sop_class", info.sop_class_name},
                   {"modality", info.modality},
                   {"manufacturer", info.manufacturer},
                   {"frames", info.frames},
                   {"rows", info.rows},
                   {"columns", info.columns},
                   {"samples_per_pixel", info.samples_per_pixel},
                   {"bits_allocated", info.bits_allocated},
                   {"bits_stored", info.bits_stored},
                   {"photometric", info.photometric},
                   {"planar_configuration", info.planar_configuration},
                   {"transfer_syntax", info.transfer_syntax_name},
                   {"transfer_syntax_uid", info.transfer_syntax_uid},
                   {"frame_time_ms", info.frame_time_ms > 0 ? nlohmann::json(info.frame_time_ms) : nlohmann::json()},
                   {"frame_time_source", info.frame_time_source},
                   {"regions", regions},
                   {"analysis_region", region_json(analysis)},
                   {"warnings", info.warnings}};
  if (info.pixel_spacing_mm) j["pixel_spacing_mm"] = {info.pixel_spacing_mm->first, info.pixel_spacing_mm->second};
  return j;
}

void print_text(const dicom::DicomClipInfo& info) {
  std::printf("%s\n  %s, %d frame(s) %dx%d, %s %d-bit, %s\n", info.path.c_str(),
              info.sop_class_name.empty() ? info.sop_class_uid.c_str() : info.sop_class_name.c_str(), info.frames,
              info.columns, info.rows, info.photometric.c_str(), info.bits_allocated, info.transfer_syntax_name.c_str());
  if (info.frame_time_ms > 0) std::printf("  frame time %.3f ms (%s)\n", info.frame_time_ms, info.frame_time_source.c_str());
  else std::printf("  no frame timing\n");
  for (const auto& r : info.regions) {
    std::printf("  region x %d-%d, y %d-%d, format %d, ", r.bounds.x0_px, r.bounds.x1_px, r.bounds.y0_px, r.bounds.y1_px,
                int(r.spatial_format));
    if (r.has_mm_calibration()) std::printf("%.4f x %.4f mm/px\n", r.mm_per_px_x, r.mm_per_px_y);
    else std::printf("no spatial calibration (units %s/%s)\n", units_name(r.units_x), units_name(r.units_y));
  }
  if (info.regions.empty()) std::printf("  no ultrasound regions%s\n", info.pixel_spacing_mm ? " (pixel spacing given)" : ": measurements in px only");
  for (const auto& w : info.warnings) std::printf("  warning: %s\n", w.c_str());
}

// `info --gpu`: the device, the kernels' resources and the backend tracking would use
// (after the start-up self-test), so a site can see why its GPU is or is not used.
nlohmann::json gpu_json() {
  const gpu::GpuReport r = gpu::gpu_report();
  nlohmann::json kernels = nlohmann::json::array();
  for (const auto& k : r.kernels)
    kernels.push_back({{"name", k.name},
                       {"registers_per_thread", k.registers_per_thread},
                       {"local_bytes_per_thread", k.local_bytes_per_thread},
                       {"static_shared_bytes", k.static_shared_bytes},
                       {"largest_dynamic_shared_bytes", k.largest_dynamic_shared_bytes},
                       {"max_threads_per_block", k.max_threads_per_block},
                       {"threads_per_block", k.threads_per_block}});
  const gpu::SpeckleTracker tracker({}, gpu::Backend::Auto);
  return {{"built_with_cuda", r.built_with_cuda},
          {"device_present", r.device_present},
          {"device", r.device},
          {"no_device", r.no_device},
          {"kernels", kernels},
          {"kernel_error", r.kernel_error},
          {"tracking_backend", gpu::to_string(tracker.backend())},
          {"tracking_backend_note", tracker.backend_note()}};
}

void print_gpu(const nlohmann::json& g) {
  if (g["device_present"].get<bool>()) std::printf("GPU: %s\n", g["device"].get<std::string>().c_str());
  else std::printf("GPU: none usable (%s)\n", g["no_device"].get<std::string>().c_str());
  for (const auto& k : g["kernels"])
    std::printf("  %s: %d registers, %zu B local, %zu B static + up to %zu B dynamic shared per block of %d threads\n",
                k["name"].get<std::string>().c_str(), k["registers_per_thread"].get<int>(),
                k["local_bytes_per_thread"].get<std::size_t>(), k["static_shared_bytes"].get<std::size_t>(),
                k["largest_dynamic_shared_bytes"].get<std::size_t>(), k["threads_per_block"].get<int>());
  if (!g["kernel_error"].get<std::string>().empty())
    std::printf("  kernels unreadable: %s\n", g["kernel_error"].get<std::string>().c_str());
  std::printf("tracking runs on: %s\n", g["tracking_backend"].get<std::string>().c_str());
  if (!g["tracking_backend_note"].get<std::string>().empty())
    std::printf("  note: %s\n", g["tracking_backend_note"].get<std::string>().c_str());
}

// A FibreTrack measurement report (as the archive's plugin or `analyze --dicom-out` stores
// it): the findings it holds, read from the SR alone.
nlohmann::json report_json(const std::string& path, const dicom::StoredReport& report) {
  nlohmann::json findings = nlohmann::json::array();
  for (const TearFinding& f : report.result.findings)
    findings.push_back({{"grade", describe_grade(f)},
                        {"frame", f.frame},  // the index, as analyze's JSON gives it
                        {"gap_mm", f.gap_mm},
                        {"gap_rest_mm", f.gap_rest_mm},
                        {"retraction_mm", f.retraction_mm},
                        {"extent_pct", f.extent_pct},
                        {"confidence", f.confidence}});
  return {{"file", path}, {"report_on_clip", report.source_sop_instance_uid}, {"verdict", describe_verdict(report.result)},
          {"findings", findings}};
}

void print_report(const nlohmann::json& r) {
  std::printf("%s\n  FibreTrack measurement report on clip %s: %zu finding(s); %s\n", r["file"].get<std::string>().c_str(),
              r["report_on_clip"].get<std::string>().c_str(), r["findings"].size(), r["verdict"].get<std::string>().c_str());
  for (const auto& f : r["findings"])
    std::printf("  %s, frame %d: gap %.1f mm (rest %.1f), retraction %.1f mm, extent %.0f %%, "
                "confidence %.2f\n",
                f["grade"].get<std::string>().c_str(), f["frame"].get<int>() + 1, f["gap_mm"].get<double>(), f["gap_rest_mm"].get<double>(),
                f["retraction_mm"].get<double>(), f["extent_pct"].get<double>(), f["confidence"].get<double>());
}

}  // namespace

int run_info(const Args& args) {
  const CommandLine cl(args, {"json", "gpu"});
  cl.reject_unknown({"json", "gpu"});
  if (cl.has("gpu")) {
    const nlohmann::json g = gpu_json();
    if (cl.has("json")) std::printf("%s\n", g.dump(2).c_str());
    else print_gpu(g);
    return 0;
  }
  const std::string path = cl.positional_at(0, "FILE.dcm");
  dicom::DicomClipInfo info;
  try {
    info = dicom::read_clip_info(path);
  } catch (const Error& not_an_image) {
    std::optional<dicom::StoredReport> report;
    try {
      report = dicom::read_measurement_report(path);
    } catch (const Error&) {
      throw not_an_image;  // neither a clip nor our report: say why it is not a clip
    }
    const nlohmann::json r = report_json(path, *report);
    if (cl.has("json")) std::printf("%s\n", r.dump(2).c_str());
    else print_report(r);
    return 0;
  }
  if (cl.has("json")) std::printf("%s\n", info_json(info).dump(2).c_str());
  else print_text(info);
  return 0;
}

}  // namespace ft::cli
