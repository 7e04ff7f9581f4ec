#include "ft/probes/SimulatedExam.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ft/core/BitmapFont.h"
#include "ft/core/Random.h"
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
}  // namespace

SimulatedExam::SimulatedExam(SimulationConfig config) : config_(std::move(config)) {
  config_.validate();
  motion_ = std::make_unique<TissueMotion>(config_);
  const SpeckleRenderer probe_renderer(config_.probe, 1, 1);
  density_per_mm2_ = probe_renderer.scatterer_density_per_mm2();
  const MuscleMotion& m = config_.motion;
  // Tissue enters the field of view from the sides as muscles shorten and slide.
  const double drift_x = std::abs(m.probe_drift_x_mm_per_frame) * config_.frame_count;
  const double drift_z = std::abs(m.probe_drift_z_mm_per_frame) * config_.frame_count;
  const double margin = probe_renderer.margin_mm() + 2.0 + std::abs(m.sliding_mm) + 3 * m.jitter_mm + drift_x +
                        0.5 * config_.probe.width_mm * std::max(m.rf_shortening, m.vi_shortening) +
                        config_.tear.retraction_mm;
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
    const auto band = motion_->torn_band_mm();
    const double half = 0.5 * config_.tear.gap_rest_mm + config_.tear.retraction_mm + 1.0 +
                        std::abs(std::tan(config_.tear.surface_tilt_deg * kPi / 180.0)) * (band.second - band.first);
    const PointMm top = motion_->forward({motion_->tear_line_x_mm(band.first), band.first}, s);
    const PointMm bottom = motion_->forward({motion_->tear_line_x_mm(band.second), band.second}, s);
    const Box box{std::min(top.x_mm, bottom.x_mm) - half, top.z_mm - 0.5, std::max(top.x_mm, bottom.x_mm) + half,
                  bottom.z_mm + 0.5};
    add_incoherent(renderer, random, box, density, ThighPhantom::kHaematomaAmplitude,
                   [&](double x, double z) { return motion_->inverse({x, z}, s).in_tear_gap; });
  }
  if (config_.vessel.present) {
    const Vessel& v = config_.vessel;
    const PointMm c = motion_->forward({v.centre_x_mm, v.centre_z_mm}, s);
    const double r = 1.4 * v.radius_mm + 0.5;
    add_incoherent(renderer, random, {c.x_mm - r, c.z_mm - r, c.x_mm + r, c.z_mm + r}, density,
                   ThighPhantom::kBloodAmplitude, [&](double x, double z) {
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
  for (const Scatterer& sc : phantom_->scatterers()) {
    const PointMm p = motion_->forward({sc.x_mm, sc.z_mm}, s);
    if (p.x_mm < -m || p.z_mm < -m || p.x_mm > x_hi || p.z_mm > z_hi) continue;
    renderer.add_scatterer(p.x_mm, p.z_mm, sc.amplitude);
  }
  add_incoherent_fillings(renderer, k);
  Random noise = Random::stream(config_.seed, kNoiseStream, std::uint64_t(k));
  renderer.add_noise(noise);

  Frame frame(config_.layout.frame_width_px, config_.layout.frame_height_px, PixelDepth::Bits8);
  renderer.write_bmode(frame, config_.layout.region_x0_px, config_.layout.region_y0_px);
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

FrameTruth SimulatedExam::frame_truth(int k) const {
  const MotionState s = motion_->state(k);
  const double pitch = config_.probe.pixel_pitch_mm;
  FrameTruth t;
  t.index = k;
  t.time_ms = double(k) * 1000.0 / config_.probe.frame_rate_hz;
  t.contraction = s.contraction;
  const double theta = config_.anatomy.rf_pennation_deg * kPi / 180.0;
  const double fx = s.rf_stretch_x * std::cos(theta), fz = s.rf_stretch_z * std::sin(theta);
  const double phi = std::atan2(fz, fx);
  t.rf_fibre_angle_deg = phi * 180.0 / kPi;
  t.rf_fibre_strain = std::hypot(fx, fz) - 1.0;
  t.sliding_mm = s.sliding_mm;
  if (!motion_->has_tear()) return t;

  const auto band = motion_->torn_band_mm();
  const double z_mid = 0.5 * (band.first + band.second);
  const PointMm c = motion_->forward({motion_->tear_line_x_mm(z_mid), z_mid}, s);
  const double tilt = std::tan(config_.tear.surface_tilt_deg * kPi / 180.0);
  const double b = s.rf_stretch_x * tilt / s.rf_stretch_z;  // tear surface: dx per dz, this frame
  const double gap_x = s.rf_stretch_x * (config_.tear.gap_rest_mm + 2.0 * s.retraction_mm);
  const double gap_rest = config_.tear.gap_rest_mm / (std::cos(theta) - tilt * std::sin(theta));
  t.tear.present = true;
  t.tear.gap_mm = gap_x / (std::cos(phi) - b * std::sin(phi));
  t.tear.retraction_mm = 0.5 * (t.tear.gap_mm - gap_rest);
  t.tear.centre_x_mm = c.x_mm;
  t.tear.centre_z_mm = c.z_mm;
  t.tear.centre_col_px = config_.layout.region_x0_px + c.x_mm / pitch;
  t.tear.centre_row_px = config_.layout.region_y0_px + c.z_mm / pitch;
  t.tear.surface_angle_deg = std::atan(b) * 180.0 / kPi;
  return t;
}

ClipTruth SimulatedExam::clip_truth() const {
  ClipTruth truth;
  truth.preset = config_.preset;
  truth.seed = config_.seed;
  truth.tear_present = motion_->has_tear();
  truth.vessel_present = config_.vessel.present;
  truth.vessel_centre_x_mm = config_.vessel.centre_x_mm;
  truth.vessel_centre_z_mm = config_.vessel.centre_z_mm;
  double peak = -1.0;
  for (int k = 0; k < frame_count(); ++k) {
    truth.frames.push_back(frame_truth(k));
    const FrameTruth& f = truth.frames.back();
    if (f.contraction > peak + 1e-12) {
      peak = f.contraction;
      truth.peak_frame = k;
    }
    truth.gap_peak_mm = std::max(truth.gap_peak_mm, f.tear.gap_mm);
  }
  if (truth.tear_present) {
    const double theta = config_.anatomy.rf_pennation_deg * kPi / 180.0;
    const double tilt = std::tan(config_.tear.surface_tilt_deg * kPi / 180.0);
    truth.gap_rest_mm = config_.tear.gap_rest_mm / (std::cos(theta) - tilt * std::sin(theta));
    truth.extent_pct = 100.0 * std::clamp(config_.tear.extent_fraction, 0.0, 1.0);
    const bool complete = truth.extent_pct >= 95.0 && config_.tear.retraction_mm > 0;
    truth.grade = complete ? 3 : (truth.extent_pct < 5.0 ? 1 : 2);
  }
  return truth;
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
