#include "ft/core/DepthScale.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace ft {
namespace {

constexpr int kSearchPx = 12;     // how far beyond the image's edge a tick may start
constexpr int kMinTicks = 4;
constexpr double kSpacingTolerance = 0.12;  // of the median spacing
constexpr double kMinCoverage = 0.6;        // of the image's height spanned by the ticks
constexpr double kMinDepthMm = 10.0, kMaxDepthMm = 120.0;  // an imaged depth outside: not a depth scale
constexpr double kHintTolerance = 0.3;      // |log| of ruler / speckle estimate that picks a reading (x1.35)

struct Mark {
  double y_px = 0.0;
  int x_px = 0;        // where it starts (the image side)
  int length_px = 0;
};

bool bright(const Frame& f, int x, int y, float level) {
  return x >= 0 && y >= 0 && x < f.width_px() && y < f.height_px() && f.value(x, y) >= level;
}

// Every thin horizontal mark (2-12 px long, dark two rows above and below) that starts
// within kSearchPx of the image's edge on one side, running away from the image.
std::vector<Mark> marks_on_side(const Frame& f, const PixelRect& image, int side, float level) {
  const int edge = side > 0 ? image.x1_px + 1 : image.x0_px - 1;
  std::vector<Mark> out;
  for (int y = image.y0_px; y <= image.y1_px; ++y)
    for (int offset = 0; offset <= kSearchPx; ++offset) {
      const int x0 = edge + side * offset;
      if (!bright(f, x0, y, level) || bright(f, x0 - side, y, level)) continue;
      int length = 0;
      while (length <= 12 && bright(f, x0 + side * length, y, level)) ++length;
      bool thin = length >= 2 && length <= 12;
      for (int i = 0; i < length && thin; ++i)
        thin = !bright(f, x0 + side * i, y - 2, level) && !bright(f, x0 + side * i, y + 2, level);
      if (thin) out.push_back(Mark{double(y), x0, length});
      offset += length;
    }
  return out;
}

// The ruler: the marks that start in the column most marks start in (+-1 px), a mark
// 2 px tall counted once.
std::vector<Mark> ruler_column(const std::vector<Mark>& marks) {
  std::map<int, int> starts;
  for (const Mark& m : marks) ++starts[m.x_px];
  int best_x = 0, best = 0;
  for (const auto& [x, n] : starts) {
    const int around = n + (starts.count(x - 1) ? starts.at(x - 1) : 0) + (starts.count(x + 1) ? starts.at(x + 1) : 0);
    if (around > best) {
      best = around;
      best_x = x;
    }
  }
  std::vector<Mark> ticks;
  for (const Mark& m : marks) {
    if (std::abs(m.x_px - best_x) > 1) continue;
    if (!ticks.empty() && m.y_px - ticks.back().y_px <= 1.5) {
      ticks.back().y_px = 0.5 * (ticks.back().y_px + m.y_px);
      ticks.back().length_px = std::max(ticks.back().length_px, m.length_px);
    } else {
      ticks.push_back(m);
    }
  }
  return ticks;
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Centimetres per tick step: 0.5 for long and short ticks strictly alternating; for ticks of
// one length 1 or 0.5, whichever agrees with the speckle estimate (none without one or
// when neither does); none for any other pattern (a 2-mm ruler, majors every 5 cm).
std::optional<double> cm_per_step(const std::vector<Mark>& ticks, double spacing_px, std::optional<double> hint_mm_per_px) {
  int shortest = 1000, longest = 0;
  for (const Mark& t : ticks) {
    shortest = std::min(shortest, t.length_px);
    longest = std::max(longest, t.length_px);
  }
  if (longest - shortest >= 2) {
    const double middle = 0.5 * (shortest + longest);
    int long_ticks = 0;
    for (std::size_t i = 0; i < ticks.size(); ++i) {
      const bool is_long = ticks[i].length_px >= middle;
      long_ticks += is_long;
      if (i > 0 && is_long == (ticks[i - 1].length_px >= middle)) return std::nullopt;
    }
    return long_ticks >= 2 ? std::optional<double>(0.5) : std::nullopt;
  }
  if (!hint_mm_per_px || *hint_mm_per_px <= 0) return std::nullopt;
  for (double cm : {1.0, 0.5})
    if (std::abs(std::log(10.0 * cm / spacing_px / *hint_mm_per_px)) <= kHintTolerance) return cm;
  return std::nullopt;
}

std::optional<DepthScale> read_side(const Frame& f, const PixelRect& image, int side, float level,
                                    std::optional<double> hint_mm_per_px) {
  const std::vector<Mark> ticks = ruler_column(marks_on_side(f, image, side, level));
  if (int(ticks.size()) < kMinTicks) return std::nullopt;
  std::vector<double> spacing;
  for (std::size_t i = 1; i < ticks.size(); ++i) spacing.push_back(ticks[i].y_px - ticks[i - 1].y_px);
  const double d = median(spacing);
  if (d < 4.0) return std::nullopt;
  for (double s : spacing)
    if (std::abs(s - d) > kSpacingTolerance * d) return std::nullopt;
  // A depth scale runs down the image from near the skin line.
  const double span = ticks.back().y_px - ticks.front().y_px;
  if (span < kMinCoverage * image.height_px() || ticks.front().y_px - image.y0_px > 1.5 * d) return std::nullopt;
  // Ticks sit on whole pixels: their mean spacing over the whole ruler, not the median
  // of rounded steps (33, 34, 33 px for 0.15 mm/px), gives the scale to a fraction of a px.
  const double mean_spacing = span / double(ticks.size() - 1);
  const std::optional<double> cm = cm_per_step(ticks, mean_spacing, hint_mm_per_px);
  if (!cm) return std::nullopt;
  DepthScale scale;
  scale.px_per_cm = mean_spacing / *cm;
  scale.ticks = int(ticks.size());
  scale.right_side = side > 0;
  const double depth_mm = image.height_px() * scale.mm_per_px();
  if (depth_mm < kMinDepthMm || depth_mm > kMaxDepthMm) return std::nullopt;
  return scale;
}

}  // namespace

std::optional<DepthScale> read_depth_scale(const Frame& frame, const PixelRect& image, std::optional<double> hint_mm_per_px) {
  if (frame.empty() || image.height_px() < 8) return std::nullopt;
  // Graphics level: near the brightest value in the strips beside the image.
  float strip_max = 0.0f;
  for (int y = image.y0_px; y <= image.y1_px; ++y)
    for (int side : {-1, +1})
      for (int i = 1; i <= kSearchPx + 12; ++i) {
        const int x = side > 0 ? image.x1_px + i : image.x0_px - i;
        if (x >= 0 && x < frame.width_px() && y >= 0 && y < frame.height_px()) strip_max = std::max(strip_max, frame.value(x, y));
      }
  if (strip_max <= 0.0f) return std::nullopt;
  const float level = 0.6f * strip_max;
  for (int side : {+1, -1})
    if (auto scale = read_side(frame, image, side, level, hint_mm_per_px)) return scale;
  return std::nullopt;
}

}  // namespace ft
