#pragma once
// Simulated frames for benchmarks: square image regions of any size at 0.1 mm/px, the
// thigh's layers scaled to the depth so every size shows muscle speckle.
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::bench {

inline sim::SimulationConfig square_scene(const std::string& preset, int size_px, std::uint64_t seed, int frames) {
  sim::SimulationConfig c = sim::make_preset(preset, seed, frames);
  c.probe.pixel_pitch_mm = 0.1;
  c.probe.width_mm = c.probe.depth_mm = size_px * 0.1;
  const double scale = c.probe.depth_mm / 30.0;
  c.anatomy.skin_mm *= scale;
  c.anatomy.fascia_mm *= scale;
  c.anatomy.aponeurosis_mm *= scale;
  c.anatomy.femur_mm *= scale;
  c.tear.centre_x_mm = 0.5 * c.probe.width_mm;
  c.vessel.centre_x_mm *= scale;
  c.vessel.centre_z_mm *= scale;
  c.layout.frame_width_px = size_px + 64;
  c.layout.frame_height_px = size_px + 48;
  c.layout.region_x0_px = 40;
  c.layout.region_y0_px = 30;
  c.validate();
  return c;
}

// A scanner's screen: an image region of region_w x region_h px at 0.1 mm/px (the
// anatomy scaled to its depth) inside a frame with 64 x 48 px of border around it.
inline sim::SimulationConfig scanner_scene(const std::string& preset, int region_w_px, int region_h_px, std::uint64_t seed,
                                           int frames) {
  sim::SimulationConfig c = square_scene(preset, region_h_px, seed, frames);
  c.probe.width_mm = region_w_px * 0.1;
  c.tear.centre_x_mm = 0.5 * c.probe.width_mm;
  c.layout.frame_width_px = region_w_px + 64;
  c.layout.frame_height_px = region_h_px + 48;
  c.validate();
  return c;
}

}  // namespace ft::bench
