#pragma once
// Exact ground truth of a simulated exam, as plain values (no simulator types), so
// that tests, benchmarks and truth JSON files all speak the same language.
#include <string>
#include <vector>

namespace ft::sim {

struct TearTruth {
  bool present = false;
  double gap_mm = 0.0;           // along the fibres, between the stumps, in this frame
  double retraction_mm = 0.0;    // of each stump, relative to rest: (gap - gap_rest) / 2
  double centre_x_mm = 0.0;      // from the image region's top-left
  double centre_z_mm = 0.0;
  double centre_col_px = 0.0;    // whole-frame pixel coordinates
  double centre_row_px = 0.0;
  double surface_angle_deg = 0.0;  // tear surface from the vertical, in this frame
};

struct FrameTruth {
  int index = 0;
  double time_ms = 0.0;
  double contraction = 0.0;      // 0 rest .. 1 full contraction
  double rf_fibre_angle_deg = 0.0;
  double rf_fibre_strain = 0.0;  // engineering strain along the fibres relative to rest
  double sliding_mm = 0.0;
  TearTruth tear;
};

struct ClipTruth {
  std::string preset;
  unsigned long long seed = 0;
  bool tear_present = false;
  int grade = 0;                 // 0 none, 1 < 5 %, 2 partial, 3 complete with retraction
  double extent_pct = 0.0;       // share of the muscle thickness torn
  double gap_rest_mm = 0.0;      // along the fibres with the muscle at rest
  double gap_peak_mm = 0.0;
  int peak_frame = 0;            // frame of strongest contraction
  bool vessel_present = false;
  double vessel_centre_x_mm = 0.0;
  double vessel_centre_z_mm = 0.0;
  std::vector<FrameTruth> frames;
};

}  // namespace ft::sim
