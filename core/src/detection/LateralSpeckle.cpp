#include "ft/core/LateralSpeckle.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ft {
namespace {

constexpr double kSlabMm = 1.0;
constexpr double kMinLevel = 10.0;       // grey of 255: a darker line holds no tissue to measure
constexpr double kBlackGrey = 2.0;       // grey of 255: beyond a sector's edge, a capture's border
constexpr double kMostBlackShare = 0.1;  // speckle's own nulls are far rarer than this
constexpr std::size_t kMinDifferences = 8;

struct SlabReadings {
  std::vector<double> differences;  // between neighbouring line means of one row
  std::vector<double> levels;       // every line mean
};

// One row cut into lines of `span_px` side by side (not overlapping): each line's mean where it
// lies on tissue, and the difference between neighbours that both do. Differences, not the
// spread about the row's mean: a trend across the row (a probe lifting at one end), a dark
// vessel or fluid layer, a bright bone or a black wedge beyond a sector's edge move a few
// differences, which the median leaves out, but every line's distance from the mean. (Under a
// beam 3-4 mm wide, neighbouring means share speckle and the noise reads up to 30 % low; lines
// two apart, tried, read a trend and a vessel's edges twice as often: not used.)
// Grey levels scale with the frame's full scale (black_grey, min_level: 8-bit values scaled).
void add_row(const Frame& f, const PixelRect& r, int y, int span_px, float black_grey, double min_level,
             SlabReadings& out) {
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  double previous = kNone;
  for (int x0 = r.x0_px; x0 + span_px - 1 <= r.x1_px; x0 += span_px) {
    double sum = 0.0;
    int black = 0;
    for (int x = x0; x < x0 + span_px; ++x) {
      const float v = f.value(x, y);
      sum += v;
      black += v <= black_grey;
    }
    const double mean = sum / span_px;
    const bool on_tissue = mean >= min_level && black <= kMostBlackShare * span_px;
    const double here = on_tissue ? mean : kNone;
    if (std::isfinite(here) && std::isfinite(previous)) out.differences.push_back(std::abs(here - previous));
    if (std::isfinite(here)) out.levels.push_back(here);
    previous = here;
  }
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// The spread of one line's mean, robustly (1.4826 x the median absolute difference of two
// independent means is sqrt(2) x their SD), relative to the slab's median level.
double relative_line_noise(const SlabReadings& slab) {
  if (slab.differences.size() < kMinDifferences) return std::numeric_limits<double>::quiet_NaN();
  return 1.4826 * median(slab.differences) / std::sqrt(2.0) / median(slab.levels);
}

// One slab's reading is itself noisy (0.10-0.19 in one clip's muscle, slab by slab); a beam
// widens smoothly with depth: the median of the measured slabs within kSmoothingSlabs.
constexpr int kSmoothingSlabs = 2;
std::vector<double> smoothed_over_depth(const std::vector<double>& noise) {
  std::vector<double> out(noise.size(), std::numeric_limits<double>::quiet_NaN());
  for (long i = 0; i < long(noise.size()); ++i) {
    if (!std::isfinite(noise[std::size_t(i)])) continue;
    std::vector<double> near;
    for (long j = std::max(0L, i - kSmoothingSlabs); j <= std::min(long(noise.size()) - 1, i + kSmoothingSlabs); ++j)
      if (std::isfinite(noise[std::size_t(j)])) near.push_back(noise[std::size_t(j)]);
    out[std::size_t(i)] = median(near);
  }
  return out;
}

}  // namespace

LateralSpeckle::LateralSpeckle(const Frame& image, const PixelRect& region, double mm_per_px_x, double mm_per_px_y) {
  if (!(mm_per_px_x > 0 && mm_per_px_y > 0) || region.x1_px < region.x0_px || region.y1_px < region.y0_px) return;
  y0_px_ = region.y0_px;
  slab_px_ = std::max(1.0, kSlabMm / mm_per_px_y);
  const int span_px = 2 * int(std::lround(std::clamp(kReferenceHalfLengthMm / mm_per_px_x, 1.0, 1000.0))) + 1;
  const double grey_scale = grey_full_scale(image) / 255.0;
  const float black_grey = float(kBlackGrey * grey_scale);
  const double min_level = kMinLevel * grey_scale;
  for (double top = region.y0_px; top <= region.y1_px; top += slab_px_) {
    SlabReadings slab;
    for (int y = int(std::lround(top)); y < int(std::lround(top + slab_px_)) && y <= region.y1_px; ++y)
      add_row(image, region, y, span_px, black_grey, min_level, slab);
    noise_.push_back(relative_line_noise(slab));
  }
  noise_ = smoothed_over_depth(noise_);
}

double LateralSpeckle::line_noise(double y_px) const {
  if (noise_.empty() || !std::isfinite(y_px)) return std::numeric_limits<double>::quiet_NaN();
  const long slab = long(std::clamp(std::floor((y_px - y0_px_) / slab_px_), 0.0, double(noise_.size() - 1)));
  for (long d = 0; d < long(noise_.size()); ++d)
    for (long s : {slab - d, slab + d})
      if (s >= 0 && s < long(noise_.size()) && std::isfinite(noise_[std::size_t(s)])) return noise_[std::size_t(s)];
  return std::numeric_limits<double>::quiet_NaN();
}

double LateralSpeckle::line_half_length_mm(double y_px) const {
  const double noise = line_noise(y_px);
  if (!std::isfinite(noise)) return kReferenceHalfLengthMm;
  const double ratio = noise / kTargetLineNoise;
  return std::clamp(kReferenceHalfLengthMm * ratio * ratio, kReferenceHalfLengthMm, kLongestHalfLengthMm);
}

}  // namespace ft
