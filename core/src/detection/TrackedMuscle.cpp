#include "TrackedMuscle.h"

#include <queue>

namespace ft::detection {
namespace {

bool in_view(const MotionRecord& m, int k, int c, int r) {
  const DisplacementField& f = m.cumulative[std::size_t(k)];
  const std::size_t i = f.index(c, r);
  const double x = f.x_px(c) + f.dx_px[i], y = f.y_px(r) + f.dy_px[i];
  const PixelRect& b = m.region.bounds;
  return x >= b.x0_px && y >= b.y0_px && x <= b.x1_px && y <= b.y1_px;
}

}  // namespace

std::vector<std::uint8_t> tracked_in_most_frames(const MotionRecord& m, int border, double share) {
  const DisplacementField& g = m.cumulative[0];
  std::vector<std::uint8_t> mask(g.size(), 0);
  for (int r = border; r < g.rows - border; ++r)
    for (int c = border; c < g.columns - border; ++c) {
      int valid = 0;
      for (const auto& f : m.cumulative) valid += f.valid[f.index(c, r)];
      mask[g.index(c, r)] = valid >= int(share * m.frame_count());
    }
  return mask;
}

std::vector<std::uint8_t> tracked_at(const MotionRecord& m, int border, int frame_a, int frame_b) {
  const DisplacementField& g = m.cumulative[0];
  const DisplacementField& a = m.cumulative[std::size_t(frame_a)];
  const DisplacementField& b = m.cumulative[std::size_t(frame_b)];
  std::vector<std::uint8_t> mask(g.size(), 0);
  for (int r = border; r < g.rows - border; ++r)
    for (int c = border; c < g.columns - border; ++c) mask[g.index(c, r)] = a.valid[g.index(c, r)] && b.valid[g.index(c, r)];
  return mask;
}

std::vector<std::uint8_t> trackable_in_view(const MotionRecord& m, int border, int frame_a, int frame_b) {
  const DisplacementField& g = m.cumulative[0];
  std::vector<std::uint8_t> mask(g.size(), 0);
  for (int r = border; r < g.rows - border; ++r)
    for (int c = border; c < g.columns - border; ++c) {
      if (!in_view(m, frame_a, c, r) || !in_view(m, frame_b, c, r)) continue;
      bool ever = false;
      for (std::size_t k = 1; k < m.cumulative.size() && !ever; ++k) ever = m.cumulative[k].valid[g.index(c, r)];
      mask[g.index(c, r)] = ever;  // never: no texture to track (shadow, anechoic fluid, flat)
    }
  return mask;
}

double tracked_fraction(const MotionRecord& m, int border, int frame_a, int frame_b) {
  const std::vector<std::uint8_t> trackable = trackable_in_view(m, border, frame_a, frame_b);
  const std::vector<std::uint8_t> both = tracked_at(m, border, frame_a, frame_b);
  long total = 0, tracked = 0;
  for (std::size_t i = 0; i < trackable.size(); ++i) {
    total += trackable[i];
    tracked += trackable[i] && both[i];
  }
  return total ? double(tracked) / double(total) : 0.0;
}

std::vector<std::vector<std::size_t>> components(const std::vector<std::uint8_t>& set, int columns, int rows) {
  std::vector<std::vector<std::size_t>> out;
  std::vector<std::uint8_t> seen(set.size(), 0);
  for (std::size_t start = 0; start < set.size(); ++start) {
    if (!set[start] || seen[start]) continue;
    std::vector<std::size_t> comp;
    std::queue<std::size_t> pending;
    pending.push(start);
    seen[start] = 1;
    while (!pending.empty()) {
      const std::size_t i = pending.front();
      pending.pop();
      comp.push_back(i);
      const int c = int(i % std::size_t(columns)), r = int(i / std::size_t(columns));
      for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) {
          const int cc = c + dc, rr = r + dr;
          if (cc < 0 || rr < 0 || cc >= columns || rr >= rows) continue;
          const std::size_t j = std::size_t(rr) * columns + cc;
          if (set[j] && !seen[j]) {
            seen[j] = 1;
            pending.push(j);
          }
        }
    }
    out.push_back(std::move(comp));
  }
  return out;
}

}  // namespace ft::detection
