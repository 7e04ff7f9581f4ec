#include "ft/probes/SimulationConfig.h"

#include <cmath>
#include <sstream>

#include "ft/core/Error.h"

namespace ft::sim {

double ContractionProfile::level_at(double clip_fraction) const {
  if (keyframes.empty()) return 0.0;
  if (clip_fraction <= keyframes.front().first) return keyframes.front().second;
  for (std::size_t i = 1; i < keyframes.size(); ++i) {
    const auto& [t0, v0] = keyframes[i - 1];
    const auto& [t1, v1] = keyframes[i];
    if (clip_fraction <= t1) {
      const double u = t1 > t0 ? (clip_fraction - t0) / (t1 - t0) : 1.0;
      // Cosine easing: muscles ramp up and down smoothly, not linearly.
      const double eased = 0.5 - 0.5 * std::cos(3.14159265358979323846 * u);
      return v0 + (v1 - v0) * eased;
    }
  }
  return keyframes.back().second;
}

int SimulationConfig::region_width_px() const { return int(std::lround(probe.width_mm / probe.pixel_pitch_mm)); }
int SimulationConfig::region_height_px() const { return int(std::lround(probe.depth_mm / probe.pixel_pitch_mm)); }

void SimulationConfig::validate() const {
  auto fail = [](const std::string& what) { throw Error(ErrorCode::InvalidArgument, "simulation: " + what); };
  if (frame_count < 2) fail("need at least 2 frames");
  if (probe.pixel_pitch_mm <= 0 || probe.width_mm <= 0 || probe.depth_mm <= 0) fail("field of view must be positive");
  if (probe.lateral_fwhm_mm <= 0 || probe.axial_fwhm_mm <= 0) fail("PSF widths must be positive");
  if (probe.frame_rate_hz <= 0) fail("frame rate must be positive");
  if (probe.scatterers_per_cell < 10) fail("fewer than 10 scatterers per resolution cell do not make speckle");
  const ThighAnatomy& a = anatomy;
  if (!(a.skin_mm < a.fascia_mm && a.fascia_mm < a.aponeurosis_mm && a.aponeurosis_mm < a.femur_mm))
    fail("layers must be ordered skin < fascia < aponeurosis < femur");
  if (lesion == LesionKind::Tear && tear.retraction_mm >= 0.8 * tear.decay_mm)
    fail("tear retraction must stay below 0.8 x its decay length");
  if (motion.rf_shortening < 0 || motion.rf_shortening > 0.4) fail("rf_shortening must be within 0..0.4");
  const int rw = region_width_px(), rh = region_height_px();
  if (layout.region_x0_px < 0 || layout.region_y0_px < 0 || layout.region_x0_px + rw > layout.frame_width_px ||
      layout.region_y0_px + rh > layout.frame_height_px) {
    std::ostringstream s;
    s << "image region " << rw << "x" << rh << " at (" << layout.region_x0_px << "," << layout.region_y0_px
      << ") does not fit the " << layout.frame_width_px << "x" << layout.frame_height_px << " frame";
    fail(s.str());
  }
}

}  // namespace ft::sim
