#pragma once
// The scatterers of the anterior thigh at rest: where they are and how strongly they
// echo. Skin, hypoechoic subcutaneous fat with septa, the bright superficial fascia,
// rectus femoris with pennate fibre streaks, the deep aponeurosis, vastus intermedius
// with fibres at its own angle, the femoral cortex and its acoustic shadow.
#include <cstdint>
#include <vector>

#include "ft/probes/SimulationConfig.h"
#include "ft/probes/TissueMotion.h"

namespace ft::sim {

struct Scatterer {
  float x_mm;
  float z_mm;
  float amplitude;    // signed: the sign is part of the random phase
  float amplitude_b;  // an independent second amplitude, same echogenicity: out-of-plane change
};

class ThighPhantom {
 public:
  // Fills the rest configuration over [x_min, x_max] x [z_min, z_max] mm.
  ThighPhantom(const SimulationConfig& config, const TissueMotion& motion, double density_per_mm2, double x_min_mm,
               double x_max_mm, double z_min_mm, double z_max_mm);

  const std::vector<Scatterer>& scatterers() const noexcept { return scatterers_; }

  // Mean echo amplitude of tissue at a rest position (before the random factor).
  double echogenicity(double x_mm, double z_mm) const;
  bool in_vessel_lumen(double x_mm, double z_mm) const;

  // Amplitudes of the incoherent fillings: haematoma in a tear gap, blood in a vessel.
  static constexpr double kHaematomaAmplitude = 0.12;
  static constexpr double kBloodAmplitude = 0.03;
  static constexpr double kIncoherentDensityShare = 0.35;

 private:
  double streaks(double x_mm, double z_mm, double angle_deg, double spacing_mm, double width_mm, double segment_mm,
                 double fill, std::uint64_t salt) const;

  const SimulationConfig& config_;
  const TissueMotion& motion_;
  std::vector<Scatterer> scatterers_;
};

}  // namespace ft::sim
