#include "ft/core/GapProfile.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
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
double edge_in_amplitude(double level, double dip) {
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

// The lines parallel to a band, one per offset t (px, step 0.5) along its normal within
// 7 mm of the centre, each sampled every px over +-half_length_mm.
struct BandLines {
  double cx, cy, nx, ny, sx, sy, reach_px, half_px;
  BandLines(double cx_px, double cy_px, double normal_deg, double half_length_mm, double mm_per_px)
      : cx(cx_px), cy(cy_px), reach_px(7.0 / mm_per_px), half_px(std::max(1.0, half_length_mm / mm_per_px)) {
    const double a = normal_deg * M_PI / 180.0;
    nx = std::cos(a);
    ny = std::sin(a);
    sx = -ny;
    sy = nx;
  }
};

struct Profile {
  std::vector<double> t_px, value;
};

// The profile across the band: one value per line, from `line_value(t)` (nullopt: no line there).
Profile profile_across(const BandLines& lines, const std::function<std::optional<double>(double t)>& line_value) {
  Profile p;
  for (double t = -lines.reach_px; t <= lines.reach_px; t += 0.5)
    if (const std::optional<double> v = line_value(t)) {
      p.t_px.push_back(t);
      p.value.push_back(*v);
    }
  return p;
}

// Light smoothing (about 0.15 mm) against speckle left after the averaging along the lines.
std::vector<double> smoothed(const std::vector<double>& profile, double mm_per_px) {
  const int radius = std::max(1, int(std::lround(0.15 / mm_per_px / 0.5)));
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
  return smooth;
}

// A band of low values around the profile's centre, its edges where the profile crosses
// `edge(level, dip)` between the surrounding level and the band's.
struct LowBand {
  double level = 0, dip = 0, lo_t_px = 0, hi_t_px = 0;
};
std::optional<LowBand> low_band(const Profile& p, double mm_per_px, double min_level,
                                const std::function<double(double, double)>& edge) {
  if (p.value.size() < 10) return std::nullopt;
  const std::vector<double> smooth = smoothed(p.value, mm_per_px);
  // The dip is looked for within 2.5 mm of the centre; the surrounding level is the upper
  // part of the whole profile, which tissue dominates.
  std::size_t best = 0;
  double minimum = 1e30;
  for (std::size_t i = 0; i < smooth.size(); ++i)
    if (std::abs(p.t_px[i]) * mm_per_px <= 2.5 && smooth[i] < minimum) {
      minimum = smooth[i];
      best = i;
    }
  std::vector<double> sorted = smooth;
  std::sort(sorted.begin(), sorted.end());
  LowBand b;
  b.level = sorted[sorted.size() * 7 / 10];
  b.dip = minimum;
  if (b.level <= min_level) return std::nullopt;
  std::size_t lo = best, hi = best;
  // Two passes: a first band from the extreme values, then the surrounding and band levels
  // taken as medians outside and inside it, so that speckle extremes do not bias the width.
  for (int pass = 0; pass < 2; ++pass) {
    const double threshold = edge(b.level, b.dip);
    lo = hi = best;
    while (lo > 0 && smooth[lo - 1] < threshold) --lo;
    while (hi + 1 < smooth.size() && smooth[hi + 1] < threshold) ++hi;
    if (lo == 0 || hi + 1 == smooth.size()) return std::nullopt;  // no tissue on one side
    std::vector<double> inside(smooth.begin() + long(lo), smooth.begin() + long(hi) + 1), outside;
    for (std::size_t i = 0; i < smooth.size(); ++i)
      if (i + 2 < lo || i > hi + 2) outside.push_back(smooth[i]);
    if (outside.empty()) return std::nullopt;
    std::nth_element(inside.begin(), inside.begin() + long(inside.size() / 2), inside.end());
    std::nth_element(outside.begin(), outside.begin() + long(outside.size() / 2), outside.end());
    b.dip = inside[inside.size() / 2];
    b.level = outside[outside.size() / 2];
    if (b.level <= b.dip) return std::nullopt;
  }
  const double threshold = edge(b.level, b.dip);
  // Interpolate the threshold crossings for sub-sample width.
  auto crossing = [&](std::size_t in, std::size_t out) {
    const double v0 = smooth[in], v1 = smooth[out];
    const double f = v1 != v0 ? (threshold - v0) / (v1 - v0) : 0.5;
    return p.t_px[in] + f * (p.t_px[out] - p.t_px[in]);
  };
  b.lo_t_px = crossing(lo, lo - 1);
  b.hi_t_px = crossing(hi, hi + 1);
  return b;
}

// Pearson correlation of two equally long sample lists; none where either is flat (black
// beyond the sector, saturation, an overlay): no speckle there to persist or churn.
std::optional<double> normalised_correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = double(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  if (!(saa > 0 && sbb > 0)) return std::nullopt;
  return sab / std::sqrt(saa * sbb);
}

BandWidth measured(const LowBand& b, double contrast, double mm_per_px) {
  BandWidth out;
  out.contrast = contrast;
  out.width_mm = (b.hi_t_px - b.lo_t_px) * mm_per_px;
  out.centre_offset_mm = 0.5 * (b.hi_t_px + b.lo_t_px) * mm_per_px;
  out.level = b.level;
  return out;
}

// Grey levels as 8-bit display values (a 16-bit frame's 65535 would overflow the amplitude).
double display_grey(double value, double full_scale) { return value * 255.0 / full_scale; }

// The plane's slope (rows per column) at point p: the least-squares line through the given
// points within kSlopeReachMm of it (its own line's neighbours: the caller's points follow one
// plane), 0 where they span no columns. Columns are averaged along it, not along the image's
// rows: at 15 deg, 2 mm of columns span 0.5 mm of depth, as much as the layer.
double slope_at(const std::vector<PointPx>& points, const PointPx& p, double mm_per_px_x) {
  constexpr double kSlopeReachMm = 2.0;
  double n = 0, mx = 0, my = 0;
  for (const PointPx& q : points)
    if (std::abs(q.x - p.x) * mm_per_px_x <= kSlopeReachMm) {
      n += 1;
      mx += q.x;
      my += q.y;
    }
  mx /= n;
  my /= n;
  double sxx = 0, sxy = 0;
  for (const PointPx& q : points)
    if (std::abs(q.x - p.x) * mm_per_px_x <= kSlopeReachMm) {
      sxx += (q.x - mx) * (q.x - mx);
      sxy += (q.x - mx) * (q.y - my);
    }
  return sxx > 0 ? sxy / sxx : 0.0;
}

// Per point, the mean display grey down the image from the plane's line into one side of it
// (index t: t px from the line), over the columns +-half_px around the point, each column shifted
// with the plane's slope; the line found again within search_px and placed on its crest to a
// fraction of a pixel (a parabola through the brightest row and its neighbours: a layer a few
// pixels wide is smeared by whole-pixel misalignment between points). Points whose columns or
// rows leave the region are left out.
std::vector<std::vector<double>> profiles_from_line(const Frame& f, const PixelRect& r, const std::vector<PointPx>& points,
                                                    int side, int half_px, int search_px, int reach_px, double mm_per_px_x) {
  const double full_scale = grey_full_scale(f);
  std::vector<std::vector<double>> out;
  for (const PointPx& p : points) {
    const double slope = slope_at(points, p, mm_per_px_x);
    const int x0 = int(std::lround(p.x)) - half_px, x1 = int(std::lround(p.x)) + half_px, y = int(std::lround(p.y));
    const int tilt = int(std::ceil(std::abs(slope) * half_px));
    const int far = y + side * (search_px + reach_px + tilt + 2);
    if (x0 < r.x0_px || x1 > r.x1_px || std::min(y - search_px - tilt - 2, far) < r.y0_px ||
        std::max(y + search_px + tilt + 2, far) > r.y1_px)
      continue;
    // The mean along the plane through row yy at the point's column.
    const auto along = [&](double yy) {
      double sum = 0;
      for (int x = x0; x <= x1; ++x) {
        const double row = yy + slope * (x - p.x);
        const int row0 = int(std::floor(row));
        const double w = row - row0;
        sum += (1.0 - w) * f.value(x, row0) + w * f.value(x, row0 + 1);
      }
      return display_grey(sum / double(x1 - x0 + 1), full_scale);
    };
    int line = y;
    double at = along(y);
    for (int yy = y - search_px; yy <= y + search_px; ++yy)
      if (const double v = along(yy); v > at) {
        line = yy;
        at = v;
      }
    const double above = along(line - 1), below = along(line + 1);
    const double curvature = above - 2.0 * at + below;
    const double crest = line + (curvature < 0 ? std::clamp(0.5 * (above - below) / curvature, -0.5, 0.5) : 0.0);
    std::vector<double> profile(std::size_t(reach_px) + 1);
    for (int t = 0; t <= reach_px; ++t) profile[std::size_t(t)] = along(crest + side * t);
    out.push_back(std::move(profile));
  }
  return out;
}

// The mean of profiles [first, last) and of all but those.
std::vector<double> mean_of_profiles(const std::vector<std::vector<double>>& profiles, std::size_t first, std::size_t last,
                                     bool inside) {
  std::vector<double> mean(profiles.front().size(), 0.0);
  double n = 0;
  for (std::size_t i = 0; i < profiles.size(); ++i)
    if ((i >= first && i < last) == inside) {
      for (std::size_t t = 0; t < mean.size(); ++t) mean[t] += profiles[i][t];
      n += 1;
    }
  for (double& g : mean) g /= n;
  return mean;
}

// The largest grey deficit of `dark` below `level` within t <= within, over the level there.
double largest_contrast(const std::vector<double>& level, const std::vector<double>& dark, std::size_t within) {
  double largest = 0;
  for (std::size_t t = 0; t <= within; ++t) largest = std::max(largest, (level[t] - dark[t]) / level[t]);
  return largest;
}

// How dark, next to the line, a stretch of `block` intact points reads against the other intact
// points at most: the contrast a layer must beat. A plane's brightness and the muscle's beside it
// vary along it (anisotropy, focus, gain), and a scanner's more than a simulator's.
double intact_spread(const std::vector<std::vector<double>>& intact, std::size_t block, std::size_t within) {
  double largest = 0;
  for (std::size_t first = 0; first + block <= intact.size(); first += block)
    largest = std::max(largest, largest_contrast(mean_of_profiles(intact, first, first + block, false),
                                                 mean_of_profiles(intact, first, first + block, true), within));
  return largest;
}

}  // namespace

BandWidth dark_band_width(const Frame& frame, const PixelRect& region, double cx, double cy, double normal_angle_deg,
                          double half_length_mm, double mm_per_px) {
  const BandLines lines(cx, cy, normal_angle_deg, half_length_mm, mm_per_px);
  const Profile p = profile_across(lines, [&](double t) -> std::optional<double> {
    double sum = 0;
    int n = 0;
    for (double s = -lines.half_px; s <= lines.half_px; s += 1.0) {
      bool inside = true;
      const double v = bilinear(frame, region, cx + t * lines.nx + s * lines.sx, cy + t * lines.ny + s * lines.sy, inside);
      if (inside) {
        sum += v;
        ++n;
      }
    }
    if (n == 0) return std::nullopt;
    return sum / n;
  });
  const std::optional<LowBand> b = low_band(p, mm_per_px, 0.0, edge_in_amplitude);
  if (!b) return {};
  BandWidth out = measured(*b, (b->level - b->dip) / b->level, mm_per_px);
  out.found = out.contrast > 0.15;
  return out;
}

BandWidth decorrelated_band_width(const Frame& a, const Frame& b, const PixelRect& region, double cx_px, double cy_px,
                                  double shift_x_px, double shift_y_px, double normal_angle_deg, double half_length_mm,
                                  double mm_per_px) {
  constexpr double kMinTissueCorrelation = 0.5, kMinDrop = 0.3;
  const BandLines lines(cx_px, cy_px, normal_angle_deg, half_length_mm, mm_per_px);
  std::vector<double> va, vb;
  const Profile p = profile_across(lines, [&](double t) -> std::optional<double> {
    va.clear();
    vb.clear();
    for (double s = -lines.half_px; s <= lines.half_px; s += 1.0) {
      const double x = cx_px + t * lines.nx + s * lines.sx, y = cy_px + t * lines.ny + s * lines.sy;
      bool inside = true;
      const double v0 = bilinear(a, region, x, y, inside);
      const double v1 = bilinear(b, region, x + shift_x_px, y + shift_y_px, inside);
      if (inside) {
        va.push_back(v0);
        vb.push_back(v1);
      }
    }
    if (va.size() < 8) return std::nullopt;
    return normalised_correlation(va, vb);
  });
  // Halfway in correlation: unlike grey levels, it is no log-compressed amplitude.
  const std::optional<LowBand> band =
      low_band(p, mm_per_px, -1.0, [](double level, double dip) { return 0.5 * (level + dip); });
  if (!band) return {};
  BandWidth out = measured(*band, band->level - band->dip, mm_per_px);
  out.found = band->level >= kMinTissueCorrelation && out.contrast >= kMinDrop;
  return out;
}

std::optional<BandWidth> layer_beside_plane(const Frame& frame, const PixelRect& region, const std::vector<PointPx>& stretch,
                                            const std::vector<PointPx>& intact, int side, double half_length_mm,
                                            double mm_per_px_x, double mm_per_px_y) {
  constexpr double kSearchMm = 0.5, kReachMm = 4.0, kLayerWithinMm = 2.5, kMinContrast = 0.15;
  const int half_px = std::max(1, int(std::lround(half_length_mm / mm_per_px_x)));
  const int search_px = int(std::lround(kSearchMm / mm_per_px_y)), reach_px = int(std::lround(kReachMm / mm_per_px_y));
  const auto torn_profiles = profiles_from_line(frame, region, stretch, side, half_px, search_px, reach_px, mm_per_px_x);
  const auto intact_profiles = profiles_from_line(frame, region, intact, side, half_px, search_px, reach_px, mm_per_px_x);
  if (torn_profiles.size() < 2 || intact_profiles.size() < 4) return std::nullopt;
  const std::vector<double> torn = mean_of_profiles(torn_profiles, 0, torn_profiles.size(), true);
  const std::vector<double> whole = mean_of_profiles(intact_profiles, 0, intact_profiles.size(), true);
  // The share of the intact plane's echo amplitude missing at each depth: the blur spreads
  // amplitude, and grey levels are its logarithm (edge_in_amplitude). Not the difference of
  // amplitudes: on the plane line's steep flank a tenth of a pixel's misalignment dwarfs the layer.
  std::vector<double> deficit(torn.size());
  for (std::size_t t = 0; t < deficit.size(); ++t)
    deficit[t] = 1.0 - grey_to_amplitude(torn[t]) / grey_to_amplitude(whole[t]);
  const std::size_t within = std::min(deficit.size() - 1, std::size_t(std::lround(kLayerWithinMm / mm_per_px_y)));
  const std::size_t deepest = std::size_t(std::max_element(deficit.begin(), deficit.begin() + long(within) + 1) - deficit.begin());
  const double depth = deficit[deepest];
  BandWidth out;
  if (!(depth > 0) || !(whole[deepest] > 0)) return out;  // no darker than the intact plane
  out.contrast = (whole[deepest] - torn[deepest]) / whole[deepest];
  const std::size_t block = std::min(torn_profiles.size(), intact_profiles.size() / 2);
  if (out.contrast <= std::max(kMinContrast, intact_spread(intact_profiles, block, within))) return out;
  // A deficit still deepening at `within` is no layer on the line; one already half as deep on
  // the line's crest is the line itself dimmer (anisotropy, focus) than the intact plane's.
  const double half = 0.5 * depth;
  if (deepest == within || deficit[0] >= half) return std::nullopt;
  std::size_t lo = deepest, hi = deepest;
  while (deficit[lo - 1] >= half) --lo;
  while (hi + 1 < deficit.size() && deficit[hi + 1] >= half) ++hi;
  if (hi + 1 == deficit.size()) return std::nullopt;  // wider than read: no width
  const auto crossing = [&](std::size_t in, std::size_t beyond) {  // sub-pixel half-depth crossings
    return double(in) + (double(beyond) - double(in)) * (deficit[in] - half) / (deficit[in] - deficit[beyond]);
  };
  const double lo_t = crossing(lo, lo - 1), hi_t = crossing(hi, hi + 1);
  out.width_mm = (hi_t - lo_t) * mm_per_px_y;
  out.centre_offset_mm = side * 0.5 * (lo_t + hi_t) * mm_per_px_y;
  out.found = true;
  return out;
}

}  // namespace ft
