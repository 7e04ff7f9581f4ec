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

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::size_t(std::clamp(p, 0.0, 1.0) * double(v.size() - 1))];
}

}  // namespace

std::vector<double> bright_planes(const Frame& frame, const PixelRect& region, double x_px, double mm_per_px,
                                  double half_width_mm, double min_contrast) {
  std::vector<double> planes;
  const int half = std::max(2, int(std::lround(half_width_mm / mm_per_px)));
  const int x0 = std::max(region.x0_px, int(x_px) - half), x1 = std::min(region.x1_px, int(x_px) + half);
  if (x1 <= x0 || region.height_px() < 8) return planes;
  std::vector<double> profile(std::size_t(region.height_px()));
  for (int y = region.y0_px; y <= region.y1_px; ++y) {
    double s = 0;
    for (int x = x0; x <= x1; ++x) s += frame.value(x, y);
    profile[std::size_t(y - region.y0_px)] = s / double(x1 - x0 + 1);
  }
  const std::vector<double> p = smooth(profile, std::max(1.0, 0.25 / mm_per_px));
  // A plane stands out from the tissue around it by much of the column's contrast range.
  const double spread = percentile(p, 0.9) - percentile(p, 0.1);
  const int window = std::max(3, int(std::lround(2.0 / mm_per_px)));
  for (int i = 1; i + 1 < int(p.size()); ++i) {
    if (p[std::size_t(i)] < p[std::size_t(i - 1)] || p[std::size_t(i)] < p[std::size_t(i + 1)]) continue;
    std::vector<double> around;
    for (int k = std::max(0, i - window); k <= std::min(int(p.size()) - 1, i + window); ++k) around.push_back(p[std::size_t(k)]);
    if (p[std::size_t(i)] - percentile(around, 0.5) > min_contrast * spread) planes.push_back(region.y0_px + i);
  }
  return planes;
}

namespace {

// The nearest of the planes seen both left and right of y (within tolerance of each other).
Compartment between_planes_seen_both_sides(const std::vector<double>& left, const std::vector<double>& right,
                                           const PixelRect& region, double y_px, double tolerance, double mm_per_px) {
  Compartment c{double(region.y0_px), double(region.y1_px), false, false};
  const double clearance = 0.5 / mm_per_px;
  for (double l : left)
    for (double r : right) {
      if (std::abs(l - r) > tolerance) continue;
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

}  // namespace

Compartment compartment_at(const Frame& frame, const PixelRect& region, double x_px, double y_px, double side_px,
                           double mm_per_px) {
  return between_planes_seen_both_sides(bright_planes(frame, region, x_px - side_px, mm_per_px),
                                        bright_planes(frame, region, x_px + side_px, mm_per_px), region, y_px,
                                        1.0 / mm_per_px, mm_per_px);
}

namespace {

void fill_plane_gaps(PlaneMap& p, double mm_per_px, const PlaneMapSettings& s) {
  const int reach = std::max(1, int(std::lround(s.max_gap_mm / (p.step_px * mm_per_px))));
  const double tolerance = s.tolerance_mm / mm_per_px;
  const int n = int(p.rows_px.size());
  std::vector<std::vector<double>> filled = p.rows_px;
  for (int k = 1; k + 1 < n; ++k)
    for (int a = std::max(0, k - reach); a < k; ++a)
      for (double ya : p.rows_px[std::size_t(a)])
        for (int b = k + 1; b <= std::min(n - 1, k + reach); ++b)
          for (double yb : p.rows_px[std::size_t(b)]) {
            if (std::abs(ya - yb) > tolerance) continue;
            const double y = ya + (yb - ya) * double(k - a) / double(b - a);
            auto& col = filled[std::size_t(k)];
            if (std::none_of(col.begin(), col.end(), [&](double q) { return std::abs(q - y) <= tolerance; })) col.push_back(y);
          }
  p.rows_px = std::move(filled);
}

int find_root(std::vector<int>& parent, int i) {
  while (parent[std::size_t(i)] != i) {
    parent[std::size_t(i)] = parent[std::size_t(parent[std::size_t(i)])];
    i = parent[std::size_t(i)];
  }
  return i;
}

bool plane_between(const std::vector<double>& planes, double y_a, double y_b) {
  const double lo = std::min(y_a, y_b), hi = std::max(y_a, y_b);
  return std::any_of(planes.begin(), planes.end(), [&](double p) { return p > lo && p < hi; });
}

}  // namespace

const std::vector<double>& PlaneMap::planes_at(double x_px) const {
  static const std::vector<double> none;
  if (rows_px.empty()) return none;
  const long k = std::lround((x_px - x0_px) / step_px);
  return rows_px[std::size_t(std::clamp(k, 0L, long(rows_px.size()) - 1))];
}

PlaneMap plane_map(const Frame& frame, const PixelRect& region, double step_px, double mm_per_px,
                   const PlaneMapSettings& settings) {
  PlaneMap p;
  p.x0_px = region.x0_px;
  p.step_px = std::max(1.0, step_px);
  for (double x = region.x0_px; x <= region.x1_px; x += p.step_px)
    p.rows_px.push_back(bright_planes(frame, region, x, mm_per_px, 2.0, settings.min_contrast));
  fill_plane_gaps(p, mm_per_px, settings);
  return p;
}

Compartment compartment_in(const PlaneMap& planes, const PixelRect& region, double x_px, double y_px, double side_px,
                           double mm_per_px, double tolerance_mm) {
  return between_planes_seen_both_sides(planes.planes_at(x_px - side_px), planes.planes_at(x_px + side_px), region, y_px,
                                        tolerance_mm / mm_per_px, mm_per_px);
}

std::vector<int> compartments_between_planes(const PlaneMap& planes, const std::vector<double>& x_px,
                                             const std::vector<double>& y_px, const std::vector<std::uint8_t>& use,
                                             int columns, int rows, double on_plane_px) {
  const std::size_t n = std::size_t(columns) * std::size_t(rows);
  std::vector<int> parent(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (!use[i]) continue;
    const auto& col = planes.planes_at(x_px[i]);
    if (std::none_of(col.begin(), col.end(), [&](double p) { return std::abs(p - y_px[i]) <= on_plane_px; }))
      parent[i] = int(i);
  }
  auto join = [&](std::size_t a, std::size_t b) {
    if (parent[a] < 0 || parent[b] < 0) return;
    if (plane_between(planes.planes_at(x_px[a]), y_px[a], y_px[b]) ||
        plane_between(planes.planes_at(x_px[b]), y_px[a], y_px[b]))
      return;
    parent[std::size_t(find_root(parent, int(a)))] = find_root(parent, int(b));
  };
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < columns; ++c) {
      const std::size_t i = std::size_t(r) * std::size_t(columns) + std::size_t(c);
      if (c + 1 < columns) join(i, i + 1);
      if (r + 1 < rows) join(i, i + std::size_t(columns));
    }
  for (std::size_t i = 0; i < n; ++i)
    if (parent[i] >= 0) parent[i] = find_root(parent, int(i));
  return parent;
}

}  // namespace ft
