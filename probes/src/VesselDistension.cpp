#include "ft/probes/VesselDistension.h"

#include <cmath>

namespace ft::sim {
namespace {
constexpr double kPi = 3.14159265358979323846;
PointMm scaled(const PointMm& p, double factor) { return {p.x_mm * factor, p.z_mm * factor}; }
}  // namespace

VesselDistension::VesselDistension(const Vessel& vessel) : vessel_(vessel) {}

double VesselDistension::radius_mm(double time_s) const {
  if (!active()) return vessel_.radius_mm;
  return vessel_.radius_mm *
         (1.0 + vessel_.distension * std::sin(2.0 * kPi * vessel_.pulse_hz * time_s + vessel_.pulse_phase_rad));
}

PointMm VesselDistension::push(const PointMm& offset, double radius_mm) const {
  const double r0 = vessel_.radius_mm;
  const double r2 = offset.x_mm * offset.x_mm + offset.z_mm * offset.z_mm;
  if (r2 < r0 * r0) return scaled(offset, radius_mm / r0);  // blood: the lumen scales as a whole
  return scaled(offset, std::sqrt((r2 + radius_mm * radius_mm - r0 * r0) / r2));
}

PointMm VesselDistension::pull(const PointMm& offset, double radius_mm) const {
  const double r0 = vessel_.radius_mm;
  const double r2 = offset.x_mm * offset.x_mm + offset.z_mm * offset.z_mm;
  if (r2 < radius_mm * radius_mm) return scaled(offset, r0 / radius_mm);
  return scaled(offset, std::sqrt((r2 - radius_mm * radius_mm + r0 * r0) / r2));
}

bool VesselDistension::in_lumen(const PointMm& offset, double radius_mm) {
  return offset.x_mm * offset.x_mm + offset.z_mm * offset.z_mm < radius_mm * radius_mm;
}

}  // namespace ft::sim
