#include "ft/gpu/SpeckleTracker.h"

#include <algorithm>
#include <cmath>

#include "BackendSelfTest.h"
#include "MatcherBackend.h"
#include "PairPlan.h"
#include "WorkerPool.h"
#include "ft/core/Error.h"

namespace ft::gpu {
namespace {

double region_mm_per_px(const UltrasoundRegion& region) {
  return region.has_mm_calibration() ? 0.5 * (region.mm_per_px_x + region.mm_per_px_y) : 0.0;
}

PixelRect usable_bounds(const UltrasoundRegion& region, const Frame& frame) {
  return region.bounds.intersected(PixelRect{0, 0, frame.width_px() - 1, frame.height_px() - 1});
}

}  // namespace

SpeckleTracker::SpeckleTracker(TrackingParameters parameters, Backend backend, int cpu_threads)
    : parameters_(parameters), pool_(std::make_unique<WorkerPool>(cpu_threads)) {
  std::unique_ptr<MatcherBackend> cuda;
  bool device_present = false;
  std::string why_not = "this build has no CUDA support (nvcc was not found)";
#if defined(FT_HAVE_CUDA)
  device_present = backend != Backend::Cpu && cuda_device_available();
  why_not = "no CUDA device is present";
  if (device_present) {
    try {
      cuda = make_cuda_matcher();
    } catch (const std::exception& e) {
      why_not = std::string("it could not be set up: ") + e.what();
    }
  }
#endif
  choose(backend, std::move(cuda), device_present, why_not);
}

SpeckleTracker::SpeckleTracker(TrackingParameters parameters, Backend backend, std::unique_ptr<MatcherBackend> accelerated,
                               int cpu_threads)
    : parameters_(parameters), pool_(std::make_unique<WorkerPool>(cpu_threads)) {
  const bool present = accelerated != nullptr;
  choose(backend, std::move(accelerated), present, "no accelerated matcher was given");
}

void SpeckleTracker::choose(Backend requested, std::unique_ptr<MatcherBackend> accelerated, bool device_present,
                            std::string why_not) {
  requested_ = requested;
  if (requested != Backend::Cpu && accelerated) {
    const std::string failure = self_test_failure(*accelerated);
    if (failure.empty()) {
      matcher_ = std::move(accelerated);
      backend_ = Backend::Cuda;
      return;
    }
    why_not = "its self-test against the CPU failed (" + failure + ")";
  }
  if (requested == Backend::Cuda) throw Error(ErrorCode::Unsupported, "CUDA backend asked for, but " + why_not);
  if (requested == Backend::Auto && device_present)
    backend_note_ = "a CUDA device is present but " + why_not + ": tracked on the CPU";
  matcher_ = make_cpu_matcher(*pool_);
  backend_ = Backend::Cpu;
}

// A GPU error mid-clip (a lost device, a driver fault) costs the user nothing but time:
// the pair is tracked again on the CPU, and so is the rest of the clip.
void SpeckleTracker::fall_back_to_cpu(const std::string& error) {
  backend_note_ = "the GPU failed after " + std::to_string(pairs_tracked_) + " matched frame pairs (" + error +
                  "): that pair and the rest were tracked on the CPU";
  matcher_ = make_cpu_matcher(*pool_);
  backend_ = Backend::Cpu;
}

SpeckleTracker::~SpeckleTracker() = default;

DisplacementField SpeckleTracker::empty_field(const UltrasoundRegion& region) const {
  const TrackingGeometry geo =
      make_geometry(parameters_, region_mm_per_px(region), region.bounds.width_px(), region.bounds.height_px());
  const TrackingGrid grid =
      make_tracking_grid(region.bounds.width_px(), region.bounds.height_px(), geo.kernel_half_px, parameters_.grid_step_px);
  return DisplacementField(grid.columns, grid.rows, region.bounds.x0_px + grid.margin_px,
                           region.bounds.y0_px + grid.margin_px, grid.step_px);
}

DisplacementField SpeckleTracker::track(const Frame& previous, const Frame& next, const UltrasoundRegion& region,
                                        const DisplacementField* seed, std::optional<double> forward_backward_tolerance) {
  const double forward_backward_px =
      forward_backward_tolerance ? std::max(0.05, *forward_backward_tolerance)
                                 : (parameters_.forward_backward ? parameters_.forward_backward_px : -1.0);
  if (previous.width_px() != next.width_px() || previous.height_px() != next.height_px())
    throw Error(ErrorCode::InvalidArgument, "frames to track must have the same size");
  UltrasoundRegion used = region;
  used.bounds = usable_bounds(region, previous);
  if (used.bounds.empty()) throw Error(ErrorCode::InvalidArgument, "image region lies outside the frame");
  DisplacementField field;
  try {
    field = track_on_backend(previous, next, used, seed, forward_backward_px);
  } catch (const Error& e) {
    // Only the GPU's own failures; asked for CUDA by name, the caller hears of them.
    if (backend_ != Backend::Cuda || e.code() != ErrorCode::Device || requested_ == Backend::Cuda) throw;
    fall_back_to_cpu(e.what());
    field = track_on_backend(previous, next, used, seed, forward_backward_px);
  }
  ++pairs_tracked_;
  return field;
}

DisplacementField SpeckleTracker::track_on_backend(const Frame& previous, const Frame& next, const UltrasoundRegion& used,
                                                   const DisplacementField* seed, double forward_backward_px) {
  const int width = used.bounds.width_px(), height = used.bounds.height_px();
  const TrackingGeometry geo = make_geometry(parameters_, region_mm_per_px(used), width, height);
  DisplacementField field = empty_field(used);
  if (field.size() == 0) return field;  // region smaller than one template
  const PairPlan plan =
      make_pair_plan(parameters_, geo, make_tracking_grid(width, height, geo.kernel_half_px, parameters_.grid_step_px),
                     forward_backward_px);

  matcher_->set_frame_region(previous, next, used.bounds, geo.levels);

  const std::size_t n = field.size();
  std::vector<float> seed_dx(n, 0.0f), seed_dy(n, 0.0f);
  if (seed && seed->columns == field.columns && seed->rows == field.rows && seed->origin_x_px == field.origin_x_px &&
      seed->origin_y_px == field.origin_y_px && seed->step_px == field.step_px) {
    seed_dx = seed->dx_px;
    seed_dy = seed->dy_px;
    // A point without a number in the seed (a corrupt or half-filled field) starts from
    // no motion; the coarse levels find its motion as for an unseeded pair.
    for (float* v : {seed_dx.data(), seed_dy.data()})
      for (std::size_t i = 0; i < n; ++i) v[i] = usable_seed(v[i]);
  }
  GridValues tracked;
  if (!matcher_->track_pair(plan, seed_dx, seed_dy, tracked))
    track_pair_on_host(*matcher_, *pool_, plan, std::move(seed_dx), std::move(seed_dy), tracked);
  field.dx_px = std::move(tracked.dx);
  field.dy_px = std::move(tracked.dy);
  field.quality = std::move(tracked.quality);
  field.valid = std::move(tracked.valid);
  return field;
}

}  // namespace ft::gpu
