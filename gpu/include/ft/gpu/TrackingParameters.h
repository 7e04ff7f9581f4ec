#pragma once
// How speckle is tracked. Sizes a sonographer would think in are given in mm and
// converted with the clip's calibration; the grid step is in px of the frame.
#include <string>

namespace ft::gpu {

enum class Backend { Auto, Cpu, Cuda };
const char* to_string(Backend backend) noexcept;
Backend backend_from_string(const std::string& name);  // "auto", "cpu", "cuda"; throws otherwise
// True when a CUDA device can be used by this build on this machine.
bool cuda_device_available() noexcept;

struct TrackingParameters {
  double kernel_mm = 1.8;          // side of the matching template
  double search_mm = 2.5;          // largest frame-to-frame motion to capture without a seed
                                   // (real muscle moves up to 1.8 mm between frames)
  int grid_step_px = 8;            // spacing of tracked points
  double min_quality = 0.35;       // ZNCC below this: not trusted
  double median_threshold = 3.0;   // normalised median test (Westerweel & Scarano 2005)
  double smoothing = 0.25;         // weight of the 3x3 neighbours in the light regularisation, 0 = off
  bool forward_backward = false;   // also track B->A and drop points that do not return
  double forward_backward_px = 0.5;
  // Across the image a point may return this many times further (>= 1): where the texture
  // stays alike far laterally (TextureLengths), a match is held less tightly along it, and a
  // recorded scanner screen's lateral spread of the backward match (1-2 px) is no mismatch.
  double forward_backward_lateral_scale = 1.0;
  int refine_iterations = 1;
  // Sub-pixel steps on the B-spline after them, at the full-resolution level (MatchSettings::spline_steps).
  int spline_refine_steps = 1;
  // Used when the clip has no mm calibration: sizes are then taken as px.
  double fallback_mm_per_px = 0.1;
};

// The parameters in pixels for one calibration.
struct TrackingGeometry {
  int kernel_half_px = 8;
  int coarse_half_px = 5;      // at every coarser level: two thirds of it, at least 4 (spans more tissue there)
  int levels = 3;              // pyramid levels, 1 = full resolution only
  int fine_radius_px = 1;      // integer search radius at full resolution
  int coarse_radius_px = 2;    // at every coarser level
  int capture_px = 0;          // largest motion found without a seed
};

TrackingGeometry make_geometry(const TrackingParameters& p, double mm_per_px, int region_width_px,
                               int region_height_px);

}  // namespace ft::gpu
