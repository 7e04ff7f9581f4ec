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

TissueMotion::TissueMotion(const SimulationConfig& config) : config_(config) {}

double TissueMotion::contraction(int frame) const {
  const int n = std::max(1, config_.frame_count - 1);
  return config_.motion.profile.level_at(double(frame) / double(n));
}

MotionState TissueMotion::state(int frame) const {
  const MuscleMotion& m = config_.motion;
  MotionState s;
  s.contraction = contraction(frame);
  s.rf_stretch_x = 1.0 - m.rf_shortening * s.contraction;
  s.rf_stretch_z = 1.0 + m.thickening_share * (1.0 / s.rf_stretch_x - 1.0);
  s.vi_stretch_x = 1.0 - m.vi_shortening * s.contraction;
  s.sliding_mm = m.sliding_mm * s.contraction;
  s.retraction_mm = has_tear() ? config_.tear.retraction_mm * s.contraction : 0.0;
  // Probe jitter: a smooth sum of two sinusoids per axis with seed-fixed phases.
  const double t = double(frame) / std::max(1.0, config_.probe.frame_rate_hz);
  const double p = double(config_.seed % 997) * 0.37;
  s.jitter.x_mm = m.jitter_mm * (0.7 * std::sin(2 * kPi * 1.3 * t + p) + 0.3 * std::sin(2 * kPi * 3.1 * t + 2 * p));
  s.jitter.z_mm = m.jitter_mm * (0.6 * std::sin(2 * kPi * 0.9 * t + 3 * p) + 0.4 * std::sin(2 * kPi * 2.3 * t + p));
  s.jitter.x_mm += m.probe_drift_x_mm_per_frame * frame;
  s.jitter.z_mm += m.probe_drift_z_mm_per_frame * frame;
  return s;
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

PointMm TissueMotion::forward(const PointMm& rest, const MotionState& s) const {
  const ThighAnatomy& a = config_.anatomy;
  const double xc = 0.5 * config_.probe.width_mm;
  PointMm out = rest;
  switch (tissue_at_rest(rest.z_mm)) {
    case Tissue::Skin:
    case Tissue::Subcutis:
    case Tissue::Bone:
      break;  // held by the probe / by bone
    case Tissue::RectusFemoris: {
      double x = rest.x_mm;
      if (has_tear()) x += tear_displacement_x(rest.x_mm - tear_line_x_mm(rest.z_mm), rest.z_mm, s.retraction_mm);
      out.x_mm = xc + (x - xc) * s.rf_stretch_x;
      out.z_mm = a.fascia_mm + (rest.z_mm - a.fascia_mm) * s.rf_stretch_z;
      break;
    }
    case Tissue::VastusIntermedius: {
      const double apo = a.fascia_mm + (a.aponeurosis_mm - a.fascia_mm) * s.rf_stretch_z;
      out.x_mm = xc + (rest.x_mm - xc) * s.vi_stretch_x + s.sliding_mm;
      out.z_mm = apo + (rest.z_mm - a.aponeurosis_mm) * (a.femur_mm - apo) / (a.femur_mm - a.aponeurosis_mm);
      break;
    }
  }
  out.x_mm += s.jitter.x_mm;
  out.z_mm += s.jitter.z_mm;
  return out;
}

MaterialPoint TissueMotion::inverse(const PointMm& image, const MotionState& s) const {
  const ThighAnatomy& a = config_.anatomy;
  const double xc = 0.5 * config_.probe.width_mm;
  const double x = image.x_mm - s.jitter.x_mm;
  const double z = image.z_mm - s.jitter.z_mm;
  const double apo = a.fascia_mm + (a.aponeurosis_mm - a.fascia_mm) * s.rf_stretch_z;
  MaterialPoint m;
  m.rest = {x, z};
  if (z < a.fascia_mm || z >= a.femur_mm) {
    m.tissue = tissue_at_rest(z);
  } else if (z < apo) {
    m.tissue = Tissue::RectusFemoris;
    m.rest.z_mm = a.fascia_mm + (z - a.fascia_mm) / s.rf_stretch_z;
    const double x_torn = xc + (x - xc) / s.rf_stretch_x;
    m.rest.x_mm = has_tear() ? invert_tear(x_torn, m.rest.z_mm, s.retraction_mm) : x_torn;
    m.in_tear_gap = in_rest_gap(m.rest);
  } else {
    m.tissue = Tissue::VastusIntermedius;
    m.rest.z_mm = a.aponeurosis_mm + (z - apo) * (a.femur_mm - a.aponeurosis_mm) / (a.femur_mm - apo);
    m.rest.x_mm = xc + (x - xc - s.sliding_mm) / s.vi_stretch_x;
  }
  return m;
}

}  // namespace ft::sim
