#include "ft/probes/TruthJson.h"

#include <cmath>
#include <fstream>

#include "ft/core/Error.h"

namespace ft::sim {
namespace {
// Rounded so that the files are stable and readable; far finer than any tolerance.
double r4(double v) { return std::round(v * 1e4) / 1e4; }
// The same without "-0.0" at rest (the older fields keep theirs: sample data must not change).
double r4n(double v) { return r4(v) + 0.0; }
}  // namespace

nlohmann::json truth_to_json(const ClipTruth& truth, const SimulationConfig& config) {
  // The realistic model's fields are written only where it is in use, so that the
  // truth files of the gentle presets (sample data) stay byte for byte as they were.
  const bool realistic = config.uses_realistic_model();
  nlohmann::json frames = nlohmann::json::array();
  for (const FrameTruth& f : truth.frames) {
    nlohmann::json j{{"index", f.index},
                     {"time_ms", r4(f.time_ms)},
                     {"contraction", r4(f.contraction)},
                     {"rf_fibre_angle_deg", r4(f.rf_fibre_angle_deg)},
                     {"rf_fibre_strain", r4(f.rf_fibre_strain)},
                     {"sliding_mm", r4(f.sliding_mm)}};
    if (realistic) {
      j["aponeurosis_slide_mm"] = r4n(f.aponeurosis_slide_mm);
      j["muscle_translation_mm"] = r4n(f.muscle_translation_mm);
      j["rf_vi_slide_mm"] = r4n(f.rf_vi_slide_mm);
      j["rf_thickness_mm"] = r4n(f.rf_thickness_mm);
      j["speckle_correlation"] = r4n(f.speckle_correlation);
      if (truth.vessel_present) {
        j["vessel_radius_mm"] = r4n(f.vessel_radius_mm);
        j["vessel_center_mm"] = {r4n(f.vessel_centre_x_mm), r4n(f.vessel_centre_z_mm)};
      }
    }
    if (f.tear.present) {
      j["gap_mm"] = r4(f.tear.gap_mm);
      j["retraction_mm"] = r4(f.tear.retraction_mm);
      j["center_px"] = {r4(f.tear.centre_col_px), r4(f.tear.centre_row_px)};
      j["center_mm"] = {r4(f.tear.centre_x_mm), r4(f.tear.centre_z_mm)};
      if (realistic) j["surface_angle_deg"] = r4n(f.tear.surface_angle_deg);
    }
    frames.push_back(std::move(j));
  }
  const FrameLayout& l = config.layout;
  nlohmann::json out{
      {"preset", truth.preset},
      {"seed", truth.seed},
      {"frames", config.frame_count},
      {"frame_rate_hz", config.probe.frame_rate_hz},
      {"region",
       {{"x0", l.region_x0_px},
        {"y0", l.region_y0_px},
        {"x1", l.region_x0_px + config.region_width_px() - 1},
        {"y1", l.region_y0_px + config.region_height_px() - 1},
        {"mm_per_px", {config.probe.pixel_pitch_mm, config.probe.pixel_pitch_mm}}}},
      {"tear_detected", truth.tear_present},
      {"grade", truth.grade},
      {"extent_pct", r4(truth.extent_pct)},
      {"gap_rest_mm", r4(truth.gap_rest_mm)},
      {"gap_peak_mm", r4(truth.gap_peak_mm)},
      {"peak_frame", truth.peak_frame},
      {"per_frame", std::move(frames)}};
  if (truth.tear_present) {
    const FrameTruth& peak = truth.frames.at(std::size_t(truth.peak_frame));
    out["center_px"] = {r4(peak.tear.centre_col_px), r4(peak.tear.centre_row_px)};
    out["center_mm"] = {r4(peak.tear.centre_x_mm), r4(peak.tear.centre_z_mm)};
    if (realistic) {
      out["tear_kind"] = truth.tear_kind;
      out["haematoma_amplitude"] = r4(truth.haematoma_amplitude);
    }
  }
  if (truth.vessel_present) {
    out["vessel"] = {{"center_mm_at_rest", {r4(truth.vessel_centre_x_mm), r4(truth.vessel_centre_z_mm)}},
                     {"radius_mm", config.vessel.radius_mm}};
    if (realistic) {
      out["vessel"]["distension"] = r4(truth.vessel_distension);
      out["vessel"]["pulse_hz"] = r4(config.vessel.pulse_hz);
    }
  }
  if (realistic) {
    // Magnitudes at full contraction; per_frame has the signed values of each frame.
    out["motion"] = {{"aponeurosis_slide_mm", r4(config.motion.aponeurosis_slide_mm)},
                     {"muscle_translation_mm", r4(config.motion.muscle_translation_mm)},
                     {"rf_shortening", r4(config.motion.rf_shortening)},
                     {"rf_thickening", r4(config.motion.rf_thickening)},
                     {"decorrelation_deg_at_peak", r4(config.motion.decorrelation_deg_at_peak)},
                     {"rf_pennation_deg", r4(config.anatomy.rf_pennation_deg)}};
  }
  return out;
}

void write_truth_json(const ClipTruth& truth, const SimulationConfig& config, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw Error(ErrorCode::Io, "cannot write truth file " + path);
  out << truth_to_json(truth, config).dump(1) << '\n';
  if (!out) throw Error(ErrorCode::Io, "writing truth file " + path + " failed (disk full?)");
}

}  // namespace ft::sim
