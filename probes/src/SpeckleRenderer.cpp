#include "ft/probes/SpeckleRenderer.h"

#include <algorithm>
#include <cmath>

namespace ft::sim {
namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kFwhmToSigma = 1.0 / 2.3548200450309493;
// Tissue of this relative amplitude shows as full white.
constexpr double kWhiteAmplitude = 5.0;
}  // namespace

SpeckleRenderer::SpeckleRenderer(const ProbeModel& probe, int width_px, int height_px)
    : probe_(probe),
      width_px_(width_px),
      height_px_(height_px),
      sigma_x_mm_(probe.lateral_fwhm_mm * kFwhmToSigma),
      sigma_z_mm_(probe.axial_fwhm_mm * kFwhmToSigma),
      field_(std::size_t(width_px) * std::size_t(height_px)) {
  const double wavelength_mm = probe.speed_of_sound_m_per_s / (probe.centre_frequency_mhz * 1e6) * 1e3;
  two_k0_per_mm_ = 2.0 * (2.0 * kPi / wavelength_mm);
  // E|s|^2 = density * E[a^2] * integral of g^2 = density * pi * sigma_x * sigma_z.
  unit_rms_ = std::sqrt(scatterer_density_per_mm2() * kPi * sigma_x_mm_ * sigma_z_mm_);
  // The beam is widest at the ends of the depth range (a Gaussian beam widens monotonically away
  // from its focus); scatterers a few mm outside the image still show in it.
  widest_sigma_x_mm_ = std::max(lateral_sigma_mm(-5.0), lateral_sigma_mm(probe.depth_mm + 5.0));
  half_x_px_ = int(std::ceil(3.0 * widest_sigma_x_mm_ / probe.pixel_pitch_mm));
  weights_x_.resize(std::size_t(2 * half_x_px_ + 1));
  half_z_px_ = int(std::ceil(3.0 * sigma_z_mm_ / probe.pixel_pitch_mm));
  weights_z_.resize(std::size_t(2 * half_z_px_ + 1));
}

double SpeckleRenderer::scatterer_density_per_mm2() const {
  // Resolution cell: the area inside the PSF's half-maximum ellipse.
  const double cell_mm2 = kPi / 4.0 * probe_.lateral_fwhm_mm * probe_.axial_fwhm_mm;
  return probe_.scatterers_per_cell / cell_mm2;
}

double SpeckleRenderer::margin_mm() const { return 3.0 * std::max(widest_sigma_x_mm_, sigma_z_mm_); }

double SpeckleRenderer::lateral_sigma_mm(double z_mm) const {
  if (probe_.focus_depth_mm <= 0) return sigma_x_mm_;
  const double u = (z_mm - probe_.focus_depth_mm) / probe_.focal_half_depth_mm;
  return sigma_x_mm_ * std::sqrt(1.0 + u * u);
}

// The echo's amplitude at depth z: what the TGC left of the attenuation, and the beam's own
// spread (a wider beam spreads the same energy: sqrt(focal width / width) keeps the speckle's
// mean brightness, so that depth alone darkens only through the attenuation).
double SpeckleRenderer::amplitude_at(double z_mm, double sigma_x_mm) const {
  // The presets' own beam (no focus, no attenuation left) pays nothing per scatterer.
  if (probe_.focus_depth_mm <= 0 && probe_.residual_attenuation_db_per_mm == 0) return 1.0;
  const double attenuation = std::pow(10.0, -probe_.residual_attenuation_db_per_mm * std::max(0.0, z_mm) / 20.0);
  return attenuation * std::sqrt(sigma_x_mm_ / sigma_x_mm);
}

void SpeckleRenderer::clear() { std::fill(field_.begin(), field_.end(), std::complex<float>(0.0f, 0.0f)); }

void SpeckleRenderer::add_scatterer(double x_mm, double z_mm, double amplitude) {
  const double pitch = probe_.pixel_pitch_mm;
  const int cx = int(std::lround(x_mm / pitch));
  const int cz = int(std::lround(z_mm / pitch));
  // 3 sigma of the beam at this depth: at most half_x_px_, the widest (weights_x_ holds that).
  const double sigma_x = lateral_sigma_mm(z_mm);
  const int half_x = std::min(half_x_px_, int(std::ceil(3.0 * sigma_x / pitch)));
  const int x_lo = std::max(0, cx - half_x), x_hi = std::min(width_px_ - 1, cx + half_x);
  const int z_lo = std::max(0, cz - half_z_px_), z_hi = std::min(height_px_ - 1, cz + half_z_px_);
  if (x_lo > x_hi || z_lo > z_hi) return;
  float* wx = weights_x_.data();
  float* wz = weights_z_.data();
  const int nx = x_hi - x_lo + 1, nz = z_hi - z_lo + 1;
  for (int i = 0; i < nx; ++i) {
    const double d = ((x_lo + i) * pitch - x_mm) / sigma_x;
    wx[i] = float(std::exp(-0.5 * d * d));
  }
  for (int j = 0; j < nz; ++j) {
    const double d = ((z_lo + j) * pitch - z_mm) / sigma_z_mm_;
    wz[j] = float(std::exp(-0.5 * d * d));
  }
  const double phase = -two_k0_per_mm_ * z_mm;
  const double a = amplitude * amplitude_at(z_mm, sigma_x);
  const std::complex<float> c(float(a * std::cos(phase)), float(a * std::sin(phase)));
  for (int j = 0; j < nz; ++j) {
    std::complex<float>* row = &field_[std::size_t(z_lo + j) * width_px_ + x_lo];
    const std::complex<float> cz_weight = c * wz[j];
    for (int i = 0; i < nx; ++i) row[i] += cz_weight * wx[i];
  }
}

void SpeckleRenderer::add_noise(Random& random) {
  const double sd = unit_rms_ * std::pow(10.0, probe_.noise_db / 20.0) / std::sqrt(2.0);
  for (auto& v : field_) v += std::complex<float>(float(sd * random.normal()), float(sd * random.normal()));
}

void SpeckleRenderer::write_bmode(Frame& out, int x0_px, int y0_px) const {
  const double white = unit_rms_ * kWhiteAmplitude;
  const double range_db = probe_.dynamic_range_db;
  for (int y = 0; y < height_px_; ++y) {
    for (int x = 0; x < width_px_; ++x) {
      const double envelope = std::abs(field_[std::size_t(y) * width_px_ + x]);
      const double db = 20.0 * std::log10(envelope / white + 1e-9);
      const double grey = 255.0 * (db + range_db) / range_db;
      out.set_value(x0_px + x, y0_px + y, float(std::clamp(grey, 0.0, 255.0)));
    }
  }
}

}  // namespace ft::sim
