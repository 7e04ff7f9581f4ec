#include "ft/probes/ExamCondition.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "ft/core/Error.h"
#include "ft/core/Random.h"

namespace ft::sim {
namespace {

// The clip fractions [from, to] of the middle `frames` frames of the profile's longest
// steady stretch (a hold or a rest), or of the whole stretch when it is shorter: where a
// sonographer shifts the probe, never on top of the contraction's own fastest motion.
std::pair<double, double> steady_window(const SimulationConfig& c, int frames) {
  const auto& keys = c.motion.profile.keyframes;
  double best_from = 0.0, best_to = 1.0, longest = -1.0;
  for (std::size_t i = 1; i < keys.size(); ++i) {
    if (keys[i].second != keys[i - 1].second || keys[i].first - keys[i - 1].first <= longest) continue;
    longest = keys[i].first - keys[i - 1].first;
    best_from = keys[i - 1].first;
    best_to = keys[i].first;
  }
  const double duration = std::min({best_to - best_from, 1.0, double(frames) / std::max(1, c.frame_count - 1)});
  const double from = std::clamp(0.5 * (best_from + best_to - duration), 0.0, 1.0 - duration);
  return {from, from + duration};
}

}  // namespace

std::vector<ExamCondition> exam_conditions() {
  return {ExamCondition::CurvedFascia, ExamCondition::Bipennate, ExamCondition::SpeckleReduction,
          ExamCondition::ProbeMoved, ExamCondition::FocusedBeam, ExamCondition::WideBeam};
}

const char* to_string(ExamCondition condition) {
  switch (condition) {
    case ExamCondition::CurvedFascia: return "curved_fascia";
    case ExamCondition::Bipennate: return "bipennate";
    case ExamCondition::SpeckleReduction: return "speckle_reduction";
    case ExamCondition::ProbeMoved: return "probe_moved";
    case ExamCondition::FocusedBeam: return "focused_beam";
    case ExamCondition::WideBeam: return "wide_beam";
  }
  return "?";
}

ExamCondition exam_condition_from_string(const std::string& name) {
  std::string known;
  for (ExamCondition c : exam_conditions()) {
    if (name == to_string(c)) return c;
    known += (known.empty() ? "" : ", ") + std::string(to_string(c));
  }
  throw Error(ErrorCode::InvalidArgument, "unknown exam condition '" + name + "' (known: " + known + ")");
}

void apply_exam_condition(SimulationConfig& c, ExamCondition condition) {
  Random r = Random::stream(c.seed, 0xC0D1, std::uint64_t(condition));
  switch (condition) {
    case ExamCondition::CurvedFascia:
      c.anatomy.layer_sagitta_mm = r.uniform(1.5, 2.5);
      break;
    case ExamCondition::Bipennate: {
      c.anatomy.rf_bipennate = true;
      // The halves shear the central aponeurosis forward by half the slide while the deep
      // aponeurosis stays under the fascia: the belly moves back under the probe by about
      // a quarter of the slide, so that the muscle's middle stays in view.
      c.motion.muscle_translation_mm = -0.25 * c.motion.aponeurosis_slide_mm + r.uniform(-1.0, 1.0);
      // Rectus femoris still glides on vastus intermedius, now that its deep aponeurosis
      // stays under its fascia.
      c.motion.sliding_mm = r.uniform(3.0, 6.0);
      // A vessel runs inside one half, not along the central aponeurosis.
      const double centre_mm = 0.5 * (c.anatomy.fascia_mm + c.anatomy.aponeurosis_mm);
      if (std::abs(c.vessel.centre_z_mm - centre_mm) < 1.5 * c.vessel.radius_mm)
        c.vessel.centre_z_mm = centre_mm + 1.5 * c.vessel.radius_mm + r.uniform(0.3, 1.0);
      break;
    }
    case ExamCondition::SpeckleReduction:
      c.probe.speckle_reduction = r.uniform(0.5, 1.0);
      break;
    case ExamCondition::ProbeMoved: {
      // A slide along the skin, with the probe rocking a little in depth.
      c.motion.probe_move_x_mm = (r.uniform(0.0, 1.0) < 0.5 ? -1.0 : 1.0) * r.uniform(3.0, 5.0);
      c.motion.probe_move_z_mm = (r.uniform(0.0, 1.0) < 0.5 ? -1.0 : 1.0) * r.uniform(0.3, 0.6);
      std::tie(c.motion.probe_move_from, c.motion.probe_move_to) = steady_window(c, 10);
      break;
    }
    case ExamCondition::FocusedBeam: {
      // One fixed focus (ProbeModel): the lateral PSF doubles sqrt(3) half depths away from it.
      c.probe.focus_depth_mm = r.uniform(10.0, 20.0);
      c.probe.focal_half_depth_mm = r.uniform(10.0, 15.0) / std::sqrt(3.0);
      c.probe.residual_attenuation_db_per_mm = r.uniform(0.1, 0.3);
      break;
    }
    case ExamCondition::WideBeam:
      // Texture 3.7-5.6 times longer across than in depth (the default beam: 1.9-2.6), about as
      // the 32 recorded Telemed screens read (3.85-5.76; docs/benchmarks.md, "Real scanner
      // recordings IV"). At 7.5 MHz an array in focus reaches 0.3-1 mm: 1.45-1.95 mm is an
      // effective blur (a coarse array's scan lines interpolated onto finer pixels, video
      // smoothing), the same at every depth; the real elongation may partly be the anatomy's.
      c.probe.lateral_fwhm_mm = r.uniform(1.45, 1.95);
      break;
  }
}

}  // namespace ft::sim
