#include "BackendSelfTest.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>

namespace ft::gpu {
namespace {

constexpr int kSidePx = 96;
constexpr float kShiftXPx = 1.4f, kShiftYPx = -0.6f;

// Smooth speckle-like texture: a sum of Gaussian blobs at fixed pseudo-random places,
// evaluated at (x - sx, y - sy) so that the second frame is exactly the first moved.
std::vector<float> blobs(float sx, float sy) {
  std::vector<float> image(std::size_t(kSidePx) * kSidePx, 20.0f);
  std::uint32_t state = 12345;
  auto next = [&] { return (state = state * 1664525u + 1013904223u) >> 8; };
  for (int k = 0; k < 400; ++k) {
    const float cx = float(next() % (kSidePx * 16)) / 16.0f, cy = float(next() % (kSidePx * 16)) / 16.0f;
    const float amplitude = 40.0f + float(next() % 160);
    for (int y = 0; y < kSidePx; ++y)
      for (int x = 0; x < kSidePx; ++x) {
        const float ex = float(x) - sx - cx, ey = float(y) - sy - cy;
        const float d2 = ex * ex + ey * ey;
        if (d2 < 16.0f) image[std::size_t(y) * kSidePx + x] += amplitude * std::exp(-d2 / 2.0f);
      }
  }
  return image;
}

struct Case {
  int level;
  bool forward;
  MatchSettings settings;
};

std::string compare(const std::vector<MatchResult>& got, const std::vector<MatchResult>& want, const Case& c) {
  std::size_t agree = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const bool both_ok = got[i].status == kMatchOk && want[i].status == kMatchOk;
    const float error_px = std::hypot(got[i].dx - want[i].dx, got[i].dy - want[i].dy);
    // Summation order differs between the backends; 0.01 px is far below speckle noise
    // and far above float rounding.
    if (got[i].status == want[i].status && (!both_ok || (error_px <= 0.01f && std::fabs(got[i].quality - want[i].quality) <= 1e-3f)))
      ++agree;
  }
  if (agree == want.size()) return {};
  char what[160];
  std::snprintf(what, sizeof what, "level %d %s: %zu of %zu points differ from the CPU", c.level,
                c.forward ? "forward" : "backward", want.size() - agree, want.size());
  return what;
}

}  // namespace

std::string self_test_failure(MatcherBackend& candidate) {
  const std::vector<float> a = blobs(0, 0), b = blobs(kShiftXPx, kShiftYPx);
  auto reference = make_cpu_matcher(1);
  const Case cases[] = {{1, true, {4, 2, 1}}, {0, true, {6, 1, 2}}, {0, false, {6, 2, 2}}};
  try {
    candidate.set_frames(a, b, kSidePx, kSidePx, 2);
    reference->set_frames(a, b, kSidePx, kSidePx, 2);
    for (const Case& c : cases) {
      const int scale = 1 << c.level, margin = 12 / scale, step = 6 / scale;
      const LevelSize size = reference->level_size(c.level);
      std::vector<GridPoint> points;
      int columns = 0;
      for (int x = margin; x < size.width - margin; x += step) ++columns;
      for (int y = margin; y < size.height - margin; y += step)
        for (int x = margin; x < size.width - margin; x += step) points.push_back({x, y});
      const float sign = c.forward ? 1.0f : -1.0f;
      const std::vector<float> seed_dx(points.size(), sign * std::round(kShiftXPx / float(scale))),
          seed_dy(points.size(), sign * std::round(kShiftYPx / float(scale)));
      std::vector<MatchResult> got, want;
      candidate.match(c.level, c.forward, points, columns, seed_dx, seed_dy, c.settings, got);
      reference->match(c.level, c.forward, points, columns, seed_dx, seed_dy, c.settings, want);
      if (got.size() != want.size()) return "returned " + std::to_string(got.size()) + " results for " + std::to_string(want.size()) + " points";
      if (std::string failure = compare(got, want, c); !failure.empty()) return failure;
    }
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

}  // namespace ft::gpu
