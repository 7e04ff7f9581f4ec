#include "ft/core/DepthScale.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ft {
namespace {

constexpr int kStripPx = 24;     // how far from the image the ruler is looked for
constexpr int kMinTicks = 4;
constexpr double kSpacingTolerance = 0.12;  // of the median spacing

struct Tick {
  double y_px = 0.0;
  int length_px = 0;
};

// Bright relative to the strip: scanner graphics are drawn near white on black.
bool bright(const Frame& f, int x, int y, float level) {
  return x >= 0 && y >= 0 && x < f.width_px() && y < f.height_px() && f.value(x, y) >= level;
}

// Horizontal marks 2-12 px long and at most 2 px tall that start next to the image edge
// (within 4 px) and run away from it. Text labels further out are not ticks.
std::vector<Tick> ticks_on_side(const Frame& f, const PixelRect& image, int side, float level) {
  const int edge = side > 0 ? image.x1_px + 1 : image.x0_px - 1;
  std::vector<Tick> out;
  for (int y = image.y0_px; y <= image.y1_px; ++y) {
    for (int start = 0; start < 4; ++start) {
      const int x0 = edge + side * start;
      // A mark starts here: bright, with the pixel before it (towards the image) dark.
      if (!bright(f, x0, y, level) || (start > 0 && bright(f, x0 - side, y, level))) continue;
      int length = 0;
      while (length <= 12 && bright(f, x0 + side * length, y, level)) ++length;
      if (length < 2 || length > 12) break;
      // Thin: the rows two above and below are dark along the mark.
      bool thin = true;
      for (int i = 0; i < length && thin; ++i)
        thin = !bright(f, x0 + side * i, y - 2, level) && !bright(f, x0 + side * i, y + 2, level);
      if (!thin) break;
      if (!out.empty() && y - out.back().y_px <= 1.5) {  // a 2-px tall mark: one tick
        out.back().y_px = 0.5 * (out.back().y_px + y);
        out.back().length_px = std::max(out.back().length_px, length);
      } else {
        out.push_back(Tick{double(y), length});
      }
      break;
    }
  }
  return out;
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// The regular run of ticks: all spacings within tolerance of their median.
std::optional<DepthScale> regular_scale(const std::vector<Tick>& ticks, bool right_side) {
  if (int(ticks.size()) < kMinTicks) return std::nullopt;
  std::vector<double> spacing;
  for (std::size_t i = 1; i < ticks.size(); ++i) spacing.push_back(ticks[i].y_px - ticks[i - 1].y_px);
  const double d = median(spacing);
  if (d < 4.0) return std::nullopt;
  for (double s : spacing)
    if (std::abs(s - d) > kSpacingTolerance * d) return std::nullopt;
  // Ticks sit on whole pixels: their mean spacing over the whole ruler, not the median
  // of rounded steps (33, 34, 33 px for 0.15 mm/px), gives the scale to a fraction of a px.
  const double mean_spacing = (ticks.back().y_px - ticks.front().y_px) / double(ticks.size() - 1);
  // Long and short ticks alternating: the long ones are the centimetres.
  int long_even = 0, long_odd = 0, shorter = 0;
  const int longest = std::max_element(ticks.begin(), ticks.end(), [](const Tick& a, const Tick& b) {
                        return a.length_px < b.length_px;
                      })->length_px;
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    const bool is_long = ticks[i].length_px == longest;
    shorter += !is_long;
    (i % 2 == 0 ? long_even : long_odd) += is_long;
  }
  const bool alternating = shorter > 0 && (long_even == 0 || long_odd == 0);
  DepthScale scale;
  scale.px_per_cm = alternating ? 2.0 * mean_spacing : mean_spacing;
  scale.ticks = int(ticks.size());
  scale.right_side = right_side;
  return scale;
}

}  // namespace

std::optional<DepthScale> read_depth_scale(const Frame& frame, const PixelRect& image) {
  if (frame.empty()) return std::nullopt;
  // Graphics level: near the brightest value in the strips beside the image.
  float strip_max = 0.0f;
  for (int y = image.y0_px; y <= image.y1_px; ++y)
    for (int side : {-1, +1})
      for (int i = 1; i <= kStripPx; ++i) {
        const int x = side > 0 ? image.x1_px + i : image.x0_px - i;
        if (x >= 0 && x < frame.width_px() && y >= 0 && y < frame.height_px()) strip_max = std::max(strip_max, frame.value(x, y));
      }
  if (strip_max <= 0.0f) return std::nullopt;
  const float level = 0.6f * strip_max;
  for (int side : {+1, -1})
    if (auto scale = regular_scale(ticks_on_side(frame, image, side, level), side > 0)) return scale;
  return std::nullopt;
}

}  // namespace ft
