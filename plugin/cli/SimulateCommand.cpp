// fibretrack simulate: writes a simulated dynamic exam as a DICOM clip (+ ground truth).
#include <cstdio>
#include <sstream>

#include "CommandLine.h"
#include "Commands.h"
#include "ft/core/Error.h"
#include "ft/dicom/UidFactory.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"
#include "ft/probes/TruthJson.h"

namespace ft::cli {
namespace {

std::pair<int, int> parse_pair(const std::string& text, char separator, const std::string& flag) {
  std::istringstream in(text);
  int a = 0, b = 0;
  char sep = 0;
  if (!(in >> a >> sep >> b) || sep != separator)
    throw Error(ErrorCode::InvalidArgument, "--" + flag + " expects A" + separator + "B, got '" + text + "'");
  return {a, b};
}

// Simulated clips get name-derived UIDs and a fixed synthetic date, so that the same
// command always writes the same bytes (sample data regenerates bit-identically).
dicom::ClipWriteOptions simulated_exam_options(const sim::SimulationConfig& c) {
  std::ostringstream key;
  key << "fibretrack-sim/" << c.preset << "/" << c.seed << "/" << c.frame_count << "/" << c.probe.frame_rate_hz << "/"
      << c.layout.frame_width_px << "x" << c.layout.frame_height_px << "/" << c.layout.region_x0_px << ","
      << c.layout.region_y0_px << "/" << c.probe.pixel_pitch_mm << "/" << c.motion.probe_drift_x_mm_per_frame << ","
      << c.motion.probe_drift_z_mm_per_frame;
  dicom::ClipWriteOptions o;
  o.exam.patient_name = "SIMULATED^THIGH";
  o.exam.patient_id = "SIM-" + std::to_string(c.seed);
  o.exam.study_instance_uid = dicom::uid_from_name(key.str() + "/study");
  o.exam.study_id = "SIM";
  o.exam.study_description = "Simulated dynamic MSUS of rectus femoris";
  o.exam.study_date = "20260101";
  o.exam.study_time = "120000";
  o.series_instance_uid = dicom::uid_from_name(key.str() + "/series");
  o.sop_instance_uid = dicom::uid_from_name(key.str() + "/instance");
  o.acquisition_datetime = "20260101120000";
  return o;
}

}  // namespace

int run_simulate(const Args& args) {
  const CommandLine cl(args, {});
  cl.reject_unknown({"preset", "seed", "frames", "out", "truth", "fps", "frame-size", "region-origin", "pitch-mm",
                     "probe-drift-mm"});
  const auto out = cl.value("out");
  if (!out) throw Error(ErrorCode::InvalidArgument, "--out CLIP.dcm is required");
  // Without --frames, the count the preset's contraction is designed for (real_*: 60).
  const std::string preset = cl.value_or("preset", "intact");
  const long long frames = cl.integer_or("frames", sim::recommended_frame_count(preset));
  if (frames < 2 || frames > 10000) throw Error(ErrorCode::InvalidArgument, "--frames must be within 2..10000");
  sim::SimulationConfig config = sim::make_preset(preset, std::uint64_t(cl.integer_or("seed", 1)), int(frames));
  config.probe.frame_rate_hz = cl.number_or("fps", config.probe.frame_rate_hz);
  config.probe.pixel_pitch_mm = cl.number_or("pitch-mm", config.probe.pixel_pitch_mm);
  if (auto size = cl.value("frame-size")) {
    std::tie(config.layout.frame_width_px, config.layout.frame_height_px) = parse_pair(*size, 'x', "frame-size");
  }
  if (auto origin = cl.value("region-origin")) {
    std::tie(config.layout.region_x0_px, config.layout.region_y0_px) = parse_pair(*origin, ',', "region-origin");
  }
  if (auto drift = cl.value("probe-drift-mm")) {
    std::istringstream in(*drift);
    char comma = 0;
    if (!(in >> config.motion.probe_drift_x_mm_per_frame >> comma >> config.motion.probe_drift_z_mm_per_frame) || comma != ',')
      throw Error(ErrorCode::InvalidArgument, "--probe-drift-mm expects X,Z (mm per frame), got '" + *drift + "'");
  }
  config.validate();

  const sim::SimulatedExam exam(config);
  const Clip clip = exam.render_clip();
  dicom::write_ultrasound_clip(clip, simulated_exam_options(config), *out);
  if (auto truth = cl.value("truth")) sim::write_truth_json(exam.clip_truth(), config, *truth);
  std::printf("wrote %s: %s, seed %llu, %d frames %dx%d, region %dx%d at (%d,%d), %.3f mm/px\n", out->c_str(),
              config.preset.c_str(), static_cast<unsigned long long>(config.seed), config.frame_count,
              config.layout.frame_width_px, config.layout.frame_height_px, config.region_width_px(),
              config.region_height_px(), config.layout.region_x0_px, config.layout.region_y0_px,
              config.probe.pixel_pitch_mm);
  return 0;
}

}  // namespace ft::cli
