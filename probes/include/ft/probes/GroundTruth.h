#pragma once
// Exact ground truth of a simulated exam, as plain values (no simulator types), so
// that tests, benchmarks and truth JSON files all speak the same language.
#include <string>
#include <vector>

namespace ft::sim {

struct TearTruth {
  bool present = false;
  std::string kind;              // "transverse" (oblique, echogenic alike) or "myotendinous"
  // Along the fibres, in this frame: between the stumps (transverse), from the deep
  // aponeurosis to the retracted fibre ends (myotendinous).
  double gap_mm = 0.0;
  // Relative to rest: of each stump, (gap - gap_rest) / 2 (transverse); of the fibre
  // ends, gap - gap_rest (myotendinous, one stump).
  double retraction_mm = 0.0;
  double centre_x_mm = 0.0;      // from the image region's top-left
  double centre_z_mm = 0.0;
  double centre_col_px = 0.0;    // whole-frame pixel coordinates
  double centre_row_px = 0.0;
  double surface_angle_deg = 0.0;  // tear surface from the vertical, in this frame (90: along the aponeurosis)
};

struct FrameTruth {
  int index = 0;
  double time_ms = 0.0;
  double contraction = 0.0;      // 0 rest .. 1 full contraction
  double rf_fibre_angle_deg = 0.0;
  double rf_fibre_strain = 0.0;  // engineering strain along the fibres relative to rest
  double sliding_mm = 0.0;
  // The realistic contraction (all 0 for the gentle presets), x in mm relative to rest:
  double aponeurosis_slide_mm = 0.0;   // deep aponeurosis against the superficial fascia (RF shear)
  double muscle_translation_mm = 0.0;  // both muscles under the probe
  double rf_vi_slide_mm = 0.0;         // RF's deep surface against VI's top, at the image centre
  double rf_thickness_mm = 0.0;
  double speckle_correlation = 1.0;    // of a scatterer's amplitude with rest (out-of-plane change)
  double vessel_radius_mm = 0.0;       // lumen radius, before the muscle's own deformation
  double vessel_centre_x_mm = 0.0;     // in this frame
  double vessel_centre_z_mm = 0.0;
  TearTruth tear;
};

struct ClipTruth {
  std::string preset;
  unsigned long long seed = 0;
  bool tear_present = false;
  std::string tear_kind;         // as TearTruth::kind; empty without a tear
  double haematoma_amplitude = 0.0;  // echo of the gap filling relative to muscle speckle scale
  int grade = 0;                 // 0 none, 1 < 5 %, 2 partial, 3 complete with retraction
  double extent_pct = 0.0;       // share of the muscle thickness torn (myotendinous: of the image width detached)
  double gap_rest_mm = 0.0;      // along the fibres with the muscle at rest
  double gap_peak_mm = 0.0;
  int peak_frame = 0;            // frame of strongest contraction
  bool vessel_present = false;
  double vessel_centre_x_mm = 0.0;
  double vessel_centre_z_mm = 0.0;
  double vessel_distension = 0.0;  // radius change, fraction of the rest radius
  std::vector<FrameTruth> frames;
};

}  // namespace ft::sim
