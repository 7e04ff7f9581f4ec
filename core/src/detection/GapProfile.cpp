#include "ft/core/GapProfile.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ft {
namespace {

// B-mode grey levels are log-compressed echo amplitudes, but edges blur (through the
// beam's point spread) in amplitude. The half-way point of a blurred edge is therefore
// found in amplitude, assuming the usual display dynamic range of about 60 dB over the
// 8-bit grey scale; halving in grey levels would place it inside the dark band.
constexpr double kAssumedDynamicRangeDb = 60.0;
double grey_to_amplitude(double grey) { return std::pow(10.0, grey * kAssumedDynamicRangeDb / (20.0 * 255.0)); }
double amplitude_to_grey(double amplitude) { return std::log10(amplitude) * 20.0 * 255.0 / kAssumedDynamicRangeDb; }
double edge_threshold(double level, double dip) {
  return amplitude_to_grey(0.5 * (grey_to_amplitude(level) + grey_to_amplitude(dip)));
}

double bilinear(const Frame& f, const PixelRect& r, double x, double y, bool& inside) {
  if (x < r.x0_px || y < r.y0_px || x > r.x1_px - 1 || y > r.y1_px - 1) {
    inside = false;
    return 0.0;
  }
  const int x0 = int(x), y0 = int(y);
  const double fx = x - x0, fy = y - y0;
  return (1 - fy) * ((1 - fx) * f.value(x0, y0) + fx * f.value(x0 + 1, y0)) +
         fy * ((1 - fx) * f.value(x0, y0 + 1) + fx * f.value(x0 + 1, y0 + 1));
}

}  // namespace

BandWidth dark_band_width(const Frame& frame, const PixelRect& region, double cx, double cy, double normal_angle_deg,
                          double half_length_mm, double mm_per_px) {
  BandWidth out;
  const double a = normal_angle_deg * M_PI / 180.0;
  const double nx = std::cos(a), ny = std::sin(a), sx = -ny, sy = nx;
  const double reach_px = 7.0 / mm_per_px, half_px = std::max(1.0, half_length_mm / mm_per_px);
  const double step = 0.5;
  std::vector<double> t_values, profile;
  for (double t = -reach_px; t <= reach_px; t += step) {
    double sum = 0;
    int n = 0;
    for (double s = -half_px; s <= half_px; s += 1.0) {
      bool inside = true;
      const double v = bilinear(frame, region, cx + t * nx + s * sx, cy + t * ny + s * sy, inside);
      if (inside) {
        sum += v;
        ++n;
      }
    }
    if (n == 0) continue;
    t_values.push_back(t);
    profile.push_back(sum / n);
  }
  if (profile.size() < 10) return out;
  // Light smoothing (about 0.15 mm) against speckle left after the averaging.
  const int radius = std::max(1, int(std::lround(0.15 / mm_per_px / step)));
  std::vector<double> smooth(profile.size());
  for (std::size_t i = 0; i < profile.size(); ++i) {
    double s = 0;
    int n = 0;
    for (int k = -radius; k <= radius; ++k) {
      const long j = long(i) + k;
      if (j >= 0 && j < long(profile.size())) {
        s += profile[std::size_t(j)];
        ++n;
      }
    }
    smooth[i] = s / n;
  }
  // The dip is looked for within 2.5 mm of the centre; the tissue level is the upper
  // part of the whole profile, which tissue dominates.
  std::size_t best = 0;
  double minimum = 1e30;
  for (std::size_t i = 0; i < smooth.size(); ++i)
    if (std::abs(t_values[i]) * mm_per_px <= 2.5 && smooth[i] < minimum) {
      minimum = smooth[i];
      best = i;
    }
  std::vector<double> sorted = smooth;
  std::sort(sorted.begin(), sorted.end());
  double level = sorted[sorted.size() * 7 / 10];
  if (level <= 0) return out;
  double dip = minimum;
  std::size_t lo = best, hi = best;
  // Two passes: a first band from the extreme values, then tissue and band levels taken
  // as medians outside and inside it, so that speckle extremes do not bias the width.
  for (int pass = 0; pass < 2; ++pass) {
    const double threshold = edge_threshold(level, dip);
    lo = hi = best;
    while (lo > 0 && smooth[lo - 1] < threshold) --lo;
    while (hi + 1 < smooth.size() && smooth[hi + 1] < threshold) ++hi;
    if (lo == 0 || hi + 1 == smooth.size()) return out;  // no tissue on one side
    std::vector<double> inside(smooth.begin() + long(lo), smooth.begin() + long(hi) + 1), outside;
    for (std::size_t i = 0; i < smooth.size(); ++i)
      if (i + 2 < lo || i > hi + 2) outside.push_back(smooth[i]);
    if (outside.empty()) return out;
    std::nth_element(inside.begin(), inside.begin() + long(inside.size() / 2), inside.end());
    std::nth_element(outside.begin(), outside.begin() + long(outside.size() / 2), outside.end());
    dip = inside[inside.size() / 2];
    level = outside[outside.size() / 2];
    if (level <= dip) return out;
  }
  out.contrast = (level - dip) / level;
  const double threshold = edge_threshold(level, dip);
  // Interpolate the threshold crossings for sub-sample width.
  auto crossing = [&](std::size_t inside, std::size_t outside) {
    const double v0 = smooth[inside], v1 = smooth[outside];
    const double f = v1 != v0 ? (threshold - v0) / (v1 - v0) : 0.5;
    return t_values[inside] + f * (t_values[outside] - t_values[inside]);
  };
  out.width_mm = (crossing(hi, hi + 1) - crossing(lo, lo - 1)) * mm_per_px;
  out.centre_offset_mm = 0.5 * (crossing(hi, hi + 1) + crossing(lo, lo - 1)) * mm_per_px;
  out.found = out.contrast > 0.15;
  return out;
}

}  // namespace ft
