#include "BackendSelfTest.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>

#include "PairPlan.h"
#include "WorkerPool.h"

namespace ft::gpu {
namespace {

// Odd and unequal sides: every pyramid level's halving rounds down.
constexpr int kWidthPx = 97, kHeightPx = 89, kLevels = 3;
constexpr float kShiftXPx = 1.4f, kShiftYPx = -0.6f;

// Speckle-like texture with no flat patch (a flat template is ill-conditioned: there the
// backends may rightly disagree): a sum of Gaussian blobs at fixed pseudo-random places,
// evaluated at (x - sx, y - sy) so that the second frame is exactly the first moved.
std::vector<float> blobs(float sx, float sy) {
  std::vector<float> image(std::size_t(kWidthPx) * kHeightPx, 20.0f);
  std::uint32_t state = 12345;
  auto next = [&] { return (state = state * 1664525u + 1013904223u) >> 8; };
  for (int k = 0; k < 1500; ++k) {
    const float cx = float(next() % (kWidthPx * 16)) / 16.0f, cy = float(next() % (kHeightPx * 16)) / 16.0f;
    const float amplitude = 40.0f + float(next() % 160);
    const int x0 = std::max(0, int(cx + sx) - 5), x1 = std::min(kWidthPx - 1, int(cx + sx) + 5);
    const int y0 = std::max(0, int(cy + sy) - 5), y1 = std::min(kHeightPx - 1, int(cy + sy) + 5);
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const float ex = float(x) - sx - cx, ey = float(y) - sy - cy;
        const float d2 = ex * ex + ey * ey;
        if (d2 < 16.0f) image[std::size_t(y) * kWidthPx + x] += amplitude * std::exp(-d2 / 2.0f);
      }
  }
  return image;
}

struct Case {
  int level;
  bool forward;
  MatchSettings settings;
  float seed_error_px;  // seeds this far off the truth make the search walk
  bool sixteen_bit;
};

// What tracking asks of a matcher: the coarse and fine settings make_geometry chooses
// (template halves 3 to 16), every pyramid level, both directions, seeds that are off (a
// walk of re-centred searches) and points at the borders (templates that leave the image,
// seeds clamped).
constexpr Case kCases[] = {
    {2, true, {3, 2, 1}, 0.0f, false},  {1, true, {4, 2, 1}, 0.0f, false},  {0, true, {3, 1, 2}, 0.0f, false},
    {0, true, {9, 1, 2}, 2.6f, false},  {0, false, {6, 2, 2}, 0.0f, false}, {0, true, {16, 2, 2}, -3.2f, false},
    {0, true, {8, 1, 2}, 0.0f, true},
    // With steps on the spline coefficients, whose prefilter and gain the device computes too
    // (at the full-resolution level, the one that keeps them: PyramidLevels.h).
    {0, true, {8, 1, 1, 1}, 0.0f, false}, {0, false, {5, 2, 1, 2}, 0.0f, false}, {0, true, {8, 1, 1, 1}, 0.0f, true},
};

// Farther apart than `tolerance`, or one of them not a number (a comparison with NaN is
// false, so a kernel writing NaN would otherwise pass).
bool differs(float got, float want, float tolerance) { return !(std::fabs(got - want) <= tolerance); }

std::string compare(const std::vector<MatchResult>& got, const std::vector<MatchResult>& want, const Case& c) {
  std::size_t other_status = 0, other_values = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    // Summation order (and fused multiply-adds) differ between the backends: ~1e-5 px
    // here. 1e-3 px is far below speckle noise and would show any real difference.
    if (got[i].status != want[i].status) {
      ++other_status;
    } else if (differs(got[i].dx, want[i].dx, 1e-3f) || differs(got[i].dy, want[i].dy, 1e-3f) ||
               differs(got[i].quality, want[i].quality, 1e-4f)) {
      ++other_values;
    }
  }
  // One point may sit where the sub-pixel step is ill-conditioned and the last bits decide
  // where it ends; a status never differs, and a faulty kernel or device differs nearly
  // everywhere (or, skipping a last partial block of points, at 1 to 3 points at once).
  if (other_status == 0 && other_values <= 1) return {};
  char what[200];
  std::snprintf(what, sizeof what, "level %d %s, template half %d px, radius %d: %zu of %zu points differ from the CPU",
                c.level, c.forward ? "forward" : "backward", c.settings.half, c.settings.radius, other_status + other_values,
                want.size());
  return what;
}

// A backend that tracks whole pairs itself (track_pair) against the host running the
// same plan around the CPU matcher: every level, the filters, the backward check. Its
// steps are the same per-point code (FieldMath.h), so only summation order differs.
std::string compare_whole_pair(MatcherBackend& candidate, MatcherBackend& reference, WorkerPool& pool, const Frame& a,
                               const Frame& b) {
  TrackingParameters p;
  p.grid_step_px = 3;  // 25 x 23 points: never a whole number of blocks; two levels, the coarse one a sub-grid
  const TrackingGeometry geo = make_geometry(p, 0.1, kWidthPx, kHeightPx);
  const PairPlan plan = make_pair_plan(p, geo, make_tracking_grid(kWidthPx, kHeightPx, geo.kernel_half_px, p.grid_step_px), 0.5);
  const std::vector<float> no_seed(std::size_t(plan.grid.size()), 0.0f);
  const PixelRect region{0, 0, kWidthPx - 1, kHeightPx - 1};
  candidate.set_frame_region(a, b, region, geo.levels);  // as tracking does: the frame's own samples
  GridValues got, want;
  if (!candidate.track_pair(plan, no_seed, no_seed, got)) return {};
  reference.set_frame_region(a, b, region, geo.levels);
  track_pair_on_host(reference, pool, plan, no_seed, no_seed, want);
  if (got.dx.size() != want.dx.size() || got.valid.size() != want.valid.size()) return "a tracked pair came back with the wrong size";
  std::size_t differ = 0;
  // Every point, filled ones too (both sides run the same fill), and its correlation.
  for (std::size_t i = 0; i < want.dx.size(); ++i)
    differ += got.valid[i] != want.valid[i] || differs(got.dx[i], want.dx[i], 1e-2f) || differs(got.dy[i], want.dy[i], 1e-2f) ||
              differs(got.quality[i], want.quality[i], 1e-2f);
  // As for single points: one ill-conditioned point may land elsewhere; a faulty step
  // differs at many.
  if (differ <= 1) return {};
  return std::string("whole ") + (a.depth() == PixelDepth::Bits8 ? "8-bit" : "16-bit") + " pair tracked on the device: " +
         std::to_string(differ) + " of " + std::to_string(want.dx.size()) +
         " points differ from the CPU";
}

// The texture as a scanner's 8-bit frame, or a 16-bit one (sixteen_bit()'s values), clamped
// to the type (about 13 % of 8-bit pixels saturate, 4 % of 16-bit ones: both backends get the
// same frames, so the comparison holds): the device converts each sample type itself.
Frame as_frame(const std::vector<float>& image, PixelDepth depth) {
  Frame f(kWidthPx, kHeightPx, depth);
  const long top = depth == PixelDepth::Bits8 ? 255 : 65535;
  for (std::size_t i = 0; i < image.size(); ++i) {
    const long v = std::clamp(std::lround(image[i]), 0l, top);
    if (depth == PixelDepth::Bits8) f.data8()[i] = std::uint8_t(v); else f.data16()[i] = std::uint16_t(v);
  }
  return f;
}

std::vector<float> sixteen_bit(std::vector<float> image) {
  for (float& v : image) v = 1000.0f + 200.0f * v;
  return image;
}

}  // namespace

std::string self_test_failure(MatcherBackend& candidate) {
  const std::vector<float> a = blobs(0, 0), b = blobs(kShiftXPx, kShiftYPx);
  const std::vector<float> a16 = sixteen_bit(a), b16 = sixteen_bit(b);
  WorkerPool one_thread(1);
  auto reference = make_cpu_matcher(one_thread);
  try {
    for (const Case& c : kCases) {
      const std::vector<float>& first = c.sixteen_bit ? a16 : a;
      const std::vector<float>& second = c.sixteen_bit ? b16 : b;
      candidate.set_frames(first, second, kWidthPx, kHeightPx, kLevels);
      reference->set_frames(first, second, kWidthPx, kHeightPx, kLevels);
      const int scale = 1 << c.level, step = 7 / scale + 1;  // level 2 (24 x 22 px): every 2nd px
      const LevelSize size = reference->level_size(c.level);
      std::vector<GridPoint> points;
      int columns = 0;
      for (int x = 3; x < size.width - 3; x += step) ++columns;
      for (int y = 3; y < size.height - 3; y += step)
        for (int x = 3; x < size.width - 3; x += step) points.push_back({x, y});
      // Never a whole number of GPU blocks (4 points each): a kernel that drops the last,
      // partial block shows here.
      if (points.size() % 4 == 0) points.pop_back();
      const float sign = c.forward ? 1.0f : -1.0f;
      const std::vector<float> seed_dx(points.size(), sign * (kShiftXPx + c.seed_error_px) / float(scale)),
          seed_dy(points.size(), sign * (kShiftYPx - c.seed_error_px) / float(scale));
      std::vector<MatchResult> got, want;
      candidate.match(c.level, c.forward, points, columns, seed_dx, seed_dy, c.settings, got);
      reference->match(c.level, c.forward, points, columns, seed_dx, seed_dy, c.settings, want);
      if (got.size() != want.size()) return "returned " + std::to_string(got.size()) + " results for " + std::to_string(want.size()) + " points";
      if (std::string failure = compare(got, want, c); !failure.empty()) return failure;
    }
    for (PixelDepth depth : {PixelDepth::Bits8, PixelDepth::Bits16}) {
      const std::vector<float>& first = depth == PixelDepth::Bits8 ? a : a16;
      const std::vector<float>& second = depth == PixelDepth::Bits8 ? b : b16;
      if (std::string failure = compare_whole_pair(candidate, *reference, one_thread, as_frame(first, depth), as_frame(second, depth));
          !failure.empty())
        return failure;
    }
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

}  // namespace ft::gpu
