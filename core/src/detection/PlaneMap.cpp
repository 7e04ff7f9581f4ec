#include "ft/core/PlaneMap.h"

#include <algorithm>
#include <cmath>

namespace ft {
namespace {

using Columns = std::vector<std::vector<double>>;

constexpr double kPeakJitterMm = 0.15;
constexpr double kMaxPlaneSlope = 0.5;
// A plane that speckle only dims still shows as a local peak of this share of the
// prominence a plane needs.
constexpr double kDimShare = 0.5;

// The plane of `column` within tolerance of y, nearest first; -1 when none.
int matching(const std::vector<double>& column, double y, double tolerance) {
  int best = -1;
  for (int j = 0; j < int(column.size()); ++j)
    if (std::abs(column[std::size_t(j)] - y) <= tolerance &&
        (best < 0 || std::abs(column[std::size_t(j)] - y) < std::abs(column[std::size_t(best)] - y)))
      best = j;
  return best;
}

// Column to column a plane moves by its slope (aponeuroses run within ~25 deg of the probe's
// face) plus the peak's jitter: the depth it may have moved over `columns` columns.
struct PlaneDrift {
  double jitter_px, per_column_px;
  double over(int columns) const { return jitter_px + per_column_px * columns; }
};

// How many columns, from each plane on in one direction, see it (itself included). A plane goes
// on past up to max_skip columns where it is only dim (a local peak of half the prominence a
// plane needs, in `dim`) to the next column that sees it; dim columns are not counted. Where
// speckle dimmed a faint fascia in one column of two, a run that had to be unbroken never reached
// 12 mm, though it was seen over 20 mm (development seeds 41000, 50000: the muscle's outer plane
// missing beside a tear). A column with no peak at all still ends a run.
Columns run_lengths(const Columns& rows, const Columns& dim, PlaneDrift drift, int direction, int max_skip) {
  const int n = int(rows.size());
  Columns run(rows.size());
  for (int s = 0; s < n; ++s) {
    const int k = direction > 0 ? n - 1 - s : s;  // the previous columns in `direction` are done first
    for (double y : rows[std::size_t(k)]) {
      double length = 1.0;
      for (int d = 1; d <= max_skip + 1; ++d) {
        const int prev = k + d * direction;
        if (prev < 0 || prev >= n) break;
        const int j = matching(rows[std::size_t(prev)], y, drift.over(d));
        if (j >= 0) {
          length = 1.0 + run[std::size_t(prev)][std::size_t(j)];
          break;
        }
        if (matching(dim[std::size_t(prev)], y, drift.over(d)) < 0) break;  // not there at all
      }
      run[std::size_t(k)].push_back(length);
    }
  }
  return run;
}

// Only planes seen in at least min_columns columns of one run (run_lengths).
Columns long_planes(const Columns& rows, const Columns& dim, PlaneDrift drift, int min_columns, int max_skip) {
  const Columns left = run_lengths(rows, dim, drift, -1, max_skip), right = run_lengths(rows, dim, drift, +1, max_skip);
  Columns kept(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k)
    for (std::size_t j = 0; j < rows[k].size(); ++j)
      if (left[k][j] + right[k][j] - 1.0 >= min_columns) kept[k].push_back(rows[k][j]);
  return kept;
}

// A plane hidden over at most `reach` columns is put back between the columns on both sides
// that see it, at the depth interpolated between them.
Columns with_gaps_filled(const Columns& rows, double tolerance, int reach) {
  const int n = int(rows.size());
  Columns filled = rows;
  for (int a = 0; a < n; ++a)
    for (double ya : rows[std::size_t(a)])
      for (int b = a + 1; b <= std::min(n - 1, a + reach + 1); ++b) {
        const int j = matching(rows[std::size_t(b)], ya, tolerance);
        if (j < 0) continue;  // hidden here: look further
        const double yb = rows[std::size_t(b)][std::size_t(j)];
        for (int k = a + 1; k < b; ++k) {
          const double y = ya + (yb - ya) * double(k - a) / double(b - a);
          if (matching(filled[std::size_t(k)], y, tolerance) < 0) filled[std::size_t(k)].push_back(y);
        }
        break;  // the nearest column that sees it again (the next one: no gap)
      }
  for (auto& column : filled) std::sort(column.begin(), column.end());
  return filled;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
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
  static const std::vector<double> none;  // immutable: the answer for "no column here"
  const long n = long(rows_px.size()), k = std::lround((x_px - x0_px) / step_px);
  if (n == 0 || k < -1 || k > n) return none;  // the last column also answers for the step beyond it
  return rows_px[std::size_t(std::clamp(k, 0L, n - 1))];
}

std::optional<double> PlaneMap::plane_near(double x_px, double y_px, double tolerance_px) const {
  const std::vector<double>& column = planes_at(x_px);
  const int j = matching(column, y_px, tolerance_px);
  return j < 0 ? std::nullopt : std::optional<double>(column[std::size_t(j)]);
}

PlaneMap plane_map(const Frame& frame, const PixelRect& region, double step_px, double mm_per_px_x,
                   double mm_per_px_y, const PlaneMapSettings& s) {
  PlaneMap map;
  map.x0_px = region.x0_px;
  map.step_px = std::max(1.0, step_px);
  // Profiles are read down the image (mm_per_px_y); the band's half width is 2 mm across.
  const double half_width_mm = 2.0 * mm_per_px_y / mm_per_px_x;
  std::vector<std::vector<double>> profiles;
  std::vector<double> ranges;
  for (double x = region.x0_px; x <= region.x1_px; x += map.step_px) {
    profiles.push_back(column_profile(frame, region, x, mm_per_px_y, half_width_mm));
    ranges.push_back(contrast_range(profiles.back()));
  }
  const double range_floor = median(ranges);
  Columns rows, dim;
  for (std::size_t k = 0; k < profiles.size(); ++k) {
    const std::vector<double> baseline = local_medians(profiles[k], mm_per_px_y);
    const double prominence = std::max(s.min_contrast * std::max(ranges[k], range_floor),
                                       s.min_noise_multiple * profile_noise(profiles[k], baseline));
    rows.push_back(profile_peaks(profiles[k], baseline, prominence));
    dim.push_back(profile_peaks(profiles[k], baseline, kDimShare * prominence));
    for (double& y : rows.back()) y += region.y0_px;
    for (double& y : dim.back()) y += region.y0_px;
  }
  const double step_mm = map.step_px * mm_per_px_x;
  // Noise peaks further apart than a plane moves do not chain into a run.
  const PlaneDrift drift{kPeakJitterMm / mm_per_px_y, kMaxPlaneSlope * step_mm / mm_per_px_y};
  const int min_columns = std::max(2, int(std::ceil(s.min_run_mm / step_mm)));
  const int reach = std::max(1, int(std::lround(s.max_gap_mm / step_mm)));
  const int max_skip = int(std::floor(s.max_dim_mm / step_mm));
  map.rows_px = with_gaps_filled(long_planes(rows, dim, drift, min_columns, max_skip), s.tolerance_mm / mm_per_px_y, reach);
  return map;
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
