// The exact ground truth of a simulated exam, from the tissue motion's own maps.
#include <algorithm>
#include <cmath>

#include "ft/probes/SimulatedExam.h"
#include "ft/probes/TissueMotion.h"

namespace ft::sim {
namespace {
constexpr double kPi = 3.14159265358979323846;

const char* tear_kind_name(TearKind kind) { return kind == TearKind::Myotendinous ? "myotendinous" : "transverse"; }

// A 2 x 2 matrix acting on vectors in mm.
struct Jacobian {
  double xx, xz, zx, zz;
  PointMm operator*(const PointMm& v) const { return {xx * v.x_mm + xz * v.z_mm, zx * v.x_mm + zz * v.z_mm}; }
};

double length(const PointMm& v) { return std::hypot(v.x_mm, v.z_mm); }
double cross(const PointMm& a, const PointMm& b) { return a.x_mm * b.z_mm - a.z_mm * b.x_mm; }

// The image map of rectus femoris's torn configuration at a point (its deformation,
// the layers' curvature), by central differences: exact for the affine parts.
Jacobian torn_to_image_jacobian(const TissueMotion& motion, const PointMm& p, const MotionState& s) {
  const double h = 1e-4;
  auto image = [&](double dx, double dz) { return motion.to_image(motion.rf_deform({p.x_mm + dx, p.z_mm + dz}, s), s); };
  const PointMm xp = image(h, 0), xm = image(-h, 0), zp = image(0, h), zm = image(0, -h);
  return {(xp.x_mm - xm.x_mm) / (2 * h), (zp.x_mm - zm.x_mm) / (2 * h), (xp.z_mm - xm.z_mm) / (2 * h),
          (zp.z_mm - zm.z_mm) / (2 * h)};
}

// The unit fibre direction of rectus femoris at rest depth z (bipennate: per half).
PointMm fibre_at_rest(const ThighAnatomy& a, double z_mm) {
  const bool mirrored = a.rf_bipennate && z_mm < 0.5 * (a.fascia_mm + a.aponeurosis_mm);
  const double theta = (mirrored ? -1.0 : 1.0) * a.rf_pennation_deg * kPi / 180.0;
  return {std::cos(theta), std::sin(theta)};
}
}  // namespace

TearTruth SimulatedExam::tear_truth(const MotionState& s) const {
  const double pitch = config_.probe.pixel_pitch_mm;
  TearTruth t;
  t.present = true;
  t.kind = tear_kind_name(config_.tear.kind);
  PointMm c;
  if (const MyotendinousDetachment* d = motion_->detachment()) {
    // The gap runs along the central detached fibre, from the aponeurosis to its end;
    // the fibre ends line up parallel to the aponeurosis.
    const PointMm centre = d->gap_centre(s.retraction_mm);
    const Jacobian j = torn_to_image_jacobian(*motion_, centre, s);
    t.gap_mm = d->gap_along_fibre_mm(s.retraction_mm) * length(j * fibre_at_rest(config_.anatomy, centre.z_mm));
    t.retraction_mm = t.gap_mm - d->rest_gap_along_fibre_mm();
    t.surface_angle_deg = 90.0;
    c = motion_->to_image(motion_->rf_deform(centre, s), s);
  } else {
    const auto band = motion_->torn_band_mm();
    const double z_mid = 0.5 * (band.first + band.second);
    c = motion_->forward({motion_->tear_line_x_mm(z_mid), z_mid}, s);
    const TransverseGap gap = transverse_gap(s, config_.tear.gap_rest_mm + 2.0 * s.retraction_mm);
    t.gap_mm = gap.along_fibre_mm;
    t.retraction_mm = 0.5 * (t.gap_mm - transverse_gap(motion_->state_at(0.0, 0), config_.tear.gap_rest_mm).along_fibre_mm);
    t.surface_angle_deg = gap.surface_angle_deg;
  }
  t.centre_x_mm = c.x_mm;
  t.centre_z_mm = c.z_mm;
  t.centre_col_px = config_.layout.region_x0_px + c.x_mm / pitch;
  t.centre_row_px = config_.layout.region_y0_px + c.z_mm / pitch;
  return t;
}

// A transverse tear's gap in frame s, read along the fibres: the stumps' surfaces are
// parallel lines gap_x apart along x in the torn configuration; the image map carries
// the fibres, the surfaces and their offset. A bipennate muscle's halves are averaged.
SimulatedExam::TransverseGap SimulatedExam::transverse_gap(const MotionState& s, double gap_x_mm) const {
  const auto band = motion_->torn_band_mm();
  const double tilt = std::tan(config_.tear.surface_tilt_deg * kPi / 180.0);
  std::vector<double> depths{0.5 * (band.first + band.second)};
  if (config_.anatomy.rf_bipennate) depths = {0.75 * band.first + 0.25 * band.second, 0.25 * band.first + 0.75 * band.second};
  TransverseGap gap;
  for (double z : depths) {
    const PointMm at{motion_->tear_line_x_mm(z), z};
    const Jacobian j = torn_to_image_jacobian(*motion_, at, s);
    const PointMm fibre = j * fibre_at_rest(config_.anatomy, z), surface = j * PointMm{tilt, 1.0};
    const PointMm offset = j * PointMm{gap_x_mm, 0.0};
    const double f = length(fibre);
    // offset = a * fibre/|fibre| + b * surface: a is the gap along the fibre.
    gap.along_fibre_mm += cross(offset, surface) / (cross(fibre, surface) / f) / double(depths.size());
    gap.surface_angle_deg += std::atan(surface.x_mm / surface.z_mm) * 180.0 / kPi / double(depths.size());
  }
  return gap;
}

FrameTruth SimulatedExam::frame_truth(int k) const {
  const MotionState s = motion_->state(k);
  FrameTruth t;
  t.index = k;
  t.time_ms = double(k) * 1000.0 / config_.probe.frame_rate_hz;
  t.contraction = s.contraction;
  // (Of the deep half's fibres when the muscle is bipennate.)
  const double theta = config_.anatomy.rf_pennation_deg * kPi / 180.0;
  const LayerGradient g = motion_->rf_gradient(s);
  const double fx = g.xx * std::cos(theta) + g.xz * std::sin(theta), fz = g.zz * std::sin(theta);
  t.rf_fibre_angle_deg = std::atan2(fz, fx) * 180.0 / kPi;
  t.rf_fibre_strain = std::hypot(fx, fz) - 1.0;
  t.sliding_mm = s.sliding_mm;
  t.aponeurosis_slide_mm = s.rf_shear_mm * motion_->rf_shear_share(1.0);
  t.muscle_translation_mm = s.translation_mm;
  t.rf_vi_slide_mm = t.aponeurosis_slide_mm - s.sliding_mm;  // at the image centre the stretches add nothing
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
  truth.gap_rest_mm = transverse_gap(motion_->state_at(0.0, 0), config_.tear.gap_rest_mm).along_fibre_mm;
  truth.extent_pct = 100.0 * std::clamp(config_.tear.extent_fraction, 0.0, 1.0);
  const bool complete = truth.extent_pct >= 95.0 && config_.tear.retraction_mm > 0;
  truth.grade = complete ? 3 : (truth.extent_pct < 5.0 ? 1 : 2);
  return truth;
}

}  // namespace ft::sim
