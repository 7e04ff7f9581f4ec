#pragma once
// Simulated scenes with exact ground truth for the tracking tests.
#include "ft/core/DisplacementField.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::test {

// A still thigh moved rigidly by (dx, dy) px per frame (probe sliding on the skin).
inline sim::SimulationConfig rigid_translation(double dx_px, double dy_px, std::uint64_t seed = 1, int frames = 2) {
  sim::SimulationConfig c = sim::make_preset("intact", seed, frames);
  c.motion.profile.keyframes = {{0.0, 0.0}, {1.0, 0.0}};
  c.motion.jitter_mm = 0.0;
  c.motion.probe_drift_x_mm_per_frame = dx_px * c.probe.pixel_pitch_mm;
  c.motion.probe_drift_z_mm_per_frame = dy_px * c.probe.pixel_pitch_mm;
  return c;
}

struct FieldError {
  double mean_epe_px = 0;  // mean end-point error
  double bias_x_px = 0;
  double bias_y_px = 0;
  double rmse_px = 0;
  double median_epe_px = 0;
  double share_within_half_px = 0;  // of compared points
  int points = 0;
};

// Compares a tracked grid field with the dense truth at the grid points, over points
// valid in both and (optionally) inside muscle only.
FieldError compare_fields(const DisplacementField& tracked, const DisplacementField& truth);

}  // namespace ft::test
