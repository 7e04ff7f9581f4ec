#include "ft/probes/MyotendinousDetachment.h"

#include <algorithm>
#include <cmath>

namespace ft::sim {
namespace {
constexpr double kPi = 3.14159265358979323846;
}  // namespace

MyotendinousDetachment::MyotendinousDetachment(const ThighAnatomy& anatomy, const Tear& tear)
    : z_ref_mm_(anatomy.aponeurosis_mm - anatomy.aponeurosis_half_mm),
      cot_(1.0 / std::tan(anatomy.rf_pennation_deg * kPi / 180.0)),
      sin_abs_(std::abs(std::sin(anatomy.rf_pennation_deg * kPi / 180.0))),
      l_max_mm_((z_ref_mm_ - anatomy.fascia_mm) / sin_abs_),
      centre_x_mm_(tear.centre_x_mm),
      half_length_mm_(0.5 * tear.detached_length_mm),
      taper_mm_(tear.detached_taper_mm),
      gap_rest_mm_(tear.gap_rest_mm),
      decay_mm_(tear.decay_mm) {}

// 1 along the detached stretch, falling smoothly to 0 over the taper at its ends.
double MyotendinousDetachment::weight(double s_mm) const {
  const double outside = std::abs(s_mm - centre_x_mm_) - (half_length_mm_ - taper_mm_);
  if (outside <= 0) return 1.0;
  if (outside >= taper_mm_) return 0.0;
  return 0.5 * (1.0 + std::cos(kPi * outside / taper_mm_));
}

// How far a point at l along its fibre moves up the fibre; l0 is where the fibre ends at
// rest. Inside the rest gap the shift grows linearly (the haematoma stretches); beyond
// it, it decays into the stump and fades to 0 at the superficial fascia so that the
// stump never leaves the muscle. Its slope stays above -0.9 (SimulationConfig::validate).
double MyotendinousDetachment::shift_mm(double l_mm, double l0_mm, double retraction_mm) const {
  if (l_mm <= 0 || retraction_mm == 0 || l0_mm <= 0) return 0.0;
  if (l_mm < l0_mm) return retraction_mm * l_mm / l0_mm;
  const double fade = std::clamp((l_max_mm_ - l_mm) / (l_max_mm_ - l0_mm), 0.0, 1.0);
  return retraction_mm * std::exp(-(l_mm - l0_mm) / decay_mm_) * fade;
}

PointMm MyotendinousDetachment::on_fibre(double s_mm, double l_mm) const {
  const double h = l_mm * sin_abs_;
  return {s_mm - h * cot_, z_ref_mm_ - h};
}

PointMm MyotendinousDetachment::forward(const PointMm& rest, double retraction_mm) const {
  const double h = z_ref_mm_ - rest.z_mm;
  if (h <= 0) return rest;  // the aponeurosis itself stays
  const double s = rest.x_mm + h * cot_;
  const double w = weight(s);
  if (w <= 0) return rest;
  const double l = h / sin_abs_;
  return on_fibre(s, l + shift_mm(l, gap_rest_mm_ * w / sin_abs_, retraction_mm * w));
}

MyotendinousDetachment::Inverse MyotendinousDetachment::inverse(const PointMm& torn, double retraction_mm) const {
  const double h = z_ref_mm_ - torn.z_mm;
  if (h <= 0) return {torn, false};
  const double s = torn.x_mm + h * cot_;
  const double w = weight(s);
  if (w <= 0) return {torn, false};
  const double l_torn = h / sin_abs_;
  const double l0 = gap_rest_mm_ * w / sin_abs_, r = retraction_mm * w;
  if (l_torn < l0 + r) return {on_fibre(s, l_torn * l0 / (l0 + r)), true};  // the haematoma stretches
  double lo = l0, hi = l_torn;
  for (int i = 0; i < 64 && hi - lo > 1e-12; ++i) {  // l + shift(l) increases strictly
    const double mid = 0.5 * (lo + hi);
    if (mid + shift_mm(mid, l0, r) < l_torn) lo = mid; else hi = mid;
  }
  return {on_fibre(s, 0.5 * (lo + hi)), false};
}

bool MyotendinousDetachment::in_rest_gap(const PointMm& rest) const {
  const double h = z_ref_mm_ - rest.z_mm;
  if (h <= 0) return false;
  const double w = weight(rest.x_mm + h * cot_);
  return w > 0 && h < gap_rest_mm_ * w;
}

PointMm MyotendinousDetachment::gap_centre(double retraction_mm) const {
  return on_fibre(centre_x_mm_, 0.5 * gap_along_fibre_mm(retraction_mm));
}

std::array<PointMm, 4> MyotendinousDetachment::gap_corners(double retraction_mm) const {
  const double l = gap_along_fibre_mm(retraction_mm);
  const double s0 = centre_x_mm_ - half_length_mm_, s1 = centre_x_mm_ + half_length_mm_;
  return {on_fibre(s0, 0.0), on_fibre(s1, 0.0), on_fibre(s1, l), on_fibre(s0, l)};
}

}  // namespace ft::sim
