#pragma once
// A myotendinous tear of rectus femoris: over a stretch of the deep aponeurosis the
// fibres have lost their insertion. Under contraction the fibre ends retract along
// the fibres, away from the aponeurosis, and the haematoma layer between them and the
// aponeurosis opens. Works in rest coordinates, before the muscle deforms.
//
// Each point is labelled by the fibre it lies on (s: where that fibre meets the
// aponeurosis) and its length along the fibre from there (l). Retraction moves points
// along their own fibre only, l -> l + shift(l), increasing in l: the map is
// invertible fibre by fibre with a one-dimensional bisection.
#include <array>

#include "ft/probes/PointMm.h"
#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

class MyotendinousDetachment {
 public:
  MyotendinousDetachment(const ThighAnatomy& anatomy, const Tear& tear);

  struct Inverse {
    PointMm rest;
    bool in_gap = false;
  };

  // Rest -> torn configuration for the fibre ends' retraction (mm along the fibres).
  PointMm forward(const PointMm& rest, double retraction_mm) const;
  Inverse inverse(const PointMm& torn, double retraction_mm) const;
  bool in_rest_gap(const PointMm& rest) const;

  // In the middle of the detachment, along its fibre: the gap from the aponeurosis to
  // the fibre ends (torn configuration) and the point halfway.
  double gap_along_fibre_mm(double retraction_mm) const { return rest_gap_along_fibre_mm() + retraction_mm; }
  double rest_gap_along_fibre_mm() const { return gap_rest_mm_ / sin_abs_; }
  PointMm gap_centre(double retraction_mm) const;
  // A parallelogram (torn configuration) that holds the whole gap.
  std::array<PointMm, 4> gap_corners(double retraction_mm) const;

 private:
  double weight(double s_mm) const;
  double shift_mm(double l_mm, double l0_mm, double retraction_mm) const;
  PointMm on_fibre(double s_mm, double l_mm) const;

  double z_ref_mm_;    // the fibres' insertion line: top of the deep aponeurosis
  double cot_;         // dx per dz along the fibres, reversed: x = s - h * cot
  double sin_abs_;
  double l_max_mm_;    // fibre length from the aponeurosis to the superficial fascia
  double centre_x_mm_;
  double half_length_mm_;
  double taper_mm_;
  double gap_rest_mm_;
  double decay_mm_;
};

}  // namespace ft::sim
