#include "SpeckleReduction.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace ft::sim {
namespace {

struct Grid {
  int w = 0, h = 0;
  std::vector<float> v;
  float at(int x, int y) const { return v[std::size_t(std::clamp(y, 0, h - 1)) * w + std::clamp(x, 0, w - 1)]; }
  float sample(double x, double y) const {  // bilinear, clamped at the border
    const int x0 = int(std::floor(x)), y0 = int(std::floor(y));
    const float fx = float(x - x0), fy = float(y - y0);
    return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
  }
};

// Running box mean of a w x h grid over (2r + 1)^2, clamped at the border.
std::vector<float> box_mean(const std::vector<float>& in, int w, int h, int r) {
  std::vector<float> tmp(in.size()), out(in.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double s = 0;
      for (int d = -r; d <= r; ++d) s += in[std::size_t(y) * w + std::clamp(x + d, 0, w - 1)];
      tmp[std::size_t(y) * w + x] = float(s / (2 * r + 1));
    }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double s = 0;
      for (int d = -r; d <= r; ++d) s += tmp[std::size_t(std::clamp(y + d, 0, h - 1)) * w + x];
      out[std::size_t(y) * w + x] = float(s / (2 * r + 1));
    }
  return out;
}

// The direction structures run at each pixel (radians): across the dominant grey-level
// gradient of the neighbourhood (the structure tensor over 2 window_px + 1 pixels, ~1 mm).
std::vector<float> structure_direction(const Grid& g, int window_px) {
  const std::size_t n = g.v.size();
  std::vector<float> jxx(n), jxy(n), jyy(n);
  for (int y = 0; y < g.h; ++y)
    for (int x = 0; x < g.w; ++x) {
      const float gx = 0.5f * (g.at(x + 1, y) - g.at(x - 1, y)), gy = 0.5f * (g.at(x, y + 1) - g.at(x, y - 1));
      const std::size_t i = std::size_t(y) * g.w + x;
      jxx[i] = gx * gx;
      jxy[i] = gx * gy;
      jyy[i] = gy * gy;
    }
  jxx = box_mean(jxx, g.w, g.h, window_px);
  jxy = box_mean(jxy, g.w, g.h, window_px);
  jyy = box_mean(jyy, g.w, g.h, window_px);
  std::vector<float> along(n);
  for (std::size_t i = 0; i < n; ++i)
    along[i] = float(0.5 * std::atan2(2.0 * jxy[i], double(jxx[i]) - jyy[i]) + 0.5 * M_PI);
  return along;
}

}  // namespace

void reduce_speckle(Frame& frame, const PixelRect& region, const ProbeModel& probe) {
  const double strength = std::clamp(probe.speckle_reduction, 0.0, 1.0);
  const PixelRect r = region.intersected({0, 0, frame.width_px() - 1, frame.height_px() - 1});
  if (strength <= 0.0 || r.empty()) return;
  Grid in{r.width_px(), r.height_px(), std::vector<float>(std::size_t(r.width_px()) * r.height_px())};
  for (int y = 0; y < in.h; ++y)
    for (int x = 0; x < in.w; ++x) in.v[std::size_t(y) * in.w + x] = frame.value(r.x0_px + x, r.y0_px + y);
  // Scanners' speckle reduction is adaptive: it smooths along the structures it finds
  // (fascicles, fascia) and not across them, so that the fibrillar pattern survives.
  const int window_px = std::max(2, int(std::lround(0.5 / probe.pixel_pitch_mm)));
  const std::vector<float> along = structure_direction(in, window_px);
  // Along a structure over about two speckle cells; grey levels that differ by more than
  // speckle does (an edge met obliquely) weigh little.
  const double sigma_px = std::max(0.5, strength * 1.2 * probe.lateral_fwhm_mm / probe.pixel_pitch_mm);
  const int reach = int(std::ceil(2.0 * sigma_px));
  const double range_sigma = 8.0 + 24.0 * strength;
  std::array<float, 256> range_weight{};
  for (int d = 0; d < 256; ++d) range_weight[std::size_t(d)] = float(std::exp(-0.5 * d * d / (range_sigma * range_sigma)));
  std::vector<float> spatial(std::size_t(2 * reach + 1));
  for (int t = -reach; t <= reach; ++t) spatial[std::size_t(t + reach)] = float(std::exp(-0.5 * t * t / (sigma_px * sigma_px)));
  for (int y = 0; y < in.h; ++y)
    for (int x = 0; x < in.w; ++x) {
      const std::size_t i = std::size_t(y) * in.w + x;
      const double dx = std::cos(along[i]), dy = std::sin(along[i]);
      const float centre = in.v[i];
      double sum = 0.0, weight = 0.0;
      for (int t = -reach; t <= reach; ++t) {
        const float v = in.sample(x + t * dx, y + t * dy);
        const double w = spatial[std::size_t(t + reach)] * range_weight[std::size_t(std::min(255.0f, std::abs(v - centre)))];
        sum += w * v;
        weight += w;
      }
      frame.set_value(r.x0_px + x, r.y0_px + y, float(sum / weight));
    }
}

}  // namespace ft::sim
