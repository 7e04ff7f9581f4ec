#include "ft/core/MuscleLayers.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ft {
namespace {

std::vector<double> smooth(const std::vector<double>& v, double sigma_px) {
  const int radius = std::max(1, int(std::ceil(3 * sigma_px)));
  std::vector<double> w(std::size_t(2 * radius + 1));
  for (int i = -radius; i <= radius; ++i) w[std::size_t(i + radius)] = std::exp(-0.5 * i * i / (sigma_px * sigma_px));
  std::vector<double> out(v.size());
  for (std::size_t y = 0; y < v.size(); ++y) {
    double s = 0, ws = 0;
    for (int i = -radius; i <= radius; ++i) {
      const long k = long(y) + i;
      if (k < 0 || k >= long(v.size())) continue;
      s += w[std::size_t(i + radius)] * v[std::size_t(k)];
      ws += w[std::size_t(i + radius)];
    }
    out[y] = s / ws;
  }
  return out;
}

// The value of rank p (0..1) of v: the one a full sort would put there, found without the
// sort (the detector takes thousands of these per evaluation). Reorders v; 0 for none.
double percentile_in_place(std::vector<double>& v, double p) {
  if (v.empty()) return 0.0;
  const auto rank = v.begin() + std::ptrdiff_t(std::clamp(p, 0.0, 1.0) * double(v.size() - 1));
  std::nth_element(v.begin(), rank, v.end());
  return *rank;
}

double percentile(std::vector<double> v, double p) { return percentile_in_place(v, p); }

}  // namespace

std::vector<double> column_profile(const Frame& frame, const PixelRect& region, double x_px, double mm_per_px,
                                   double half_width_mm) {
  const int half = std::max(2, int(std::lround(half_width_mm / mm_per_px)));
  const int x0 = std::max(region.x0_px, int(x_px) - half), x1 = std::min(region.x1_px, int(x_px) + half);
  if (x1 <= x0 || region.height_px() < 8) return {};
  std::vector<double> profile(std::size_t(region.height_px()));
  for (int y = region.y0_px; y <= region.y1_px; ++y) {
    double s = 0;
    for (int x = x0; x <= x1; ++x) s += frame.value(x, y);
    profile[std::size_t(y - region.y0_px)] = s / double(x1 - x0 + 1);
  }
  return smooth(profile, std::max(1.0, 0.25 / mm_per_px));
}

double contrast_range(const std::vector<double>& profile) {
  return profile.empty() ? 0.0 : percentile(profile, 0.9) - percentile(profile, 0.1);
}

std::vector<double> local_medians(const std::vector<double>& p, double mm_per_px) {
  const int window = std::max(3, int(std::lround(2.0 / mm_per_px)));
  std::vector<double> out(p.size()), around;
  around.reserve(std::size_t(2 * window + 1));
  for (int i = 0; i < int(p.size()); ++i) {
    const auto first = p.begin() + std::max(0, i - window), last = p.begin() + std::min(int(p.size()) - 1, i + window) + 1;
    around.assign(first, last);
    out[std::size_t(i)] = percentile_in_place(around, 0.5);
  }
  return out;
}

std::vector<double> profile_peaks(const std::vector<double>& p, const std::vector<double>& baseline, double min_prominence) {
  std::vector<double> rows;
  for (int i = 1; i + 1 < int(p.size()); ++i) {
    if (p[std::size_t(i)] < p[std::size_t(i - 1)] || p[std::size_t(i)] < p[std::size_t(i + 1)]) continue;
    if (p[std::size_t(i)] - baseline[std::size_t(i)] > min_prominence) rows.push_back(i);
  }
  return rows;
}

double profile_noise(const std::vector<double>& p, const std::vector<double>& baseline) {
  std::vector<double> residual;
  for (std::size_t i = 0; i < p.size(); ++i) residual.push_back(std::abs(p[i] - baseline[i]));
  return residual.empty() ? 0.0 : 1.4826 * percentile(residual, 0.5);
}

std::vector<double> bright_planes(const Frame& frame, const PixelRect& region, double x_px, double mm_per_px,
                                  double half_width_mm, double min_contrast) {
  const std::vector<double> p = column_profile(frame, region, x_px, mm_per_px, half_width_mm);
  // A plane stands out from the tissue around it by much of the column's contrast range.
  std::vector<double> planes = profile_peaks(p, local_medians(p, mm_per_px), min_contrast * contrast_range(p));
  for (double& y : planes) y += region.y0_px;
  return planes;
}

Compartment between_planes_seen_both_sides(const std::vector<double>& left, const std::vector<double>& right,
                                           const PixelRect& region, double y_px, double tolerance_px, double mm_per_px) {
  Compartment c{double(region.y0_px), double(region.y1_px), false, false};
  const double clearance = 0.5 / mm_per_px;
  for (double l : left)
    for (double r : right) {
      if (std::abs(l - r) > tolerance_px) continue;
      const double y = 0.5 * (l + r);
      if (y < y_px - clearance && (!c.top_is_plane || y > c.top_y_px)) {
        c.top_y_px = y;
        c.top_is_plane = true;
      }
      if (y > y_px + clearance && (!c.bottom_is_plane || y < c.bottom_y_px)) {
        c.bottom_y_px = y;
        c.bottom_is_plane = true;
      }
    }
  return c;
}

}  // namespace ft
