#pragma once
// Frame-to-frame speckle tracking inside the image region: coarse-to-fine ZNCC block
// matching on a grid, sub-pixel refinement, outlier rejection and light
// regularisation. The backend (CPU threads or CUDA) is chosen at run time; both run
// the same per-point code (BlockMatch.h).
#include <memory>
#include <optional>
#include <string>

#include "ft/core/DisplacementField.h"
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"
#include "ft/gpu/TrackingParameters.h"

namespace ft::gpu {

class MatcherBackend;

class SpeckleTracker {
 public:
  // Backend::Auto takes CUDA when a device is present, the CPU otherwise. Asking for
  // Cuda where there is none throws ft::Error(Unsupported).
  explicit SpeckleTracker(TrackingParameters parameters = {}, Backend backend = Backend::Auto, int cpu_threads = 0);
  ~SpeckleTracker();
  SpeckleTracker(const SpeckleTracker&) = delete;
  SpeckleTracker& operator=(const SpeckleTracker&) = delete;

  Backend backend() const noexcept { return backend_; }
  const TrackingParameters& parameters() const noexcept { return parameters_; }

  // Displacement of the tissue from `previous` to `next`, on the grid, in frame px.
  // `seed`: an earlier result on the same grid (the previous pair's field), or null.
  // `forward_backward_px`: check every point by tracking it back from where it arrived
  // (valid only within this many px of where it started); unset: as the parameters say.
  DisplacementField track(const Frame& previous, const Frame& next, const UltrasoundRegion& region,
                          const DisplacementField* seed = nullptr, std::optional<double> forward_backward_px = {});

  // The grid this tracker uses for a region (for callers that need it before tracking).
  DisplacementField empty_field(const UltrasoundRegion& region) const;

 private:
  TrackingParameters parameters_;
  Backend backend_;
  std::unique_ptr<MatcherBackend> matcher_;
};

}  // namespace ft::gpu
