#include "ft/dicom/BurnedInText.h"

#include <algorithm>

#include "ft/core/Error.h"

namespace ft::dicom {
namespace {

struct Blob {
  PixelRect box;
  int brightest = 0;
  int median = 0;  // of the blob's values
  int ring_mean = 0;  // of the darker pixels touching it
  int height_px() const { return box.height_px(); }
};

// The 8-connected blobs of bright pixels that stayed still within `window`, by bounding box.
std::vector<Blob> bright_blobs(const Frame& image, const std::vector<std::uint8_t>& still, int threshold,
                               const PixelRect& window) {
  const int w = image.width_px();
  const std::uint8_t* value = image.data8();
  const int ww = window.width_px();
  std::vector<std::uint8_t> seen(std::size_t(ww) * std::size_t(window.height_px()), 0);
  const auto seen_at = [&](int x, int y) -> std::uint8_t& {
    return seen[std::size_t(y - window.y0_px) * std::size_t(ww) + std::size_t(x - window.x0_px)];
  };
  std::vector<Blob> blobs;
  std::vector<std::pair<int, int>> stack;
  std::vector<std::uint8_t> values;
  for (int y = window.y0_px; y <= window.y1_px; ++y)
    for (int x = window.x0_px; x <= window.x1_px; ++x) {
      const std::size_t i = std::size_t(y) * std::size_t(w) + std::size_t(x);
      const auto bright = [&](std::size_t k) { return value[k] >= threshold && (still.empty() || still[k]); };
      if (seen_at(x, y) || !bright(i)) continue;
      Blob b{{x, y, x, y}};
      seen_at(x, y) = 1;
      stack.assign(1, {x, y});
      values.clear();
      long ring_sum = 0, ring_count = 0;
      while (!stack.empty()) {
        const auto [cx, cy] = stack.back();
        stack.pop_back();
        values.push_back(value[std::size_t(cy) * std::size_t(w) + std::size_t(cx)]);
        b.box = {std::min(b.box.x0_px, cx), std::min(b.box.y0_px, cy), std::max(b.box.x1_px, cx), std::max(b.box.y1_px, cy)};
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const int nx = cx + dx, ny = cy + dy;
            if (nx < 0 || ny < 0 || nx >= w || ny >= image.height_px()) continue;
            const std::size_t k = std::size_t(ny) * std::size_t(w) + std::size_t(nx);
            if (!bright(k)) {  // the ring is read beyond the window too: a glyph may touch its edge
              ring_sum += value[k];
              ++ring_count;
              continue;
            }
            // A bright pixel outside the window is part of a blob the window was cut from.
            if (!window.contains(nx, ny) || seen_at(nx, ny)) continue;
            seen_at(nx, ny) = 1;
            stack.emplace_back(nx, ny);
          }
      }
      std::nth_element(values.begin(), values.begin() + long(values.size() / 2), values.end());
      b.median = values[values.size() / 2];
      b.brightest = *std::max_element(values.begin(), values.end());
      b.ring_mean = ring_count ? int(ring_sum / ring_count) : 0;
      blobs.push_back(b);
    }
  return blobs;
}

// Glyph sized, drawn in one colour and with a sharp edge: a speckle blob rises smoothly from
// its surroundings to its peak; a letter is as bright across its strokes as at its brightest
// pixel and stands well above what touches it.
bool glyph_like(const Blob& b, const TextFinderParameters& p) {
  return b.height_px() >= p.min_glyph_height_px && b.height_px() <= p.max_glyph_height_px &&
         b.box.width_px() <= p.max_glyph_width_px && b.brightest - b.median <= p.max_glyph_shading &&
         b.median - b.ring_mean >= p.min_edge_contrast;
}

struct Line {
  PixelRect box;
  Blob last;
  int glyphs = 0;
};

// Whether `g` continues the line whose last glyph is `last`: the two overlap in height by half
// the smaller one, are of a similar size, and lie close beside each other.
bool continues(const Blob& last, const Blob& g, const TextFinderParameters& p) {
  const int overlap = std::min(last.box.y1_px, g.box.y1_px) - std::max(last.box.y0_px, g.box.y0_px) + 1;
  const int low = std::min(last.height_px(), g.height_px()), high = std::max(last.height_px(), g.height_px());
  const int gap = g.box.x0_px - last.box.x1_px - 1;
  return 2 * overlap >= low && 2 * high <= 5 * low && gap >= -low && gap <= p.max_gap_in_heights * high;
}

PixelRect with_margin(const PixelRect& r, int margin, int w, int h) {
  return {std::max(0, r.x0_px - margin), std::max(0, r.y0_px - margin), std::min(w - 1, r.x1_px + margin),
          std::min(h - 1, r.y1_px + margin)};
}

}  // namespace

std::vector<PixelRect> find_text_lines(const Frame& frame, const std::vector<std::uint8_t>& still,
                                       const TextFinderParameters& p) {
  if (frame.depth() != PixelDepth::Bits8) throw Error(ErrorCode::InvalidArgument, "text is looked for in 8-bit luminance");
  std::vector<Blob> glyphs;
  const PixelRect whole{0, 0, frame.width_px() - 1, frame.height_px() - 1};
  for (const Blob& b : bright_blobs(frame, still, p.bright_threshold, whole)) {
    if (glyph_like(b, p)) {
      glyphs.push_back(b);
    } else if (b.brightest - p.max_glyph_shading > p.bright_threshold) {
      // Text drawn over bright tissue joins it at the first threshold: look again for what is
      // as bright as the blob's brightest, within the blob's box.
      for (const Blob& inner : bright_blobs(frame, still, b.brightest - p.max_glyph_shading, b.box))
        if (glyph_like(inner, p)) glyphs.push_back(inner);
    }
  }
  std::sort(glyphs.begin(), glyphs.end(), [](const Blob& a, const Blob& b) { return a.box.x0_px < b.box.x0_px; });
  std::vector<Line> lines;
  for (const Blob& g : glyphs) {
    Line* best = nullptr;
    for (Line& l : lines)
      if (continues(l.last, g, p) && (!best || l.last.box.x1_px > best->last.box.x1_px)) best = &l;
    if (!best) {
      lines.push_back({g.box, g, 1});
      continue;
    }
    best->box = {std::min(best->box.x0_px, g.box.x0_px), std::min(best->box.y0_px, g.box.y0_px),
                 std::max(best->box.x1_px, g.box.x1_px), std::max(best->box.y1_px, g.box.y1_px)};
    best->last = g;
    ++best->glyphs;
  }
  std::vector<PixelRect> out;
  for (const Line& l : lines)
    if (l.glyphs >= p.min_glyphs_per_line) out.push_back(with_margin(l.box, p.margin_px, frame.width_px(), frame.height_px()));
  return out;
}

}  // namespace ft::dicom
