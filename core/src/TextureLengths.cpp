#include "ft/core/TextureLengths.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ft/core/SummedArea.h"

namespace ft {
namespace {

constexpr int kBoxHalf = 15;           // the local mean's box: 31 px, about one template's width
constexpr int kTilePx = 128;           // lengths are read per tile, and the median over tiles taken
constexpr double kDarkest = 8;         // 8-bit grey levels at or below: a black margin or shadow, not texture
constexpr double kMostDarkShare = 0.4;  // a box with more of it beside a pixel: the pixel is not read

// Sums of what(grey) over the boxes of `image` of half size kBoxHalf, centred in image
// coordinates (the box must fit).
class BoxSums {
 public:
  template <class What>
  BoxSums(const Frame& frame, const PixelRect& image, What what)
      : table_(image.width_px(), image.height_px(),
               [&](int x, int y) { return what(frame.value(image.x0_px + x, image.y0_px + y)); }) {}
  double box(int x, int y) const { return table_.sum(x - kBoxHalf, y - kBoxHalf, x + kBoxHalf + 1, y + kBoxHalf + 1); }

 private:
  SummedArea table_;
};

// The image less its local mean (over the 31 px box), where the box fits. Not divided by the
// local spread: a block match weighs its template's structures by their contrast, and so does
// this autocorrelation; the median over tiles keeps one bright aponeurosis from deciding.
// Black or flat pixels (margins, shadow, a text panel) read 0 and do not count, nor do pixels
// whose box is more than two fifths black: beside a black margin the box's mean is dragged down
// and the image's edge would read as a long bright band.
struct HighPassed {
  int width = 0, height = 0;
  std::vector<float> values;
  float at(int x, int y) const { return values[std::size_t(y) * std::size_t(width) + std::size_t(x)]; }
};

HighPassed high_passed(const Frame& frame, const PixelRect& image) {
  const double darkest = kDarkest * grey_full_scale(frame) / 255.0, flat = grey_full_scale(frame) / 255.0;
  const BoxSums sum(frame, image, [](double v) { return v; });
  const BoxSums sum_sq(frame, image, [](double v) { return v * v; });
  const BoxSums dark(frame, image, [darkest](double v) { return v <= darkest ? 1.0 : 0.0; });
  const double n = double((2 * kBoxHalf + 1) * (2 * kBoxHalf + 1));
  HighPassed out;
  out.width = image.width_px() - 2 * kBoxHalf;
  out.height = image.height_px() - 2 * kBoxHalf;
  out.values.assign(std::size_t(out.width) * std::size_t(out.height), 0.0f);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      const int ix = x + kBoxHalf, iy = y + kBoxHalf;
      const double mean = sum.box(ix, iy) / n;
      const double spread = std::sqrt(std::max(0.0, sum_sq.box(ix, iy) / n - mean * mean));
      const double v = frame.value(image.x0_px + ix, image.y0_px + iy);
      if (v <= darkest || spread < flat || dark.box(ix, iy) > kMostDarkShare * n) continue;
      out.values[std::size_t(y) * std::size_t(out.width) + std::size_t(x)] = float(v - mean);
    }
  return out;
}

// Correlation of one tile with itself shifted by (dx, dy) inside the tile, over every other
// row and column (the shifts of interest span many pixels), normalised by both parts' energy.
double autocorrelation(const HighPassed& img, const PixelRect& tile, int dx, int dy) {
  double cross = 0.0, energy_a = 0.0, energy_b = 0.0;
  for (int y = tile.y0_px; y + dy <= tile.y1_px; y += 2)
    for (int x = tile.x0_px; x + dx <= tile.x1_px; x += 2) {
      const double a = img.at(x, y), b = img.at(x + dx, y + dy);
      cross += a * b;
      energy_a += a * a;
      energy_b += b * b;
    }
  return energy_a > 0.0 && energy_b > 0.0 ? cross / std::sqrt(energy_a * energy_b) : 0.0;
}

// The shift at which the tile's autocorrelation along one axis falls to one half (linear
// between whole pixels), at most the longest looked at.
double half_length(const HighPassed& img, const PixelRect& tile, bool lateral) {
  const int longest = std::min(int(TextureLengths::kLongestPx), (lateral ? tile.width_px() : tile.height_px()) / 2);
  double before = 1.0;
  for (int d = 1; d <= longest; ++d) {
    const double now = lateral ? autocorrelation(img, tile, d, 0) : autocorrelation(img, tile, 0, d);
    if (now < 0.5) return double(d - 1) + (before - 0.5) / (before - now);
    before = now;
  }
  return double(longest);
}

// Whether most of a tile is texture (not a black margin or shadow).
bool mostly_texture(const HighPassed& img, const PixelRect& tile) {
  long texture = 0, all = 0;
  for (int y = tile.y0_px; y <= tile.y1_px; y += 4)
    for (int x = tile.x0_px; x <= tile.x1_px; x += 4, ++all) texture += img.at(x, y) != 0.0f;
  return 2 * texture > all;
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

TextureLengths measure_texture_lengths(const Frame& frame, const PixelRect& image) {
  const PixelRect inside = image.intersected(PixelRect{0, 0, frame.width_px() - 1, frame.height_px() - 1});
  if (inside.empty() || inside.width_px() < kTilePx + 2 * kBoxHalf || inside.height_px() < kTilePx + 2 * kBoxHalf) return {};
  const HighPassed img = high_passed(frame, inside);
  // As many whole tiles as fit, spread from side to side (one alone in the middle), none
  // overlapping: a structure in two tiles would count twice.
  const int across = img.width / kTilePx, down = img.height / kTilePx;
  std::vector<double> lateral, axial;
  for (int j = 0; j < down; ++j)
    for (int i = 0; i < across; ++i) {
      const int x0 = across > 1 ? i * (img.width - kTilePx) / (across - 1) : (img.width - kTilePx) / 2;
      const int y0 = down > 1 ? j * (img.height - kTilePx) / (down - 1) : (img.height - kTilePx) / 2;
      const PixelRect tile{x0, y0, x0 + kTilePx - 1, y0 + kTilePx - 1};
      if (!mostly_texture(img, tile)) continue;
      lateral.push_back(half_length(img, tile, true));
      axial.push_back(half_length(img, tile, false));
    }
  if (lateral.empty()) return {};
  TextureLengths t;
  t.lateral_px = median(lateral);
  t.axial_px = median(axial);
  return t;
}

}  // namespace ft
