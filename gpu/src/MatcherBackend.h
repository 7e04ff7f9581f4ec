#pragma once
// What a backend does: build the image pyramids of a frame pair and match every grid
// point at one pyramid level. The coarse-to-fine control and the field filters between
// levels (PairPlan.h) run on the host around match() (track_pair_on_host), unless the
// backend runs whole pairs itself (track_pair: the CUDA backend, which keeps everything
// on the device).
#include <memory>
#include <vector>

#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"
#include "PyramidLevels.h"
#include "ft/gpu/BlockMatch.h"

namespace ft::gpu {

struct GridPoint {
  int x = 0;  // level px
  int y = 0;
};

struct PairPlan;
struct GridValues;

class MatcherBackend {
 public:
  virtual ~MatcherBackend() = default;
  // Level 0 is the region at full resolution, row-major float.
  virtual void set_frames(const std::vector<float>& previous, const std::vector<float>& next, int width, int height,
                          int levels) = 0;
  // The same from the frames themselves: `region` (inside both, same size) at full
  // resolution. By default the region is copied out as floats for set_frames(); the
  // CUDA backend uploads the frame's own 8- or 16-bit samples instead.
  virtual void set_frame_region(const Frame& previous, const Frame& next, const PixelRect& region, int levels);
  virtual LevelSize level_size(int level) const = 0;
  // forward: previous -> next; otherwise next -> previous.
  virtual void match(int level, bool forward, const std::vector<GridPoint>& points, int columns, const std::vector<float>& seed_dx,
                     const std::vector<float>& seed_dy, const MatchSettings& settings,
                     std::vector<MatchResult>& results) = 0;
  // The pair set by set_frames or set_frame_region, tracked by `plan` from the full-grid seed (every level, the
  // filters between them, the backward check) as SpeckleTracker does around match(). False
  // when this backend leaves that to the caller.
  virtual bool track_pair(const PairPlan& /*plan*/, const std::vector<float>& /*seed_dx*/, const std::vector<float>& /*seed_dy*/,
                          GridValues& /*out*/) {
    return false;
  }
};

// The region's samples as floats, row-major.
void crop_to_float(const Frame& frame, const PixelRect& region, std::vector<float>& out);

class WorkerPool;
// Matches on `pool`, which must outlive the matcher.
std::unique_ptr<MatcherBackend> make_cpu_matcher(WorkerPool& pool);
#if defined(FT_HAVE_CUDA)
std::unique_ptr<MatcherBackend> make_cuda_matcher();
struct KernelResources;
// The CUDA kernels' attributes as loaded on device 0 (throws ft::Error on a CUDA error).
std::vector<KernelResources> cuda_kernel_resources();
// `image` (row-major) replaced by its cubic B-spline coefficients as the device's prefilter
// kernels compute them for a pyramid level, and the level's gradient gain as the device
// sums it: for the parity tests with spline_coefficients and spline_gain.
SplineGain cuda_spline_coefficients(std::vector<float>& image, int width, int height);
#endif

}  // namespace ft::gpu
