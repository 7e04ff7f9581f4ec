#include "ft/gpu/TrackingParameters.h"

#include <algorithm>
#include <cmath>

#include "ft/core/Error.h"
#include "ft/gpu/BlockMatch.h"

namespace ft::gpu {

const char* to_string(Backend backend) noexcept {
  switch (backend) {
    case Backend::Auto: return "auto";
    case Backend::Cpu: return "cpu";
    case Backend::Cuda: return "cuda";
  }
  return "unknown";
}

Backend backend_from_string(const std::string& name) {
  if (name == "auto") return Backend::Auto;
  if (name == "cpu") return Backend::Cpu;
  if (name == "cuda") return Backend::Cuda;
  throw Error(ErrorCode::InvalidArgument, "unknown backend '" + name + "' (auto, cpu or cuda)");
}

TrackingGeometry make_geometry(const TrackingParameters& p, double mm_per_px, int region_width_px,
                               int region_height_px) {
  if (mm_per_px <= 0) mm_per_px = p.fallback_mm_per_px;
  TrackingGeometry g;
  g.kernel_half_px = std::clamp(int(std::lround(0.5 * p.kernel_mm / mm_per_px)), 3, kMaxHalf);
  g.coarse_half_px = std::max(4, g.kernel_half_px * 2 / 3);
  const int capture = std::max(1, int(std::ceil(p.search_mm / mm_per_px)));
  g.coarse_radius_px = 2;
  if (capture <= 2) {
    g.levels = 1;
    g.fine_radius_px = capture;
    g.capture_px = capture;
    return g;
  }
  // Each coarser level l adds coarse_radius * 2^l px of reach; stop while the coarsest
  // level still holds a template and its search area.
  // One px at full resolution: where tissue shears or rotates, the interpolated coarse
  // estimate of a point can be off by several px; the match then walks towards the peak
  // (BlockMatch.h, kMaxSearchRounds) instead of searching a wider window everywhere.
  g.fine_radius_px = 1;
  g.levels = 1;
  g.capture_px = g.fine_radius_px;
  // With the coarse template, which the coarse levels match with: a 33 px template sized to a
  // recorded screen's texture must not cost a level the coarse match fits in.
  const int needed_px = 2 * (g.coarse_half_px + g.coarse_radius_px) + 3;
  while (g.capture_px < capture && g.levels < 5) {
    const int scale = 1 << g.levels;
    if (region_width_px / scale < needed_px || region_height_px / scale < needed_px) break;
    g.capture_px += g.coarse_radius_px * scale;
    ++g.levels;
  }
  return g;
}

}  // namespace ft::gpu
