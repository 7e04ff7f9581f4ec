#pragma once
// A pulsating vessel: its radius follows the pulse and the tissue around it is pushed
// radially. Every ring around the centre keeps its area, r'^2 = r^2 + R'^2 - R^2, so
// the push is exactly area-preserving, decays as 1/r (u_r ~ dR R / r) and inverts in
// closed form. Works on offsets from the vessel's centre at rest scale; TissueMotion
// carries it into the image through the deformation of the vessel's own layer.
#include "ft/probes/PointMm.h"
#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

class VesselDistension {
 public:
  explicit VesselDistension(const Vessel& vessel);

  bool active() const noexcept { return vessel_.present && vessel_.distension != 0.0; }
  double radius_mm(double time_s) const;

  // Rest offset -> offset with the lumen at `radius_mm`; the rest lumen scales onto it.
  PointMm push(const PointMm& offset, double radius_mm) const;
  // The inverse; offsets inside the lumen scale back into the rest lumen.
  PointMm pull(const PointMm& offset, double radius_mm) const;
  static bool in_lumen(const PointMm& offset, double radius_mm);

 private:
  Vessel vessel_;
};

}  // namespace ft::sim
