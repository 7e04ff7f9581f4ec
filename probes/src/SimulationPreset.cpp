#include "ft/probes/SimulationPreset.h"

#include "RealisticPresets.h"
#include "ft/core/Error.h"
#include "ft/probes/ExamCondition.h"
#include "ft/core/Random.h"

namespace ft::sim {
namespace {
std::vector<std::string> gentle_preset_names() {
  return {"intact", "full_tear", "partial_tear", "vessel", "sliding", "contracted_start", "still"};
}

// "real_tear+bipennate+probe_moved" -> {"real_tear", "bipennate", "probe_moved"}.
std::vector<std::string> name_parts(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t plus = name.find('+'); ; plus = name.find('+', start)) {
    parts.push_back(name.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  return parts;
}

SimulationConfig make_base_preset(const std::string& name, std::uint64_t seed, int frame_count);
}  // namespace

std::vector<std::string> preset_names() {
  std::vector<std::string> names = gentle_preset_names();
  for (const std::string& name : realistic_preset_names()) names.push_back(name);
  return names;
}

int recommended_frame_count(const std::string& name) {
  return is_realistic_preset(name_parts(name).front()) ? kRealisticFrameCount : 40;
}

SimulationConfig make_preset(const std::string& name, std::uint64_t seed, int frame_count) {
  if (frame_count <= 0) frame_count = recommended_frame_count(name);
  const std::vector<std::string> parts = name_parts(name);
  SimulationConfig c = make_base_preset(parts.front(), seed, frame_count);
  for (std::size_t i = 1; i < parts.size(); ++i) apply_exam_condition(c, exam_condition_from_string(parts[i]));
  c.preset = name;
  c.validate();
  return c;
}

namespace {
SimulationConfig make_base_preset(const std::string& name, std::uint64_t seed, int frame_count) {
  if (is_realistic_preset(name)) return make_realistic_preset(name, seed, frame_count);
  SimulationConfig c;
  c.preset = name;
  c.seed = seed;
  c.frame_count = frame_count;
  // Small seed-driven variation so that a seed is a different patient, not just new speckle.
  Random variation = Random::stream(seed, 0x5EED);
  c.anatomy.rf_pennation_deg += variation.uniform(-3.0, 3.0);
  c.anatomy.vi_pennation_deg += variation.uniform(-3.0, 3.0);
  c.tear.centre_x_mm += variation.uniform(-5.0, 5.0);

  if (name == "intact") {
  } else if (name == "full_tear") {
    c.lesion = LesionKind::Tear;
    c.tear.extent_fraction = 1.0;
  } else if (name == "partial_tear") {
    c.lesion = LesionKind::Tear;
    c.tear.extent_fraction = 0.45;
    c.tear.retraction_mm = 1.2;
  } else if (name == "vessel") {
    c.vessel.present = true;
    c.vessel.centre_x_mm += variation.uniform(-4.0, 4.0);
  } else if (name == "sliding") {
    c.motion.sliding_mm = 4.0;  // strong intermuscular sliding: normal, not a tear
    c.motion.vi_shortening = 0.08;
  } else if (name == "contracted_start") {
    // Already contracted when recording starts, relaxes, then contracts again; torn.
    c.lesion = LesionKind::Tear;
    c.motion.profile.keyframes = {{0.0, 0.9}, {0.3, 0.0}, {0.45, 0.0}, {0.75, 1.0}, {1.0, 1.0}};
  } else if (name == "still") {
    // Relaxed muscle, no contraction: a probe held (or moved with --probe-drift-mm) over rest.
    c.motion.profile.keyframes = {{0.0, 0.0}, {1.0, 0.0}};
  } else {
    std::string known;
    for (const std::string& n : preset_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error(ErrorCode::InvalidArgument, "unknown preset '" + name + "' (known: " + known + ")");
  }
  c.validate();
  return c;
}
}  // namespace

}  // namespace ft::sim
