#pragma once
// The exact motion of every material point of the simulated thigh, frame by frame.
// forward() maps a point of the tissue at rest to where it is seen in frame k;
// inverse() maps an image point of frame k back to the tissue at rest. Ground truth
// (displacement fields, tear masks, gaps) is derived from these two maps alone.
//
// forward() composes, in this order: the tear (rest coordinates, inside rectus
// femoris), the deformation of each layer (stretch, thickening, shear of rectus
// femoris, translation, sliding), the vessel's pulsation (in the image, so that no
// material is pushed across a sliding plane), the layers' curvature under the probe and
// the probe's own movement (jitter, drift, a mid-clip move). Each step is invertible on
// its own; inverse() undoes them in reverse.
#include <optional>
#include <utility>

#include "ft/probes/MyotendinousDetachment.h"
#include "ft/probes/PointMm.h"
#include "ft/probes/SimulationConfig.h"
#include "ft/probes/VesselDistension.h"

namespace ft::sim {

enum class Tissue : unsigned char { Skin, Subcutis, RectusFemoris, VastusIntermedius, Bone };

// What lies at an image point: the material point at rest, its tissue, and whether
// it is inside the tear gap (haematoma, no material of the muscle there) or the lumen
// of the vessel (blood; rest is then the matching point of the lumen at rest).
struct MaterialPoint {
  PointMm rest;
  Tissue tissue = Tissue::Skin;
  bool in_tear_gap = false;
  bool in_vessel_lumen = false;
};

// The state of the motion in one frame.
struct MotionState {
  double contraction = 0.0;      // 0 rest .. 1 full contraction
  double rf_stretch_x = 1.0;     // lateral stretch of rectus femoris (< 1 when shortened)
  double rf_stretch_z = 1.0;     // its thickening
  double vi_stretch_x = 1.0;
  double sliding_mm = 0.0;       // lateral slide of vastus intermedius
  double retraction_mm = 0.0;    // retraction of each stump (transverse: along x, at rest scale)
  double rf_shear_mm = 0.0;      // x of the deep aponeurosis relative to the superficial fascia
  double translation_mm = 0.0;   // both muscles under the probe (x)
  double femur_shift_mm = 0.0;   // the femur deeper than at rest
  double vessel_radius_mm = 0.0; // lumen radius of the pulsating vessel
  double decorrelation_rad = 0.0;  // speckle amplitude turned from a towards b
  PointMm jitter;                // probe movement (the image moves opposite to the probe)
};

// Deformation gradient of one layer (outside the tear): [[xx, xz], [0, zz]].
struct LayerGradient {
  double xx = 1.0;
  double xz = 0.0;
  double zz = 1.0;
};

class TissueMotion {
 public:
  explicit TissueMotion(const SimulationConfig& config);

  MotionState state(int frame) const;
  // The state of frame `frame` (its time: jitter, pulse) at any contraction level.
  MotionState state_at(double contraction, int frame) const;
  double contraction(int frame) const;

  PointMm forward(const PointMm& rest, const MotionState& s) const;
  MaterialPoint inverse(const PointMm& image, const MotionState& s) const;

  Tissue tissue_at_rest(double z_mm) const;
  bool has_tear() const noexcept { return config_.lesion == LesionKind::Tear; }
  // The torn depth band at rest, [top, bottom] in mm (transverse tears).
  std::pair<double, double> torn_band_mm() const;
  // x of the tear surface's centre line at a rest depth (transverse tears).
  double tear_line_x_mm(double z_mm) const;
  bool in_rest_gap(const PointMm& rest) const;

  const MyotendinousDetachment* detachment() const noexcept { return detachment_ ? &*detachment_ : nullptr; }
  const VesselDistension& vessel() const noexcept { return vessel_; }
  // Where a point of the torn configuration of rectus femoris is seen in frame s.
  PointMm rf_deform(const PointMm& torn, const MotionState& s) const;
  // Where a point of the flat, deformed layers is seen: curvature, then probe movement.
  PointMm to_image(const PointMm& flat, const MotionState& s) const;
  PointMm from_image(const PointMm& image, const MotionState& s) const;
  // The gradient of rectus femoris at normalised rest depth u (0 fascia .. 1 deep
  // aponeurosis): the same everywhere in a unipennate muscle, per half in a bipennate one.
  LayerGradient rf_gradient(const MotionState& s, double u = 1.0) const;
  double rf_rest_depth_share(double z_mm) const;
  // The x shear of rectus femoris at normalised rest depth u, as a share of rf_shear_mm.
  double rf_shear_share(double u) const;
  LayerGradient layer_gradient(Tissue tissue, const MotionState& s) const;
  double aponeurosis_depth_mm(const MotionState& s) const;
  double femur_depth_mm(const MotionState& s) const;

 private:
  double probe_moved_share(double clip_fraction) const;
  double rf_shear_slope(double u) const;
  double layer_bend_mm(double x_mm, double z_mm) const;
  double tear_weight(double z_mm) const;
  double tear_displacement_x(double s_mm, double z_mm, double retraction_mm) const;
  double invert_tear(double x_mm, double z_mm, double retraction_mm) const;
  PointMm tear_forward(const PointMm& rest, const MotionState& s) const;
  void tear_inverse(MaterialPoint& m, const MotionState& s) const;
  PointMm layer_forward(const PointMm& p, const MotionState& s) const;
  MaterialPoint layer_inverse(double x_mm, double z_mm, const MotionState& s) const;
  PointMm pulse_forward(const PointMm& p, const MotionState& s) const;
  // Undoes the pulse; true when p lies in the lumen (then `rest` is its rest point).
  bool pulse_inverse(PointMm& p, PointMm& rest, const MotionState& s) const;

  SimulationConfig config_;
  std::optional<MyotendinousDetachment> detachment_;
  VesselDistension vessel_;
};

}  // namespace ft::sim
