// The exact ground truth of a simulated exam, from the tissue motion's own maps.
#include <algorithm>
#include <cmath>

#include "ft/probes/SimulatedExam.h"
#include "ft/probes/TissueMotion.h"

namespace ft::sim {
namespace {
constexpr double kPi = 3.14159265358979323846;

const char* tear_kind_name(TearKind kind) { return kind == TearKind::Myotendinous ? "myotendinous" : "transverse"; }
}  // namespace

TearTruth SimulatedExam::tear_truth(const MotionState& s) const {
  const double pitch = config_.probe.pixel_pitch_mm;
  const double theta = config_.anatomy.rf_pennation_deg * kPi / 180.0;
  // The fibres in this frame, through the whole deformation gradient of rectus femoris.
  const LayerGradient g = motion_->rf_gradient(s);
  const double fx = g.xx * std::cos(theta) + g.xz * std::sin(theta), fz = g.zz * std::sin(theta);
  const double phi = std::atan2(fz, fx);
  TearTruth t;
  t.present = true;
  t.kind = tear_kind_name(config_.tear.kind);
  PointMm c;
  if (const MyotendinousDetachment* d = motion_->detachment()) {
    // The gap runs along the central detached fibre, from the aponeurosis to its end;
    // the fibre ends line up parallel to the aponeurosis.
    t.gap_mm = d->gap_along_fibre_mm(s.retraction_mm) * std::hypot(fx, fz);
    t.retraction_mm = t.gap_mm - d->rest_gap_along_fibre_mm();
    t.surface_angle_deg = 90.0;
    c = motion_->rf_deform(d->gap_centre(s.retraction_mm), s);
    c = {c.x_mm + s.jitter.x_mm, c.z_mm + s.jitter.z_mm};
  } else {
    const auto band = motion_->torn_band_mm();
    const double z_mid = 0.5 * (band.first + band.second);
    c = motion_->forward({motion_->tear_line_x_mm(z_mid), z_mid}, s);
    const double tilt = std::tan(config_.tear.surface_tilt_deg * kPi / 180.0);
    const double b = (g.xx * tilt + g.xz) / g.zz;  // tear surface: dx per dz, this frame
    const double gap_x = s.rf_stretch_x * (config_.tear.gap_rest_mm + 2.0 * s.retraction_mm);
    const double gap_rest = config_.tear.gap_rest_mm / (std::cos(theta) - tilt * std::sin(theta));
    t.gap_mm = gap_x / (std::cos(phi) - b * std::sin(phi));
    t.retraction_mm = 0.5 * (t.gap_mm - gap_rest);
    t.surface_angle_deg = std::atan(b) * 180.0 / kPi;
  }
  t.centre_x_mm = c.x_mm;
  t.centre_z_mm = c.z_mm;
  t.centre_col_px = config_.layout.region_x0_px + c.x_mm / pitch;
  t.centre_row_px = config_.layout.region_y0_px + c.z_mm / pitch;
  return t;
}

FrameTruth SimulatedExam::frame_truth(int k) const {
  const MotionState s = motion_->state(k);
  FrameTruth t;
  t.index = k;
  t.time_ms = double(k) * 1000.0 / config_.probe.frame_rate_hz;
  t.contraction = s.contraction;
  const double theta = config_.anatomy.rf_pennation_deg * kPi / 180.0;
  const LayerGradient g = motion_->rf_gradient(s);
  const double fx = g.xx * std::cos(theta) + g.xz * std::sin(theta), fz = g.zz * std::sin(theta);
  t.rf_fibre_angle_deg = std::atan2(fz, fx) * 180.0 / kPi;
  t.rf_fibre_strain = std::hypot(fx, fz) - 1.0;
  t.sliding_mm = s.sliding_mm;
  t.aponeurosis_slide_mm = s.rf_shear_mm;
  t.muscle_translation_mm = s.translation_mm;
  t.rf_vi_slide_mm = s.rf_shear_mm - s.sliding_mm;  // at the image centre the stretches add nothing
  t.rf_thickness_mm = motion_->aponeurosis_depth_mm(s) - config_.anatomy.fascia_mm;
  t.speckle_correlation = std::cos(s.decorrelation_rad);
  if (config_.vessel.present) {
    const PointMm c = motion_->forward({config_.vessel.centre_x_mm, config_.vessel.centre_z_mm}, s);
    t.vessel_radius_mm = s.vessel_radius_mm;
    t.vessel_centre_x_mm = c.x_mm;
    t.vessel_centre_z_mm = c.z_mm;
  }
  if (motion_->has_tear()) t.tear = tear_truth(s);
  return t;
}

ClipTruth SimulatedExam::clip_truth() const {
  ClipTruth truth;
  truth.preset = config_.preset;
  truth.seed = config_.seed;
  truth.tear_present = motion_->has_tear();
  truth.vessel_present = config_.vessel.present;
  truth.vessel_centre_x_mm = config_.vessel.centre_x_mm;
  truth.vessel_centre_z_mm = config_.vessel.centre_z_mm;
  truth.vessel_distension = config_.vessel.present ? config_.vessel.distension : 0.0;
  double peak = -1.0;
  for (int k = 0; k < frame_count(); ++k) {
    truth.frames.push_back(frame_truth(k));
    const FrameTruth& f = truth.frames.back();
    if (f.contraction > peak + 1e-12) {
      peak = f.contraction;
      truth.peak_frame = k;
    }
    truth.gap_peak_mm = std::max(truth.gap_peak_mm, f.tear.gap_mm);
  }
  if (!truth.tear_present) return truth;
  truth.tear_kind = tear_kind_name(config_.tear.kind);
  truth.haematoma_amplitude = config_.tear.haematoma_amplitude;
  if (const MyotendinousDetachment* d = motion_->detachment()) {
    // A partial tear by nature: the fibres lost their insertion over part of the aponeurosis.
    truth.gap_rest_mm = d->rest_gap_along_fibre_mm();
    truth.extent_pct = 100.0 * std::min(1.0, config_.tear.detached_length_mm / config_.probe.width_mm);
    truth.grade = 2;
    return truth;
  }
  const double theta = config_.anatomy.rf_pennation_deg * kPi / 180.0;
  const double tilt = std::tan(config_.tear.surface_tilt_deg * kPi / 180.0);
  truth.gap_rest_mm = config_.tear.gap_rest_mm / (std::cos(theta) - tilt * std::sin(theta));
  truth.extent_pct = 100.0 * std::clamp(config_.tear.extent_fraction, 0.0, 1.0);
  const bool complete = truth.extent_pct >= 95.0 && config_.tear.retraction_mm > 0;
  truth.grade = complete ? 3 : (truth.extent_pct < 5.0 ? 1 : 2);
  return truth;
}

}  // namespace ft::sim
