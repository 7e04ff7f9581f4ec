#include "ft/core/DepthScale.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace ft {
namespace {

// How far beyond the image's edge a tick may start: most scanners draw the ruler alongside the
// image (2-12 px), where it is looked for first; Telemed's software draws it 137 px away, as
// ticks on a vertical line, among other graphics (a grey bar, the focus marker, text).
constexpr int kNearSearchPx = 12;
constexpr int kFarSearchPx = 160;
constexpr int kMaxColumnsTried = 6;  // columns of marks judged per side, the best-filled first
constexpr int kMinTicks = 4;
constexpr double kSpacingTolerance = 0.12;  // of the median spacing
constexpr double kMinCoverage = 0.6;        // of the image's height spanned by the ticks
constexpr double kMinDepthMm = 10.0, kMaxDepthMm = 120.0;  // an imaged depth outside: not a depth scale
constexpr double kHintTolerance = 0.3;      // |log| of ruler / speckle estimate that picks a reading (x1.35)

struct Mark {
  double y_px = 0.0;
  int x_px = 0;        // where it starts (the image side)
  int length_px = 0;
  int far_x_px = 0;    // where it ends (away from the image; on the spine's side for a spine ruler)
};

bool bright(const Frame& f, int x, int y, float level) {
  return x >= 0 && y >= 0 && x < f.width_px() && y < f.height_px() && f.value(x, y) >= level;
}

// Every thin horizontal mark (2-12 px long, dark two rows above and below) that starts
// within reach_px of the image's edge on one side, running away from the image. A mark
// that ends on a vertical line (a ruler drawn as a spine with ticks: the line is bright above
// and below too) is the tick without the line's pixel.
std::vector<Mark> marks_on_side(const Frame& f, const PixelRect& image, int side, int reach_px, float level) {
  const int edge = side > 0 ? image.x1_px + 1 : image.x0_px - 1;
  std::vector<Mark> out;
  for (int y = image.y0_px; y <= image.y1_px; ++y)
    for (int offset = 0; offset <= reach_px; ++offset) {
      const int x0 = edge + side * offset;
      if (!bright(f, x0, y, level) || bright(f, x0 - side, y, level)) continue;
      int length = 0;
      while (length <= 12 && bright(f, x0 + side * length, y, level)) ++length;
      const int last = x0 + side * (length - 1);
      const bool on_spine = length >= 3 && bright(f, last, y - 2, level) && bright(f, last, y + 2, level);
      const int tick = on_spine ? length - 1 : length;
      bool thin = tick >= 2 && length <= 12;
      for (int i = 0; i < tick && thin; ++i)
        thin = !bright(f, x0 + side * i, y - 2, level) && !bright(f, x0 + side * i, y + 2, level);
      if (thin) out.push_back(Mark{double(y), x0, tick, x0 + side * (tick - 1)});
      offset += length;
    }
  return out;
}

// The marks that line up (+-1 px) at `anchor` (their image-side start, or their far end: a
// spine ruler's long and short ticks start at different places but all end on the spine),
// a mark 2 px tall counted once.
std::vector<Mark> column_at(const std::vector<Mark>& marks, int Mark::*anchor, int x_px) {
  std::vector<Mark> ticks;
  for (const Mark& m : marks) {
    if (std::abs(m.*anchor - x_px) > 1) continue;
    if (!ticks.empty() && m.y_px - ticks.back().y_px <= 1.5) {
      ticks.back().y_px = 0.5 * (ticks.back().y_px + m.y_px);
      ticks.back().length_px = std::max(ticks.back().length_px, m.length_px);
    } else {
      ticks.push_back(m);
    }
  }
  return ticks;
}

// Candidate rulers: columns of lined-up marks, the best-filled first (scanner text beside the
// image also lines up, at the left edge of its lines, and may fill a column better).
std::vector<std::vector<Mark>> ruler_columns(const std::vector<Mark>& marks) {
  std::vector<std::pair<int, std::vector<Mark>>> columns;
  for (int Mark::*anchor : {&Mark::x_px, &Mark::far_x_px}) {
    std::map<int, int> at;
    for (const Mark& m : marks) ++at[m.*anchor];
    std::vector<std::pair<int, int>> by_count;  // (marks within +-1 px, x)
    for (const auto& [x, n] : at)
      by_count.emplace_back(n + (at.count(x - 1) ? at.at(x - 1) : 0) + (at.count(x + 1) ? at.at(x + 1) : 0), x);
    std::sort(by_count.rbegin(), by_count.rend());
    for (std::size_t i = 0; i < by_count.size() && int(i) < kMaxColumnsTried; ++i)
      if (by_count[i].first >= kMinTicks) columns.emplace_back(by_count[i].first, column_at(marks, anchor, by_count[i].second));
  }
  std::stable_sort(columns.begin(), columns.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::vector<Mark>> out;
  for (auto& c : columns) out.push_back(std::move(c.second));
  return out;
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Centimetres per tick step: 0.5 for long and short ticks strictly alternating; for ticks of
// one length 1 or 0.5, whichever agrees with the speckle estimate (none without one or
// when neither does); none for any other pattern (a 2-mm ruler, majors every 5 cm).
std::optional<double> cm_per_step(std::vector<Mark> ticks, double spacing_px, std::optional<double> hint_mm_per_px) {
  // A ruler's end ticks (0 and the imaged depth) may be drawn longer than all the others
  // (Telemed): the pattern is read between them.
  int inner_longest = 0;
  for (std::size_t i = 1; i + 1 < ticks.size(); ++i) inner_longest = std::max(inner_longest, ticks[i].length_px);
  if (int(ticks.size()) > kMinTicks && ticks.back().length_px >= inner_longest + 2) ticks.pop_back();
  if (int(ticks.size()) > kMinTicks && ticks.front().length_px >= inner_longest + 2) ticks.erase(ticks.begin());
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

// The scale one column of marks gives, if it is a ruler.
std::optional<DepthScale> read_column(const std::vector<Mark>& ticks, const PixelRect& image, int side,
                                      std::optional<double> hint_mm_per_px) {
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

std::optional<DepthScale> read_side(const Frame& f, const PixelRect& image, int side, int reach_px, float level,
                                    std::optional<double> hint_mm_per_px) {
  for (const std::vector<Mark>& ticks : ruler_columns(marks_on_side(f, image, side, reach_px, level)))
    if (auto scale = read_column(ticks, image, side, hint_mm_per_px)) return scale;
  return std::nullopt;
}

// Graphics level: near the brightest value within reach_px + 12 px of the image, left and
// right of it. 0 where all is black.
float graphics_level(const Frame& frame, const PixelRect& image, int reach_px) {
  float strip_max = 0.0f;
  for (int y = image.y0_px; y <= image.y1_px; ++y)
    for (int side : {-1, +1})
      for (int i = 1; i <= reach_px + 12; ++i) {
        const int x = side > 0 ? image.x1_px + i : image.x0_px - i;
        if (x >= 0 && x < frame.width_px() && y >= 0 && y < frame.height_px()) strip_max = std::max(strip_max, frame.value(x, y));
      }
  return 0.6f * strip_max;
}

}  // namespace

std::optional<DepthScale> read_depth_scale(const Frame& frame, const PixelRect& image, std::optional<double> hint_mm_per_px) {
  if (frame.empty() || image.height_px() < 8) return std::nullopt;
  // Beside the image first, as before the far reach existed: there the level is set by the
  // ruler's own strip, not by brighter graphics further out.
  for (int reach_px : {kNearSearchPx, kFarSearchPx}) {
    const float level = graphics_level(frame, image, reach_px);
    if (level <= 0.0f) continue;
    for (int side : {+1, -1})
      if (auto scale = read_side(frame, image, side, reach_px, level, hint_mm_per_px)) return scale;
  }
  return std::nullopt;
}

}  // namespace ft
