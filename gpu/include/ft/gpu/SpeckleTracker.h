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
class WorkerPool;

class SpeckleTracker {
 public:
  // Backend::Auto takes CUDA when a device is present and passes a self-test against
  // the CPU (a small pair with a known shift), the CPU otherwise. Asking for Cuda where
  // there is none, or where the self-test fails, throws ft::Error(Unsupported).
  explicit SpeckleTracker(TrackingParameters parameters = {}, Backend backend = Backend::Auto, int cpu_threads = 0);
  // The same choice for an accelerated matcher made elsewhere (the tests inject one that
  // fails, as a broken GPU would).
  SpeckleTracker(TrackingParameters parameters, Backend backend, std::unique_ptr<MatcherBackend> accelerated,
                 int cpu_threads = 0);
  ~SpeckleTracker();
  SpeckleTracker(const SpeckleTracker&) = delete;
  SpeckleTracker& operator=(const SpeckleTracker&) = delete;

  // The backend tracking now. Chosen by Auto, it turns from Cuda to Cpu when the GPU fails
  // mid-clip (an ft::Error of code Device); asked for by name, the error is thrown.
  Backend backend() const noexcept { return backend_; }
  // Why the GPU present is not used (failed self-test, error mid-clip), for the
  // analysis notes; empty when nothing needs saying.
  const std::string& backend_note() const noexcept { return backend_note_; }
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
  void choose(Backend requested, std::unique_ptr<MatcherBackend> accelerated, bool device_present, std::string why_not);
  void fall_back_to_cpu(const std::string& error);
  DisplacementField track_on_backend(const Frame& previous, const Frame& next, const UltrasoundRegion& used,
                                     const DisplacementField* seed, double forward_backward_px);

  TrackingParameters parameters_;
  std::unique_ptr<WorkerPool> pool_;  // the CPU matcher's and the field filters' threads
  Backend requested_ = Backend::Auto;
  Backend backend_ = Backend::Cpu;
  std::unique_ptr<MatcherBackend> matcher_;
  std::string backend_note_;
  long pairs_tracked_ = 0;
};

}  // namespace ft::gpu
