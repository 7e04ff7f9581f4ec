#include "ft/core/DepthScale.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <vector>

namespace ft {
namespace {

// How far beyond the image's edge a tick may start: most scanners draw the ruler alongside the
// image (2-12 px), where it is looked for first; Telemed's software draws it 137 px away, as
// ticks on a vertical line (a spine), among other graphics (a grey bar, the focus marker, text).
constexpr int kNearSearchPx = 12;
constexpr int kFarSearchPx = 160;
constexpr int kMaxColumnsTried = 6;  // columns of marks judged per side and anchor, the best-filled first
constexpr int kMinTicks = 4;
constexpr double kSpacingTolerance = 0.12;  // of the median spacing
constexpr double kMinCoverage = 0.6;        // of the image's height spanned by the ticks
constexpr double kMinDepthMm = 10.0, kMaxDepthMm = 120.0;  // an imaged depth outside: not a depth scale
constexpr double kHintTolerance = 0.3;      // |log| of ruler / speckle estimate that picks a reading (x1.35)
// |log| of ruler / speckle estimate beyond which even an unambiguous long/short pattern is not
// believed (x1.8): it is some other regular pattern.
constexpr double kPatternHintTolerance = 0.59;
constexpr double kMinSpineShare = 0.9;    // of the rows between the first and last tick where the spine is drawn
constexpr double kMaxDisagreement = 0.03;  // between two readings taken as the same scale

struct Mark {
  double y_px = 0.0;
  int x_px = 0;          // where it starts (the image side)
  int length_px = 0;
  int far_x_px = 0;      // where it ends, away from the image
  bool on_spine = false;  // it ends on a vertical line (the line's pixel not counted in it)
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
      if (thin) out.push_back(Mark{double(y), x0, tick, x0 + side * (tick - 1), on_spine});
      offset += length;
    }
  return out;
}

// A candidate ruler: marks lined up in one column.
struct Column {
  std::vector<Mark> ticks;  // top to bottom, a mark 2 px tall counted once
  bool spine = false;       // its ticks hang off a vertical line (any of them does)
  int marks = 0;            // marks within +-1 px of the column (its rank)
};

// The marks that line up (+-1 px) at `anchor`: their image-side start, or, for a spine
// ruler, their far end (its long and short ticks start at different places but all end on
// the spine; only marks that end on a line count then).
Column column_at(const std::vector<Mark>& marks, int Mark::*anchor, int x_px, bool spine_only) {
  Column column;
  for (const Mark& m : marks) {
    if (std::abs(m.*anchor - x_px) > 1 || (spine_only && !m.on_spine)) continue;
    ++column.marks;
    column.spine = column.spine || m.on_spine;
    if (!column.ticks.empty() && m.y_px - column.ticks.back().y_px <= 1.5) {
      column.ticks.back().y_px = 0.5 * (column.ticks.back().y_px + m.y_px);
      column.ticks.back().length_px = std::max(column.ticks.back().length_px, m.length_px);
    } else {
      column.ticks.push_back(m);
    }
  }
  return column;
}

// The best-filled columns at one anchor: counts within +-1 px, a column taken hides the
// places within 2 px of it (one column of text would otherwise fill every slot), ties to
// the column nearer the image.
std::vector<Column> columns_at(const std::vector<Mark>& marks, int Mark::*anchor, bool spine_only, int edge_x) {
  std::map<int, int> at;
  for (const Mark& m : marks)
    if (!spine_only || m.on_spine) ++at[m.*anchor];
  auto count = [&](int x) { return at.count(x) ? at.at(x) : 0; };
  std::vector<int> xs;
  for (const auto& [x, n] : at) xs.push_back(x);
  std::sort(xs.begin(), xs.end(), [&](int a, int b) {
    const int na = count(a - 1) + count(a) + count(a + 1), nb = count(b - 1) + count(b) + count(b + 1);
    return na != nb ? na > nb : std::abs(a - edge_x) < std::abs(b - edge_x);
  });
  std::vector<Column> out;
  std::vector<int> taken;
  for (int x : xs) {
    if (int(out.size()) >= kMaxColumnsTried) break;
    if (std::any_of(taken.begin(), taken.end(), [x](int t) { return std::abs(t - x) <= 2; })) continue;
    taken.push_back(x);
    Column c = column_at(marks, anchor, x, spine_only);
    if (int(c.ticks.size()) >= kMinTicks) out.push_back(std::move(c));
  }
  return out;
}

// Candidate rulers on one side: columns by where their marks start, and columns of marks
// hanging off a line by where they end; the best-filled first (scanner text beside the image
// also lines up, at the left edge of its lines, and may fill a column better).
std::vector<Column> ruler_columns(const std::vector<Mark>& marks, int edge_x) {
  std::vector<Column> out = columns_at(marks, &Mark::x_px, false, edge_x);
  // A ruler whose ticks are all one length lines up at both ends: judge it once.
  auto same_ticks = [](const Column& a, const Column& b) {
    auto same_row = [](const Mark& m, const Mark& n) { return m.y_px == n.y_px; };
    return a.ticks.size() == b.ticks.size() && std::equal(a.ticks.begin(), a.ticks.end(), b.ticks.begin(), same_row);
  };
  for (Column& c : columns_at(marks, &Mark::far_x_px, true, edge_x))
    if (std::none_of(out.begin(), out.end(), [&](const Column& o) { return same_ticks(o, c); })) out.push_back(std::move(c));
  std::stable_sort(out.begin(), out.end(), [](const Column& a, const Column& b) { return a.marks > b.marks; });
  return out;
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

bool agrees_with_hint(double mm_per_px, std::optional<double> hint_mm_per_px, double tolerance) {
  return !hint_mm_per_px || *hint_mm_per_px <= 0 || std::abs(std::log(mm_per_px / *hint_mm_per_px)) <= tolerance;
}

// Centimetres per tick step: 0.5 for long and short ticks strictly alternating; for ticks of
// one length 1 or 0.5, whichever agrees with the speckle estimate (none without one or
// when neither does); none for any other pattern (a 2-mm ruler, majors every 5 cm) and for
// a pattern the estimate says is far from that scale.
std::optional<double> cm_per_step(std::vector<Mark> ticks, bool spine, double spacing_px,
                                  std::optional<double> hint_mm_per_px) {
  if (spine) {
    // Telemed draws the 0 and full-depth ticks of its spine longer than all the others: the
    // pattern is read between them (at least three ticks).
    int inner_longest = 0;
    for (std::size_t i = 1; i + 1 < ticks.size(); ++i) inner_longest = std::max(inner_longest, ticks[i].length_px);
    const bool drop_last = ticks.back().length_px >= inner_longest + 2;
    const bool drop_first = ticks.front().length_px >= inner_longest + 2;
    if (int(ticks.size()) - drop_last - drop_first >= 3) {
      if (drop_last) ticks.pop_back();
      if (drop_first) ticks.erase(ticks.begin());
    }
  }
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
    if (long_ticks < 2 || !agrees_with_hint(5.0 / spacing_px, hint_mm_per_px, kPatternHintTolerance)) return std::nullopt;
    return 0.5;
  }
  if (!hint_mm_per_px || *hint_mm_per_px <= 0) return std::nullopt;
  for (double cm : {1.0, 0.5})
    if (agrees_with_hint(10.0 * cm / spacing_px, hint_mm_per_px, kHintTolerance)) return cm;
  return std::nullopt;
}

// A spine ruler's line runs on between its ticks: the middle arms of a column of E's, or
// short marks that only touch something, do not. Asked of every column with a tick on a line,
// whichever end it was lined up by.
bool spine_is_drawn(const Frame& f, const Column& column, int side, float level) {
  std::vector<double> xs;
  for (const Mark& t : column.ticks) xs.push_back(t.far_x_px + side);
  const int x = int(median(xs));
  const int top = int(std::ceil(column.ticks.front().y_px)), bottom = int(column.ticks.back().y_px);
  int drawn = 0;
  for (int y = top; y <= bottom; ++y) drawn += bright(f, x - 1, y, level) || bright(f, x, y, level) || bright(f, x + 1, y, level);
  return drawn >= kMinSpineShare * (bottom - top + 1);
}

// Whether a column is laid out as a depth scale: regular ticks running down the image from
// near the skin line (what it measures is cm_per_step's question).
bool laid_out_as_ruler(const Column& column, const PixelRect& image) {
  const std::vector<Mark>& ticks = column.ticks;
  if (int(ticks.size()) < kMinTicks) return false;
  std::vector<double> spacing;
  for (std::size_t i = 1; i < ticks.size(); ++i) spacing.push_back(ticks[i].y_px - ticks[i - 1].y_px);
  const double d = median(spacing);
  if (d < 4.0) return false;
  for (double s : spacing)
    if (std::abs(s - d) > kSpacingTolerance * d) return false;
  const double span = ticks.back().y_px - ticks.front().y_px;
  return span >= kMinCoverage * image.height_px() && ticks.front().y_px - image.y0_px <= 1.5 * d;
}

// Where the ruler's ticks start: the most common start (a longer end tick starts further
// out), as px from the image's edge.
int distance_from_image(const Column& column, const PixelRect& image, int side) {
  std::vector<double> starts;
  for (const Mark& t : column.ticks) starts.push_back(t.x_px);
  return std::abs(int(median(starts)) - (side > 0 ? image.x1_px : image.x0_px)) - 1;
}

// The scale one column of marks gives, if it is a ruler.
std::optional<DepthScale> read_column(const Frame& f, const Column& column, const PixelRect& image, int side,
                                      float level, std::optional<double> hint_mm_per_px) {
  if (!laid_out_as_ruler(column, image)) return std::nullopt;
  if (column.spine && !spine_is_drawn(f, column, side, level)) return std::nullopt;
  // Ticks sit on whole pixels: their mean spacing over the whole ruler, not the median
  // of rounded steps (33, 34, 33 px for 0.15 mm/px), gives the scale to a fraction of a px.
  const std::vector<Mark>& ticks = column.ticks;
  const double span = ticks.back().y_px - ticks.front().y_px;
  const double mean_spacing = span / double(ticks.size() - 1);
  const std::optional<double> cm = cm_per_step(ticks, column.spine, mean_spacing, hint_mm_per_px);
  if (!cm) return std::nullopt;
  DepthScale scale;
  scale.px_per_cm = mean_spacing / *cm;
  scale.ticks = int(ticks.size());
  scale.right_side = side > 0;
  scale.distance_px = distance_from_image(column, image, side);
  const double depth_mm = image.height_px() * scale.mm_per_px();
  if (depth_mm < kMinDepthMm || depth_mm > kMaxDepthMm) return std::nullopt;
  return scale;
}

// Graphics level: near the brightest value within reach_px + 12 px of the image on the
// given sides. 0 where all is black.
float graphics_level(const Frame& frame, const PixelRect& image, int reach_px, std::initializer_list<int> sides) {
  float strip_max = 0.0f;
  for (int y = image.y0_px; y <= image.y1_px; ++y)
    for (int side : sides)
      for (int i = 1; i <= reach_px + 12; ++i) {
        const int x = side > 0 ? image.x1_px + i : image.x0_px - i;
        if (x >= 0 && x < frame.width_px() && y >= 0 && y < frame.height_px()) strip_max = std::max(strip_max, frame.value(x, y));
      }
  return 0.6f * strip_max;
}

// What was found within reach_px on both sides: the readings, and whether some column was
// laid out as a ruler (read or not).
struct Search {
  std::vector<DepthScale> readings;
  bool ruler_seen = false;
};

// Beside the image the level is set by both strips, as it always was; further out by each
// side's own graphics (a white grey-bar on one side must not hide a dimmer ruler on the
// other), and only a ruler drawn as ticks on a line is taken there: a column of loose marks
// so far out is as likely text, icons or another image's graphics.
Search search_within(const Frame& frame, const PixelRect& image, int reach_px, std::optional<double> hint_mm_per_px) {
  Search out;
  const bool far = reach_px > kNearSearchPx;
  const float both_sides_level = far ? 0.0f : graphics_level(frame, image, reach_px, {-1, +1});
  for (int side : {+1, -1}) {
    const float level = far ? graphics_level(frame, image, reach_px, {side}) : both_sides_level;
    if (level <= 0.0f) continue;
    const int edge_x = side > 0 ? image.x1_px + 1 : image.x0_px - 1;
    for (const Column& c : ruler_columns(marks_on_side(frame, image, side, reach_px, level), edge_x)) {
      if (far && !c.spine) continue;
      out.ruler_seen = out.ruler_seen || laid_out_as_ruler(c, image);
      if (auto scale = read_column(frame, c, image, side, level, hint_mm_per_px)) out.readings.push_back(*scale);
    }
  }
  return out;
}

}  // namespace

std::optional<DepthScale> read_depth_scale(const Frame& frame, const PixelRect& image, std::optional<double> hint_mm_per_px) {
  if (frame.empty() || image.height_px() < 8) return std::nullopt;
  // Beside the image first; further out only where nothing laid out as a ruler is beside it
  // (a ruler there that cannot be read is no reason to read another one further out).
  for (int reach_px : {kNearSearchPx, kFarSearchPx}) {
    const Search search = search_within(frame, image, reach_px, hint_mm_per_px);
    const std::vector<DepthScale>& readings = search.readings;
    if (readings.empty() && search.ruler_seen) return std::nullopt;
    if (readings.empty()) continue;
    // Two rulers that disagree (a dual view's other image, another pattern that passed):
    // no scale rather than a guess between them.
    for (const DepthScale& r : readings)
      if (std::abs(std::log(r.px_per_cm / readings.front().px_per_cm)) > kMaxDisagreement) return std::nullopt;
    return readings.front();
  }
  return std::nullopt;
}

}  // namespace ft
