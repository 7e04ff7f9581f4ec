#include "ft/probes/ThighPhantom.h"

#include <cmath>

#include "ft/core/Random.h"

namespace ft::sim {
namespace {
constexpr double kPi = 3.14159265358979323846;
double hash_unit(std::uint64_t a, std::uint64_t b) { return double(mix64(a * 0x9E3779B97F4A7C15ull ^ mix64(b)) >> 11) * 0x1.0p-53; }
}  // namespace

ThighPhantom::ThighPhantom(const SimulationConfig& config, const TissueMotion& motion, double density_per_mm2,
                           double x_min_mm, double x_max_mm, double z_min_mm, double z_max_mm)
    : config_(config), motion_(motion) {
  Random random = Random::stream(config.seed, 0x5CA77E);
  // Its own stream, so that the positions and first amplitudes stay as they always were.
  Random second = Random::stream(config.seed, 0xB5CA77E);
  const double area = (x_max_mm - x_min_mm) * (z_max_mm - z_min_mm);
  const auto count = std::size_t(density_per_mm2 * area);
  scatterers_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double x = random.uniform(x_min_mm, x_max_mm);
    const double z = random.uniform(z_min_mm, z_max_mm);
    const double amplitude = random.normal();
    const double amplitude_b = second.normal();
    // The tear gap and the vessel lumen hold no coherent tissue: they are filled with
    // fresh incoherent scatterers in every frame instead.
    if (motion_.in_rest_gap({x, z}) || in_vessel_lumen(x, z)) continue;
    const double e = echogenicity(x, z);
    scatterers_.push_back({float(x), float(z), float(amplitude * e), float(amplitude_b * e)});
  }
}

bool ThighPhantom::in_vessel_lumen(double x_mm, double z_mm) const {
  const Vessel& v = config_.vessel;
  if (!v.present) return false;
  const double dx = x_mm - v.centre_x_mm, dz = z_mm - v.centre_z_mm;
  return dx * dx + dz * dz < v.radius_mm * v.radius_mm;
}

// 1 + bright interrupted streaks along `angle_deg` (fibres, septa); 0 elsewhere.
double ThighPhantom::streaks(double x_mm, double z_mm, double angle_deg, double spacing_mm, double width_mm,
                             double segment_mm, double fill, std::uint64_t salt) const {
  const double a = angle_deg * kPi / 180.0;
  const double across = -x_mm * std::sin(a) + z_mm * std::cos(a);
  const double along = x_mm * std::cos(a) + z_mm * std::sin(a);
  const auto line = std::int64_t(std::floor(across / spacing_mm));
  const double centre = (double(line) + 0.5 + 0.5 * (hash_unit(salt, std::uint64_t(line)) - 0.5)) * spacing_mm;
  if (std::abs(across - centre) > 0.5 * width_mm) return 0.0;
  const double shifted = along + hash_unit(salt + 1, std::uint64_t(line)) * segment_mm;
  const auto segment = std::int64_t(std::floor(shifted / segment_mm));
  return hash_unit(salt + 2, std::uint64_t(line) * 7919u + std::uint64_t(segment)) < fill ? 1.0 : 0.0;
}

double ThighPhantom::echogenicity(double x_mm, double z_mm) const {
  const ThighAnatomy& a = config_.anatomy;
  const std::uint64_t salt = config_.seed * 1315423911ull;
  if (std::abs(z_mm - a.fascia_mm) < 0.25) return 2.6;       // superficial fascia / epimysium
  if (std::abs(z_mm - a.aponeurosis_mm) < a.aponeurosis_half_mm) return 2.8;  // deep aponeurosis
  if (z_mm >= a.femur_mm && z_mm < a.femur_mm + 0.8) return 6.0;  // femoral cortex
  if (config_.vessel.present) {
    const Vessel& v = config_.vessel;
    const double r = std::hypot(x_mm - v.centre_x_mm, z_mm - v.centre_z_mm);
    if (r >= v.radius_mm && r < v.radius_mm + 0.3) return 1.8;  // vessel wall
  }
  switch (motion_.tissue_at_rest(z_mm)) {
    case Tissue::Skin:
      return 1.4;
    case Tissue::Subcutis:
      return 0.25 + 1.6 * streaks(x_mm, z_mm, 22.0, 2.4, 0.25, 6.0, 0.55, salt + 10);
    case Tissue::RectusFemoris: {
      // Bipennate: a bright central aponeurosis, the superficial half's fibres mirrored.
      const double centre_mm = 0.5 * (a.fascia_mm + a.aponeurosis_mm);
      if (a.rf_bipennate && std::abs(z_mm - centre_mm) < 0.3) return 2.4;
      const double angle = a.rf_bipennate && z_mm < centre_mm ? -a.rf_pennation_deg : a.rf_pennation_deg;
      return 0.45 + 1.5 * streaks(x_mm, z_mm, angle, a.fibre_spacing_mm, 0.16, 5.0, 0.7, salt + 20);
    }
    case Tissue::VastusIntermedius:
      return 0.42 + 1.4 * streaks(x_mm, z_mm, a.vi_pennation_deg, a.fibre_spacing_mm, 0.16, 5.0, 0.7, salt + 30);
    case Tissue::Bone:
      return 0.04 * std::exp(-(z_mm - a.femur_mm));  // acoustic shadow
  }
  return 0.0;
}

}  // namespace ft::sim
