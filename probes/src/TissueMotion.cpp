#include "ft/probes/TissueMotion.h"

#include <algorithm>
#include <cmath>

namespace ft::sim {
namespace {
constexpr double kPi = 3.14159265358979323846;
double deg_to_rad(double deg) { return deg * kPi / 180.0; }
// Width over which a partial tear's retraction fades into intact fibres.
constexpr double kTearTaperMm = 0.8;
}  // namespace

TissueMotion::TissueMotion(const SimulationConfig& config) : config_(config), vessel_(config.vessel) {
  if (has_tear() && config_.tear.kind == TearKind::Myotendinous) detachment_.emplace(config_.anatomy, config_.tear);
}

double TissueMotion::contraction(int frame) const {
  const int n = std::max(1, config_.frame_count - 1);
  return config_.motion.profile.level_at(double(frame) / double(n));
}

MotionState TissueMotion::state(int frame) const { return state_at(contraction(frame), frame); }

MotionState TissueMotion::state_at(double contraction, int frame) const {
  const MuscleMotion& m = config_.motion;
  const ThighAnatomy& a = config_.anatomy;
  MotionState s;
  s.contraction = contraction;
  s.rf_stretch_x = 1.0 - m.rf_shortening * s.contraction;
  s.rf_stretch_z = 1.0 + m.thickening_share * (1.0 / s.rf_stretch_x - 1.0) + m.rf_thickening * s.contraction;
  s.vi_stretch_x = 1.0 - m.vi_shortening * s.contraction;
  s.sliding_mm = m.sliding_mm * s.contraction;
  s.retraction_mm = has_tear() ? config_.tear.retraction_mm * s.contraction : 0.0;
  // The deep end of each fibre moves back towards its superficial end: steeper fibres.
  const double steepen = a.rf_pennation_deg > 0 ? -1.0 : (a.rf_pennation_deg < 0 ? 1.0 : 0.0);
  s.rf_shear_mm = steepen * m.aponeurosis_slide_mm * s.contraction;
  s.translation_mm = m.muscle_translation_mm * s.contraction;
  s.femur_shift_mm = m.femur_descent_share * (a.aponeurosis_mm - a.fascia_mm) * (s.rf_stretch_z - 1.0);
  s.decorrelation_rad = deg_to_rad(m.decorrelation_deg_at_peak) * s.contraction;
  // Probe jitter: a smooth sum of two sinusoids per axis with seed-fixed phases.
  const double t = double(frame) / std::max(1.0, config_.probe.frame_rate_hz);
  s.vessel_radius_mm = vessel_.radius_mm(t);
  const double p = double(config_.seed % 997) * 0.37;
  s.jitter.x_mm = m.jitter_mm * (0.7 * std::sin(2 * kPi * 1.3 * t + p) + 0.3 * std::sin(2 * kPi * 3.1 * t + 2 * p));
  s.jitter.z_mm = m.jitter_mm * (0.6 * std::sin(2 * kPi * 0.9 * t + 3 * p) + 0.4 * std::sin(2 * kPi * 2.3 * t + p));
  s.jitter.x_mm += m.probe_drift_x_mm_per_frame * frame;
  s.jitter.z_mm += m.probe_drift_z_mm_per_frame * frame;
  const double moved = probe_moved_share(double(frame) / std::max(1, config_.frame_count - 1));
  s.jitter.x_mm += m.probe_move_x_mm * moved;
  s.jitter.z_mm += m.probe_move_z_mm * moved;
  return s;
}

// How much of the mid-clip probe move is done at a clip fraction: 0 before, eased, 1 after.
double TissueMotion::probe_moved_share(double clip_fraction) const {
  const MuscleMotion& m = config_.motion;
  if (m.probe_move_to <= m.probe_move_from) return 0.0;
  const double u = std::clamp((clip_fraction - m.probe_move_from) / (m.probe_move_to - m.probe_move_from), 0.0, 1.0);
  return 0.5 - 0.5 * std::cos(kPi * u);
}

// x shear of rectus femoris at normalised rest depth u, as a share of rf_shear_mm. A
// unipennate muscle shears evenly from fascia to deep aponeurosis; a bipennate one
// shears each half the opposite way, so that both halves' fibres steepen: the central
// aponeurosis slides against both, the deep aponeurosis not against the fascia.
double TissueMotion::rf_shear_share(double u) const {
  return config_.anatomy.rf_bipennate ? std::abs(u - 0.5) - 0.5 : u;
}

double TissueMotion::rf_shear_slope(double u) const {
  return config_.anatomy.rf_bipennate ? (u < 0.5 ? -1.0 : 1.0) : 1.0;
}

// Curved layers: how much deeper than flat a point of depth z lies at x (probe frame).
// Nothing at the skin, the full sagitta from the fascia down, eased through the subcutis.
double TissueMotion::layer_bend_mm(double x_mm, double z_mm) const {
  const ThighAnatomy& a = config_.anatomy;
  if (a.layer_sagitta_mm == 0.0 || z_mm <= a.skin_mm) return 0.0;
  const double half_width = 0.5 * config_.probe.width_mm;
  const double across = (x_mm - half_width) / half_width;
  const double u = std::min(1.0, (z_mm - a.skin_mm) / (a.fascia_mm - a.skin_mm));
  return a.layer_sagitta_mm * across * across * u * u * (3.0 - 2.0 * u);
}

PointMm TissueMotion::to_image(const PointMm& flat, const MotionState& s) const {
  return {flat.x_mm + s.jitter.x_mm, flat.z_mm + layer_bend_mm(flat.x_mm, flat.z_mm) + s.jitter.z_mm};
}

PointMm TissueMotion::from_image(const PointMm& image, const MotionState& s) const {
  const double x = image.x_mm - s.jitter.x_mm, z = image.z_mm - s.jitter.z_mm;
  const ThighAnatomy& a = config_.anatomy;
  if (a.layer_sagitta_mm == 0.0 || z <= a.skin_mm) return {x, z};
  const double full = layer_bend_mm(x, a.fascia_mm);
  if (z >= a.fascia_mm + full) return {x, z - full};
  // Inside the subcutis z + bend(z) increases strictly (the sagitta is >= 0): bisect.
  double lo = a.skin_mm, hi = a.fascia_mm;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid + layer_bend_mm(x, mid) < z) lo = mid; else hi = mid;
  }
  return {x, 0.5 * (lo + hi)};
}

Tissue TissueMotion::tissue_at_rest(double z_mm) const {
  const ThighAnatomy& a = config_.anatomy;
  if (z_mm < a.skin_mm) return Tissue::Skin;
  if (z_mm < a.fascia_mm) return Tissue::Subcutis;
  if (z_mm < a.aponeurosis_mm) return Tissue::RectusFemoris;
  if (z_mm < a.femur_mm) return Tissue::VastusIntermedius;
  return Tissue::Bone;
}

std::pair<double, double> TissueMotion::torn_band_mm() const {
  const ThighAnatomy& a = config_.anatomy;
  const double torn = (a.aponeurosis_mm - a.fascia_mm) * std::clamp(config_.tear.extent_fraction, 0.0, 1.0);
  if (config_.tear.from_deep_side) return {a.aponeurosis_mm - torn, a.aponeurosis_mm};
  return {a.fascia_mm, a.fascia_mm + torn};
}

double TissueMotion::tear_line_x_mm(double z_mm) const {
  const auto band = torn_band_mm();
  const double z_mid = 0.5 * (band.first + band.second);
  return config_.tear.centre_x_mm + (z_mm - z_mid) * std::tan(deg_to_rad(config_.tear.surface_tilt_deg));
}

// 1 inside the torn band, fading to 0 over kTearTaperMm outside it (partial tears).
double TissueMotion::tear_weight(double z_mm) const {
  const auto band = torn_band_mm();
  const double outside = std::max(band.first - z_mm, z_mm - band.second);
  if (outside <= 0) return 1.0;
  if (outside >= kTearTaperMm) return 0.0;
  const double u = outside / kTearTaperMm;
  return 0.5 * (1.0 + std::cos(kPi * u));
}

bool TissueMotion::in_rest_gap(const PointMm& rest) const {
  if (!has_tear() || tissue_at_rest(rest.z_mm) != Tissue::RectusFemoris) return false;
  if (detachment_) return detachment_->in_rest_gap(rest);
  const auto band = torn_band_mm();
  if (rest.z_mm < band.first || rest.z_mm > band.second) return false;
  return std::abs(rest.x_mm - tear_line_x_mm(rest.z_mm)) < 0.5 * config_.tear.gap_rest_mm;
}

// Displacement along x of rectus femoris material at signed distance s from the tear
// line: the stumps move apart by `retraction` each, fading with distance into the
// stump. Strictly increasing in s as long as retraction < decay, so it is invertible.
double TissueMotion::tear_displacement_x(double s_mm, double z_mm, double retraction_mm) const {
  const double w = tear_weight(z_mm);
  if (w <= 0.0 || retraction_mm == 0.0) return 0.0;
  const double half_gap = 0.5 * config_.tear.gap_rest_mm;
  const double a = std::abs(s_mm);
  const double ramp = half_gap > 0 ? std::min(1.0, a / half_gap) : 1.0;
  const double decay = std::exp(-std::max(0.0, a - half_gap) / config_.tear.decay_mm);
  return (s_mm < 0 ? -1.0 : 1.0) * retraction_mm * w * ramp * decay;
}

double TissueMotion::invert_tear(double x_mm, double z_mm, double retraction_mm) const {
  const double line = tear_line_x_mm(z_mm);
  const double y = x_mm - line;
  double lo = y - retraction_mm - 1.0;
  double hi = y + retraction_mm + 1.0;
  for (int i = 0; i < 60; ++i) {  // bisection: f(s) = s + D(s) is strictly increasing
    const double mid = 0.5 * (lo + hi);
    if (mid + tear_displacement_x(mid, z_mm, retraction_mm) < y) lo = mid; else hi = mid;
  }
  return line + 0.5 * (lo + hi);
}

// Rest -> torn configuration of rectus femoris (still in rest coordinates).
PointMm TissueMotion::tear_forward(const PointMm& rest, const MotionState& s) const {
  if (detachment_) return detachment_->forward(rest, s.retraction_mm);
  return {rest.x_mm + tear_displacement_x(rest.x_mm - tear_line_x_mm(rest.z_mm), rest.z_mm, s.retraction_mm),
          rest.z_mm};
}

// m.rest holds a point of the torn configuration; replaced by its rest point.
void TissueMotion::tear_inverse(MaterialPoint& m, const MotionState& s) const {
  if (detachment_) {
    const MyotendinousDetachment::Inverse back = detachment_->inverse(m.rest, s.retraction_mm);
    m.rest = back.rest;
    m.in_tear_gap = back.in_gap;
    return;
  }
  m.rest.x_mm = invert_tear(m.rest.x_mm, m.rest.z_mm, s.retraction_mm);
  m.in_tear_gap = in_rest_gap(m.rest);
}

LayerGradient TissueMotion::rf_gradient(const MotionState& s, double u) const {
  const ThighAnatomy& a = config_.anatomy;
  return {s.rf_stretch_x, s.rf_shear_mm * rf_shear_slope(u) / (a.aponeurosis_mm - a.fascia_mm), s.rf_stretch_z};
}

double TissueMotion::rf_rest_depth_share(double z_mm) const {
  const ThighAnatomy& a = config_.anatomy;
  return (z_mm - a.fascia_mm) / (a.aponeurosis_mm - a.fascia_mm);
}

LayerGradient TissueMotion::layer_gradient(Tissue tissue, const MotionState& s) const {
  const ThighAnatomy& a = config_.anatomy;
  if (tissue == Tissue::RectusFemoris) return rf_gradient(s, rf_rest_depth_share(config_.vessel.centre_z_mm));
  if (tissue != Tissue::VastusIntermedius) return {};
  const double apo = aponeurosis_depth_mm(s), femur = femur_depth_mm(s);
  return {s.vi_stretch_x, 0.0, (femur - apo) / (a.femur_mm - a.aponeurosis_mm)};
}

double TissueMotion::aponeurosis_depth_mm(const MotionState& s) const {
  const ThighAnatomy& a = config_.anatomy;
  return a.fascia_mm + (a.aponeurosis_mm - a.fascia_mm) * s.rf_stretch_z;
}

double TissueMotion::femur_depth_mm(const MotionState& s) const { return config_.anatomy.femur_mm + s.femur_shift_mm; }

PointMm TissueMotion::rf_deform(const PointMm& torn, const MotionState& s) const {
  const ThighAnatomy& a = config_.anatomy;
  const double xc = 0.5 * config_.probe.width_mm;
  const double u = rf_rest_depth_share(torn.z_mm);
  PointMm out;
  out.x_mm = xc + (torn.x_mm - xc) * s.rf_stretch_x + s.rf_shear_mm * rf_shear_share(u) + s.translation_mm;
  out.z_mm = a.fascia_mm + (torn.z_mm - a.fascia_mm) * s.rf_stretch_z;
  return out;
}

// The deformation of each layer, from the torn and pulsed configuration to the image.
PointMm TissueMotion::layer_forward(const PointMm& p, const MotionState& s) const {
  const ThighAnatomy& a = config_.anatomy;
  const double xc = 0.5 * config_.probe.width_mm;
  PointMm out = p;
  switch (tissue_at_rest(p.z_mm)) {
    case Tissue::Skin:
    case Tissue::Subcutis:
      break;  // held by the probe
    case Tissue::Bone:
      out.z_mm = p.z_mm + s.femur_shift_mm;
      break;
    case Tissue::RectusFemoris:
      out = rf_deform(p, s);
      break;
    case Tissue::VastusIntermedius: {
      const double apo = aponeurosis_depth_mm(s), femur = femur_depth_mm(s);
      out.x_mm = xc + (p.x_mm - xc) * s.vi_stretch_x + s.sliding_mm + s.translation_mm;
      out.z_mm = apo + (p.z_mm - a.aponeurosis_mm) * (femur - apo) / (a.femur_mm - a.aponeurosis_mm);
      break;
    }
  }
  return out;
}

MaterialPoint TissueMotion::layer_inverse(double x, double z, const MotionState& s) const {
  const ThighAnatomy& a = config_.anatomy;
  const double xc = 0.5 * config_.probe.width_mm;
  const double apo = aponeurosis_depth_mm(s), femur = femur_depth_mm(s);
  MaterialPoint m;
  m.rest = {x, z};
  if (z < a.fascia_mm) {
    m.tissue = tissue_at_rest(z);
  } else if (z >= femur) {
    m.tissue = Tissue::Bone;
    m.rest.z_mm = z - s.femur_shift_mm;
  } else if (z < apo) {
    m.tissue = Tissue::RectusFemoris;
    m.rest.z_mm = a.fascia_mm + (z - a.fascia_mm) / s.rf_stretch_z;
    const double u = rf_rest_depth_share(m.rest.z_mm);
    m.rest.x_mm = xc + (x - s.rf_shear_mm * rf_shear_share(u) - s.translation_mm - xc) / s.rf_stretch_x;
  } else {
    m.tissue = Tissue::VastusIntermedius;
    m.rest.z_mm = a.aponeurosis_mm + (z - apo) * (a.femur_mm - a.aponeurosis_mm) / (femur - apo);
    m.rest.x_mm = xc + (x - xc - s.sliding_mm - s.translation_mm) / s.vi_stretch_x;
  }
  return m;
}

// The pulse acts in the image, through the deformation of the vessel's own layer: in
// that layer it is the radial push of the rest lumen (the lumen deforms with the
// muscle); elsewhere it pushes continuously across the sliding planes, never moving
// material from one layer into another. Conjugation by a constant gradient keeps it
// area-preserving.
PointMm TissueMotion::pulse_forward(const PointMm& p, const MotionState& s) const {
  const PointMm centre_rest{config_.vessel.centre_x_mm, config_.vessel.centre_z_mm};
  const PointMm c = layer_forward(centre_rest, s);
  const LayerGradient g = layer_gradient(tissue_at_rest(centre_rest.z_mm), s);
  const double wz = (p.z_mm - c.z_mm) / g.zz;
  const PointMm w = vessel_.push({(p.x_mm - c.x_mm - g.xz * wz) / g.xx, wz}, s.vessel_radius_mm);
  return {c.x_mm + g.xx * w.x_mm + g.xz * w.z_mm, c.z_mm + g.zz * w.z_mm};
}

bool TissueMotion::pulse_inverse(PointMm& p, PointMm& rest, const MotionState& s) const {
  const PointMm centre_rest{config_.vessel.centre_x_mm, config_.vessel.centre_z_mm};
  const PointMm c = layer_forward(centre_rest, s);
  const LayerGradient g = layer_gradient(tissue_at_rest(centre_rest.z_mm), s);
  const double wz = (p.z_mm - c.z_mm) / g.zz;
  const PointMm offset{(p.x_mm - c.x_mm - g.xz * wz) / g.xx, wz};
  const PointMm w = vessel_.pull(offset, s.vessel_radius_mm);
  if (VesselDistension::in_lumen(offset, s.vessel_radius_mm)) {
    rest = {centre_rest.x_mm + w.x_mm, centre_rest.z_mm + w.z_mm};
    return true;
  }
  p = {c.x_mm + g.xx * w.x_mm + g.xz * w.z_mm, c.z_mm + g.zz * w.z_mm};
  return false;
}

PointMm TissueMotion::forward(const PointMm& rest, const MotionState& s) const {
  PointMm p = rest;
  if (has_tear() && tissue_at_rest(rest.z_mm) == Tissue::RectusFemoris) p = tear_forward(rest, s);
  PointMm out = layer_forward(p, s);
  if (vessel_.active()) out = pulse_forward(out, s);
  return to_image(out, s);
}

MaterialPoint TissueMotion::inverse(const PointMm& image, const MotionState& s) const {
  PointMm p = from_image(image, s);
  if (vessel_.active()) {
    MaterialPoint blood;
    if (pulse_inverse(p, blood.rest, s)) {
      blood.tissue = tissue_at_rest(blood.rest.z_mm);
      blood.in_vessel_lumen = true;
      return blood;
    }
  }
  MaterialPoint m = layer_inverse(p.x_mm, p.z_mm, s);
  if (has_tear() && m.tissue == Tissue::RectusFemoris) tear_inverse(m, s);
  return m;
}

}  // namespace ft::sim
