#pragma once
// The exact motion of every material point of the simulated thigh, frame by frame.
// forward() maps a point of the tissue at rest to where it is seen in frame k;
// inverse() maps an image point of frame k back to the tissue at rest. Ground truth
// (displacement fields, tear masks, gaps) is derived from these two maps alone.
#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

enum class Tissue : unsigned char { Skin, Subcutis, RectusFemoris, VastusIntermedius, Bone };

struct PointMm {
  double x_mm = 0.0;
  double z_mm = 0.0;
};

// What lies at an image point: the material point at rest, its tissue, and whether
// it is inside the tear gap (haematoma, no material of the muscle there).
struct MaterialPoint {
  PointMm rest;
  Tissue tissue = Tissue::Skin;
  bool in_tear_gap = false;
};

// The state of the motion in one frame.
struct MotionState {
  double contraction = 0.0;      // 0 rest .. 1 full contraction
  double rf_stretch_x = 1.0;     // lateral stretch of rectus femoris (< 1 when shortened)
  double rf_stretch_z = 1.0;     // its thickening
  double vi_stretch_x = 1.0;
  double sliding_mm = 0.0;       // lateral slide of vastus intermedius
  double retraction_mm = 0.0;    // retraction of each stump along x, at rest scale
  PointMm jitter;                // probe movement (the image moves opposite to the probe)
};

class TissueMotion {
 public:
  explicit TissueMotion(const SimulationConfig& config);

  MotionState state(int frame) const;
  double contraction(int frame) const;

  PointMm forward(const PointMm& rest, const MotionState& s) const;
  MaterialPoint inverse(const PointMm& image, const MotionState& s) const;

  Tissue tissue_at_rest(double z_mm) const;
  bool has_tear() const noexcept { return config_.lesion == LesionKind::Tear; }
  // The torn depth band at rest, [top, bottom] in mm.
  std::pair<double, double> torn_band_mm() const;
  // x of the tear surface's centre line at a rest depth.
  double tear_line_x_mm(double z_mm) const;
  bool in_rest_gap(const PointMm& rest) const;

 private:
  double tear_weight(double z_mm) const;
  double tear_displacement_x(double s_mm, double z_mm, double retraction_mm) const;
  double invert_tear(double x_mm, double z_mm, double retraction_mm) const;

  SimulationConfig config_;
};

}  // namespace ft::sim
