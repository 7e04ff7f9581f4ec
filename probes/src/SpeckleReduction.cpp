#include "SpeckleReduction.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace ft::sim {
namespace {

// One pass of a 1-D bilateral filter over a row or column of `values` (n samples,
// `stride` apart): neighbours weigh by distance and by how close their grey level is.
void bilateral_pass(std::vector<float>& values, int n, int count, int stride, int step, double sigma_px,
                    const std::array<float, 256>& range_weight) {
  const int radius = std::max(1, int(std::ceil(2.0 * sigma_px)));
  std::vector<float> spatial(std::size_t(2 * radius + 1));
  for (int d = -radius; d <= radius; ++d) spatial[std::size_t(d + radius)] = float(std::exp(-0.5 * d * d / (sigma_px * sigma_px)));
  std::vector<float> line(static_cast<std::size_t>(n));
  for (int l = 0; l < count; ++l) {
    float* base = values.data() + std::size_t(l) * std::size_t(stride);
    for (int i = 0; i < n; ++i) line[std::size_t(i)] = base[std::size_t(i) * std::size_t(step)];
    for (int i = 0; i < n; ++i) {
      const float centre = line[std::size_t(i)];
      double sum = 0.0, weight = 0.0;
      for (int d = std::max(-radius, -i); d <= std::min(radius, n - 1 - i); ++d) {
        const float v = line[std::size_t(i + d)];
        const double w = spatial[std::size_t(d + radius)] * range_weight[std::size_t(std::min(255.0f, std::abs(v - centre)))];
        sum += w * v;
        weight += w;
      }
      base[std::size_t(i) * std::size_t(step)] = float(sum / weight);
    }
  }
}

}  // namespace

void reduce_speckle(Frame& frame, const PixelRect& region, const ProbeModel& probe) {
  const double strength = std::clamp(probe.speckle_reduction, 0.0, 1.0);
  const PixelRect r = region.intersected({0, 0, frame.width_px() - 1, frame.height_px() - 1});
  if (strength <= 0.0 || r.empty()) return;
  const int w = r.width_px(), h = r.height_px();
  std::vector<float> values(std::size_t(w) * std::size_t(h));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) values[std::size_t(y) * w + x] = frame.value(r.x0_px + x, r.y0_px + y);
  // Edges (fascia, aponeurosis, a gap's border) differ by tens of grey levels; speckle
  // within one tissue by less, so a range of this width flattens speckle and keeps edges.
  const double range_sigma = 8.0 + 24.0 * strength;
  std::array<float, 256> range_weight{};
  for (int d = 0; d < 256; ++d) range_weight[std::size_t(d)] = float(std::exp(-0.5 * d * d / (range_sigma * range_sigma)));
  // About one speckle cell: the PSF's widths in pixels.
  const double sigma_x = std::max(0.5, strength * 0.6 * probe.lateral_fwhm_mm / probe.pixel_pitch_mm);
  const double sigma_z = std::max(0.5, strength * 0.6 * probe.axial_fwhm_mm / probe.pixel_pitch_mm);
  bilateral_pass(values, w, h, w, 1, sigma_x, range_weight);  // along each row
  bilateral_pass(values, h, w, 1, w, sigma_z, range_weight);  // along each column
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) frame.set_value(r.x0_px + x, r.y0_px + y, values[std::size_t(y) * w + x]);
}

}  // namespace ft::sim
