#include "ft/probes/SimulationConfig.h"

#include <cmath>
#include <sstream>

#include "ft/core/Error.h"

namespace ft::sim {
namespace {
constexpr double kPi = 3.14159265358979323846;

// The parts of the realistic model that must stay invertible.
template <typename Fail>
void validate_realistic_model(const SimulationConfig& c, Fail fail) {
  const ThighAnatomy& a = c.anatomy;
  const MuscleMotion& m = c.motion;
  if (m.rf_thickening < 0 || m.rf_thickening > 1.0) fail("rf_thickening must be within 0..1");
  if (m.femur_descent_share < 0 || m.femur_descent_share > 1.0) fail("femur_descent_share must be within 0..1");
  if (m.aponeurosis_slide_mm < 0) fail("aponeurosis_slide_mm is a magnitude (its direction follows the pennation)");
  // The squeezed vastus intermedius must keep a positive thickness at full contraction.
  const double sx = 1.0 - m.rf_shortening;
  const double rf_growth = (a.aponeurosis_mm - a.fascia_mm) * (m.thickening_share * (1.0 / sx - 1.0) + m.rf_thickening);
  if ((1.0 - m.femur_descent_share) * rf_growth >= 0.8 * (a.femur_mm - a.aponeurosis_mm))
    fail("rectus femoris thickening would crush vastus intermedius");
  if (c.vessel.distension < 0 || c.vessel.distension >= 0.9) fail("vessel distension must be within 0..0.9");
  // (A positive sagitta keeps the bend invertible: the subcutis only thickens.)
  if (a.layer_sagitta_mm < 0 || a.layer_sagitta_mm > 5.0) fail("layer_sagitta_mm must be within 0..5");
  if (c.probe.speckle_reduction < 0 || c.probe.speckle_reduction > 1) fail("speckle_reduction must be within 0..1");
  if (c.probe.focus_depth_mm < 0 || c.probe.focal_half_depth_mm <= 0) fail("a beam focus needs a depth >= 0 and a positive focal half depth");
  if (c.probe.residual_attenuation_db_per_mm < 0 || c.probe.residual_attenuation_db_per_mm > 1)
    fail("residual_attenuation_db_per_mm must be within 0..1");
  if ((m.probe_move_x_mm != 0 || m.probe_move_z_mm != 0) && !(m.probe_move_from >= 0 && m.probe_move_from < m.probe_move_to && m.probe_move_to <= 1))
    fail("a probe move needs 0 <= probe_move_from < probe_move_to <= 1");
  if (a.rf_bipennate && c.vessel.present &&
      std::abs(c.vessel.centre_z_mm - 0.5 * (a.fascia_mm + a.aponeurosis_mm)) < 1.5 * c.vessel.radius_mm)
    fail("a vessel must lie within one half of a bipennate rectus femoris");
  if (a.rf_bipennate && c.lesion == LesionKind::Tear && c.tear.kind == TearKind::Myotendinous)
    fail("the myotendinous detachment is modelled on a unipennate rectus femoris only");
  if (c.lesion == LesionKind::Tear && c.tear.kind == TearKind::Myotendinous) {
    const Tear& t = c.tear;
    const double sin_p = std::abs(std::sin(a.rf_pennation_deg * kPi / 180.0));
    if (sin_p < std::sin(5.0 * kPi / 180.0)) fail("a myotendinous tear needs fibres pennate by at least 5 degrees");
    if (t.detached_taper_mm <= 0 || 2.0 * t.detached_taper_mm > t.detached_length_mm || t.gap_rest_mm <= 0)
      fail("myotendinous detachment needs a positive rest gap and tapers shorter than half its length");
    // Along each fibre l -> l + retraction(l) must stay increasing (see MyotendinousDetachment).
    const double fibre_mm = (a.aponeurosis_mm - a.aponeurosis_half_mm - a.fascia_mm - t.gap_rest_mm) / sin_p;
    if (fibre_mm <= 0 || t.retraction_mm * (1.0 / t.decay_mm + 1.0 / fibre_mm) >= 0.9)
      fail("myotendinous retraction too large for its decay length and the fibre length");
  }
}
}  // namespace

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

bool SimulationConfig::uses_realistic_model() const {
  const MuscleMotion& m = motion;
  return m.aponeurosis_slide_mm != 0 || m.rf_thickening != 0 || m.muscle_translation_mm != 0 ||
         m.femur_descent_share != 0 || m.decorrelation_deg_at_peak != 0 || vessel.distension != 0 ||
         tear.kind != TearKind::Transverse || tear.haematoma_amplitude != Tear{}.haematoma_amplitude ||
         anatomy.layer_sagitta_mm != 0 || anatomy.rf_bipennate || probe.speckle_reduction != 0 ||
         probe.focus_depth_mm != 0 || probe.residual_attenuation_db_per_mm != 0 || m.probe_move_x_mm != 0 || m.probe_move_z_mm != 0;
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
  validate_realistic_model(*this, fail);
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
