#pragma once
// What the detector reports: muscle-fibre discontinuities that open under contraction.
// FibreTrack is decision support: a finding is a suggestion for a clinician to confirm.
#include <string>
#include <vector>

namespace ft {

// Plain clinical grade of a finding (docs/detection.md says how it is derived):
// 0 no lesion; 1 minimal (< 5 % of the muscle thickness); 2 partial (5-90 %);
// 3 complete (>= 90 %) with retraction of the stumps.
enum class TearGrade { None = 0, Minimal = 1, Partial = 2, CompleteWithRetraction = 3 };
const char* describe(TearGrade grade) noexcept;

struct TearFinding {
  int frame = 0;                  // frame of peak evidence (clip frame index)
  double centre_col_px = 0.0;     // whole-frame pixel coordinates, in that frame
  double centre_row_px = 0.0;
  double centre_x_mm = 0.0;       // from the image region's top-left
  double centre_z_mm = 0.0;
  double surface_angle_deg = 0.0;  // tear surface from the vertical (image x right, y down)
  double fibre_angle_deg = 0.0;    // fibres from the horizontal
  double gap_rest_mm = 0.0;        // along the fibres, muscle at rest
  double gap_mm = 0.0;             // along the fibres, at peak evidence
  double retraction_mm = 0.0;      // mean of the two stumps: (gap - gap_rest) / 2
  double retraction_left_mm = 0.0;   // of the stump on the side the surface normal points away from
  double retraction_right_mm = 0.0;  // of the other stump (the two add up to the widening)
  double opening_mm = 0.0;         // extra separation of the stumps beyond the muscle's own strain
  double extent_pct = 0.0;         // share of the muscle thickness across which fibres are cut
  double muscle_thickness_mm = 0.0;
  TearGrade grade = TearGrade::None;
  double confidence = 0.0;         // 0..1
  std::vector<double> gap_by_frame_mm;  // gap-time curve over the clip
};

enum class ContractionPhase { Rest, Contraction, Hold, Relaxation };
const char* to_string(ContractionPhase phase) noexcept;

struct ContractionSummary {
  int rest_frame = 0;
  int peak_frame = 0;
  double peak_strain = 0.0;            // fibre strain at peak relative to rest (negative: shortening)
  std::vector<double> strain_by_frame;  // fibre strain of each frame relative to the rest frame
  std::vector<ContractionPhase> phases;
};

struct DetectionResult {
  bool tear_detected = false;
  std::vector<TearFinding> findings;
  ContractionSummary contraction;
  bool calibrated = true;              // false: mm values are estimates from the speckle size
  std::vector<std::string> notes;      // why nothing was found, what was assumed, warnings
};

}  // namespace ft
