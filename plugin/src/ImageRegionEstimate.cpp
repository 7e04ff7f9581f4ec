#include "ft/plugin/ImageRegionEstimate.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <vector>

#include "ft/core/SummedArea.h"

namespace ft {
namespace {

// Box mean over (2r+1)^2, the box cut at the edges.
std::vector<float> box_mean(const std::vector<float>& v, int w, int h, int r) {
  const SummedArea table(w, h, [&](int x, int y) { return v[std::size_t(y) * w + x]; });
  std::vector<float> out(v.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int x0 = std::max(0, x - r), x1 = std::min(w, x + r + 1), y0 = std::max(0, y - r), y1 = std::min(h, y + r + 1);
      out[std::size_t(y) * w + x] = float(table.sum(x0, y0, x1, y1) / double((x1 - x0) * (y1 - y0)));
    }
  return out;
}

}  // namespace

std::string taken_image_area(const PixelRect& area) {
  return "the moving image area was taken (x " + std::to_string(area.x0_px) + "-" + std::to_string(area.x1_px) + ", y " +
         std::to_string(area.y0_px) + "-" + std::to_string(area.y1_px) + ")";
}

PixelRect estimate_image_region(int frame_count, const FrameAt& frame_at, const PixelRect& whole) {
  const int w = whole.width_px(), h = whole.height_px();
  if (frame_count < 2 || w < 32 || h < 32) return whole;
  std::vector<float> activity(std::size_t(w) * std::size_t(h), 0.0f);
  const int pairs = std::min(8, frame_count - 1);
  for (int p = 0; p < pairs; ++p) {
    const int k = int(std::lround(double(p) * (frame_count - 2) / std::max(1, pairs - 1)));
    const Frame a = frame_at(k), b = frame_at(k + 1);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        activity[std::size_t(y) * w + x] += std::abs(a.value(whole.x0_px + x, whole.y0_px + y) - b.value(whole.x0_px + x, whole.y0_px + y));
  }
  const std::vector<float> smooth = box_mean(activity, w, h, 4);
  std::vector<float> sorted = smooth;
  std::nth_element(sorted.begin(), sorted.begin() + long(sorted.size() * 95 / 100), sorted.end());
  const float threshold = 0.25f * sorted[sorted.size() * 95 / 100];
  if (threshold <= 0) return whole;
  // Largest 4-connected moving area.
  std::vector<int> label(smooth.size(), 0);
  int best_label = 0;
  std::size_t best_size = 0;
  PixelRect best_box;
  int next = 0;
  for (std::size_t start = 0; start < smooth.size(); ++start) {
    if (label[start] || smooth[start] <= threshold) continue;
    ++next;
    std::queue<std::size_t> pending;
    pending.push(start);
    label[start] = next;
    std::size_t size = 0;
    PixelRect box{w, h, -1, -1};
    while (!pending.empty()) {
      const std::size_t i = pending.front();
      pending.pop();
      ++size;
      const int x = int(i % std::size_t(w)), y = int(i / std::size_t(w));
      box = {std::min(box.x0_px, x), std::min(box.y0_px, y), std::max(box.x1_px, x), std::max(box.y1_px, y)};
      const int nx[4] = {x - 1, x + 1, x, x}, ny[4] = {y, y, y - 1, y + 1};
      for (int d = 0; d < 4; ++d) {
        if (nx[d] < 0 || ny[d] < 0 || nx[d] >= w || ny[d] >= h) continue;
        const std::size_t j = std::size_t(ny[d]) * w + nx[d];
        if (!label[j] && smooth[j] > threshold) {
          label[j] = next;
          pending.push(j);
        }
      }
    }
    if (size > best_size) {
      best_size = size;
      best_label = next;
      best_box = box;
    }
  }
  if (!best_label || best_box.width_px() < 64 || best_box.height_px() < 64 ||
      double(best_box.width_px()) * best_box.height_px() < 0.15 * double(w) * h)
    return whole;
  // The box mean spreads the edge by its radius: take it back in.
  const int r = 4;
  return PixelRect{whole.x0_px + best_box.x0_px + r, whole.y0_px + best_box.y0_px + r, whole.x0_px + best_box.x1_px - r,
                   whole.y0_px + best_box.y1_px - r};
}

}  // namespace ft
