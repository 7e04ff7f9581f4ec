#include "ft/probes/SimulatedExam.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "ft/core/BitmapFont.h"
#include "ft/core/Random.h"
#include "SpeckleReduction.h"
#include "ft/probes/SpeckleRenderer.h"
#include "ft/probes/ThighPhantom.h"
#include "ft/probes/TissueMotion.h"

namespace ft::sim {
namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr std::uint64_t kNoiseStream = 0xA015E;
constexpr std::uint64_t kFillingStream = 0xF111;

struct Box {
  double x0, z0, x1, z1;
};

Box bounding_box(const std::vector<PointMm>& points, double margin_mm) {
  Box b{points.front().x_mm, points.front().z_mm, points.front().x_mm, points.front().z_mm};
  for (const PointMm& p : points) {
    b.x0 = std::min(b.x0, p.x_mm);
    b.z0 = std::min(b.z0, p.z_mm);
    b.x1 = std::max(b.x1, p.x_mm);
    b.z1 = std::max(b.z1, p.z_mm);
  }
  return {b.x0 - margin_mm, b.z0 - margin_mm, b.x1 + margin_mm, b.z1 + margin_mm};
}

// Adds incoherent scatterers (fresh in every frame) inside `box` where `inside` holds.
template <typename Inside>
void add_incoherent(SpeckleRenderer& renderer, Random& random, const Box& box, double density, double amplitude,
                    Inside inside) {
  const auto count = std::size_t(std::max(0.0, density * (box.x1 - box.x0) * (box.z1 - box.z0)));
  for (std::size_t i = 0; i < count; ++i) {
    const double x = random.uniform(box.x0, box.x1), z = random.uniform(box.z0, box.z1);
    const double a = random.normal();
    if (inside(x, z)) renderer.add_scatterer(x, z, amplitude * a);
  }
}

// The image of a quadrilateral of the torn configuration of rectus femoris (corners in
// order round it), boxed. Its edges are sampled: curved layers bend straight lines.
Box deformed_box(const TissueMotion& motion, const std::array<PointMm, 4>& torn, const MotionState& s) {
  std::vector<PointMm> outline;
  for (std::size_t i = 0; i < torn.size(); ++i) {
    const PointMm& a = torn[i];
    const PointMm& b = torn[(i + 1) % torn.size()];
    for (int k = 0; k < 8; ++k) {
      const double t = k / 8.0;
      const PointMm p{a.x_mm + t * (b.x_mm - a.x_mm), a.z_mm + t * (b.z_mm - a.z_mm)};
      outline.push_back(motion.to_image(motion.rf_deform(p, s), s));
    }
  }
  return bounding_box(outline, 0.5);
}

// Where the haematoma of the tear lies in frame s, generously.
Box tear_box(const SimulationConfig& config, const TissueMotion& motion, const MotionState& s) {
  if (const MyotendinousDetachment* d = motion.detachment()) return deformed_box(motion, d->gap_corners(s.retraction_mm), s);
  const auto band = motion.torn_band_mm();
  if (config.uses_realistic_model()) {
    // The gap between the retracted stumps, corner by corner: under the aponeurosis slide
    // its deep end moves far from its superficial end.
    const double half = 0.5 * config.tear.gap_rest_mm + s.retraction_mm;
    const double top = motion.tear_line_x_mm(band.first), bottom = motion.tear_line_x_mm(band.second);
    return deformed_box(motion,
                        {PointMm{top - half, band.first}, PointMm{top + half, band.first},
                         PointMm{bottom + half, band.second}, PointMm{bottom - half, band.second}},
                        s);
  }
  // (The gentle presets' box, kept as it was: their sample clips must not change.)
  const double half = 0.5 * config.tear.gap_rest_mm + config.tear.retraction_mm + 1.0 +
                      std::abs(std::tan(config.tear.surface_tilt_deg * kPi / 180.0)) * (band.second - band.first);
  const PointMm top = motion.forward({motion.tear_line_x_mm(band.first), band.first}, s);
  const PointMm bottom = motion.forward({motion.tear_line_x_mm(band.second), band.second}, s);
  return {std::min(top.x_mm, bottom.x_mm) - half, top.z_mm - 0.5, std::max(top.x_mm, bottom.x_mm) + half,
          bottom.z_mm + 0.5};
}

// Where the lumen lies in frame s. Under the realistic motion the muscle shears the
// round lumen into an ellipse: bound it by its outline.
Box vessel_box(const SimulationConfig& config, const TissueMotion& motion, const MotionState& s) {
  const Vessel& v = config.vessel;
  if (!config.uses_realistic_model()) {
    const PointMm c = motion.forward({v.centre_x_mm, v.centre_z_mm}, s);
    const double r = 1.4 * v.radius_mm + 0.5;
    return {c.x_mm - r, c.z_mm - r, c.x_mm + r, c.z_mm + r};
  }
  std::vector<PointMm> outline;
  for (int i = 0; i < 32; ++i) {
    const double a = 2.0 * kPi * i / 32.0;
    outline.push_back(motion.forward(
        {v.centre_x_mm + v.radius_mm * std::cos(a), v.centre_z_mm + v.radius_mm * std::sin(a)}, s));
  }
  return bounding_box(outline, 0.5);
}

}  // namespace

SimulatedExam::SimulatedExam(SimulationConfig config) : config_(std::move(config)) {
  config_.validate();
  motion_ = std::make_unique<TissueMotion>(config_);
  const SpeckleRenderer probe_renderer(config_.probe, 1, 1);
  density_per_mm2_ = probe_renderer.scatterer_density_per_mm2();
  const MuscleMotion& m = config_.motion;
  // Tissue enters the field of view from the sides as muscles shorten and slide.
  const double drift_x = std::abs(m.probe_drift_x_mm_per_frame) * config_.frame_count + std::abs(m.probe_move_x_mm);
  const double drift_z = std::abs(m.probe_drift_z_mm_per_frame) * config_.frame_count + std::abs(m.probe_move_z_mm) +
                         config_.anatomy.layer_sagitta_mm;
  const double margin = probe_renderer.margin_mm() + 2.0 + std::abs(m.sliding_mm) + 3 * m.jitter_mm + drift_x +
                        0.5 * config_.probe.width_mm * std::max(m.rf_shortening, m.vi_shortening) +
                        config_.tear.retraction_mm + std::abs(m.muscle_translation_mm) + m.aponeurosis_slide_mm;
  phantom_ = std::make_unique<ThighPhantom>(config_, *motion_, density_per_mm2_, -margin,
                                            config_.probe.width_mm + margin, -probe_renderer.margin_mm() - 0.5 - drift_z,
                                            config_.probe.depth_mm + probe_renderer.margin_mm() + 0.5 + drift_z);
}

SimulatedExam::~SimulatedExam() = default;

UltrasoundRegion SimulatedExam::region() const {
  UltrasoundRegion r;
  r.bounds = {config_.layout.region_x0_px, config_.layout.region_y0_px,
              config_.layout.region_x0_px + config_.region_width_px() - 1,
              config_.layout.region_y0_px + config_.region_height_px() - 1};
  r.spatial_format = RegionSpatialFormat::TwoD;
  r.data_type = 1;
  r.units_x = r.units_y = PhysicalUnits::Centimetre;
  r.mm_per_px_x = r.mm_per_px_y = config_.probe.pixel_pitch_mm;
  r.reference_x_px = 0;
  r.reference_y_px = 0;
  return r;
}

void SimulatedExam::add_incoherent_fillings(SpeckleRenderer& renderer, int k) const {
  const MotionState s = motion_->state(k);
  Random random = Random::stream(config_.seed, kFillingStream, std::uint64_t(k));
  const double density = density_per_mm2_ * ThighPhantom::kIncoherentDensityShare;
  if (motion_->has_tear()) {
    add_incoherent(renderer, random, tear_box(config_, *motion_, s), density, config_.tear.haematoma_amplitude,
                   [&](double x, double z) { return motion_->inverse({x, z}, s).in_tear_gap; });
  }
  if (config_.vessel.present) {
    add_incoherent(renderer, random, vessel_box(config_, *motion_, s), density, ThighPhantom::kBloodAmplitude,
                   [&](double x, double z) {
                     const MaterialPoint m = motion_->inverse({x, z}, s);
                     return phantom_->in_vessel_lumen(m.rest.x_mm, m.rest.z_mm);
                   });
  }
}

Frame SimulatedExam::render_frame(int k) const {
  const MotionState s = motion_->state(k);
  const int rw = config_.region_width_px(), rh = config_.region_height_px();
  SpeckleRenderer renderer(config_.probe, rw, rh);
  const double m = renderer.margin_mm();
  const double x_hi = config_.probe.width_mm + m, z_hi = config_.probe.depth_mm + m;
  // Out-of-plane change: the amplitude turns from a towards the independent b.
  const bool turned = s.decorrelation_rad != 0.0;
  const double cos_a = std::cos(s.decorrelation_rad), sin_a = std::sin(s.decorrelation_rad);
  for (const Scatterer& sc : phantom_->scatterers()) {
    const PointMm p = motion_->forward({sc.x_mm, sc.z_mm}, s);
    if (p.x_mm < -m || p.z_mm < -m || p.x_mm > x_hi || p.z_mm > z_hi) continue;
    renderer.add_scatterer(p.x_mm, p.z_mm, turned ? cos_a * sc.amplitude + sin_a * sc.amplitude_b : sc.amplitude);
  }
  add_incoherent_fillings(renderer, k);
  Random noise = Random::stream(config_.seed, kNoiseStream, std::uint64_t(k));
  renderer.add_noise(noise);

  Frame frame(config_.layout.frame_width_px, config_.layout.frame_height_px, PixelDepth::Bits8);
  renderer.write_bmode(frame, config_.layout.region_x0_px, config_.layout.region_y0_px);
  if (config_.probe.speckle_reduction > 0) reduce_speckle(frame, region().bounds, config_.probe);
  if (config_.layout.burn_in_text) burn_in_annotations(frame, k);
  frame.sequence_number = std::uint64_t(k);
  frame.acquisition_time_ns = std::int64_t(std::llround(double(k) * 1e9 / config_.probe.frame_rate_hz));
  return frame;
}

// What a scanner draws around the image: a title, probe and preset line, a depth
// scale with cm labels, and a frame counter that changes every frame.
void SimulatedExam::burn_in_annotations(Frame& frame, int k) const {
  const FrameLayout& l = config_.layout;
  const double pitch = config_.probe.pixel_pitch_mm;
  draw_text(frame, 4, 3, "FIBRETRACK SIM", 230.0f);
  char line[64];
  std::snprintf(line, sizeof line, "L%.1fMHZ MSK", config_.probe.centre_frequency_mhz);
  draw_text(frame, 4, 13, line, 200.0f);
  std::snprintf(line, sizeof line, "FR %03d", k);
  draw_text(frame, 4, l.frame_height_px - 10, line, 200.0f);
  const int x_scale = l.region_x0_px + config_.region_width_px() + 2;
  for (int mm = 0; mm <= int(config_.probe.depth_mm); mm += 5) {
    const int y = l.region_y0_px + int(std::lround(mm / pitch));
    const int length = mm % 10 == 0 ? 5 : 3;
    for (int i = 0; i < length && x_scale + i < l.frame_width_px; ++i) frame.set_value(x_scale + i, y, 220.0f);
    if (mm % 10 == 0 && mm > 0) draw_text(frame, x_scale + 7, y - 3, std::to_string(mm / 10), 220.0f);
  }
}

Clip SimulatedExam::render_clip() const {
  Clip clip;
  clip.frame_time_ms = 1000.0 / config_.probe.frame_rate_hz;
  clip.regions.push_back(region());
  clip.source.manufacturer = "FibreTrack";
  clip.source.model_name = "Simulated linear probe";
  clip.source.device_serial = "SIM-0001";
  clip.source.source_uri = "sim:" + config_.preset + "?seed=" + std::to_string(config_.seed);
  clip.source.description = "Simulated dynamic MSUS, anterior thigh";
  clip.source.laterality = "R";
  clip.frames.reserve(std::size_t(frame_count()));
  for (int k = 0; k < frame_count(); ++k) clip.frames.push_back(render_frame(k));
  return clip;
}

DisplacementField SimulatedExam::true_displacement(int from, int to) const {
  const int rw = config_.region_width_px(), rh = config_.region_height_px();
  const double pitch = config_.probe.pixel_pitch_mm;
  DisplacementField field(rw, rh, config_.layout.region_x0_px, config_.layout.region_y0_px, 1.0);
  const MotionState s_from = motion_->state(from), s_to = motion_->state(to);
  for (int j = 0; j < rh; ++j) {
    for (int i = 0; i < rw; ++i) {
      const PointMm p{i * pitch, j * pitch};
      const MaterialPoint m = motion_->inverse(p, s_from);
      const std::size_t idx = field.index(i, j);
      if (m.in_tear_gap || phantom_->in_vessel_lumen(m.rest.x_mm, m.rest.z_mm)) continue;
      const PointMm q = motion_->forward(m.rest, s_to);
      field.dx_px[idx] = float((q.x_mm - p.x_mm) / pitch);
      field.dy_px[idx] = float((q.z_mm - p.z_mm) / pitch);
      field.quality[idx] = 1.0f;
      field.valid[idx] = 1;
    }
  }
  return field;
}

std::vector<std::uint8_t> SimulatedExam::tear_mask(int k) const {
  const int rw = config_.region_width_px(), rh = config_.region_height_px();
  const double pitch = config_.probe.pixel_pitch_mm;
  std::vector<std::uint8_t> mask(std::size_t(rw) * rh, 0);
  if (!motion_->has_tear()) return mask;
  const MotionState s = motion_->state(k);
  for (int j = 0; j < rh; ++j)
    for (int i = 0; i < rw; ++i) mask[std::size_t(j) * rw + i] = motion_->inverse({i * pitch, j * pitch}, s).in_tear_gap;
  return mask;
}

std::vector<std::uint8_t> SimulatedExam::tissue_map(int k) const {
  const int rw = config_.region_width_px(), rh = config_.region_height_px();
  const double pitch = config_.probe.pixel_pitch_mm;
  std::vector<std::uint8_t> map(std::size_t(rw) * rh, 0);
  const MotionState s = motion_->state(k);
  for (int j = 0; j < rh; ++j)
    for (int i = 0; i < rw; ++i)
      map[std::size_t(j) * rw + i] = std::uint8_t(motion_->inverse({i * pitch, j * pitch}, s).tissue);
  return map;
}

}  // namespace ft::sim
