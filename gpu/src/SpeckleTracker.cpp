#include "ft/gpu/SpeckleTracker.h"

#include <algorithm>
#include <cmath>

#include "FieldFilters.h"
#include "MatcherBackend.h"
#include "ft/core/Error.h"

namespace ft::gpu {
namespace {

struct Grid {
  int margin_px = 0;  // from the region's top-left to the first point
  int columns = 0;
  int rows = 0;
  int step_px = 1;
};

Grid make_grid(int width, int height, int kernel_half_px, int step_px) {
  Grid g;
  g.step_px = std::max(1, step_px);
  g.margin_px = kernel_half_px + 2;  // the template and its gradients stay inside the region
  g.columns = width > 2 * g.margin_px ? (width - 1 - 2 * g.margin_px) / g.step_px + 1 : 0;
  g.rows = height > 2 * g.margin_px ? (height - 1 - 2 * g.margin_px) / g.step_px + 1 : 0;
  return g;
}

double region_mm_per_px(const UltrasoundRegion& region) {
  return region.has_mm_calibration() ? 0.5 * (region.mm_per_px_x + region.mm_per_px_y) : 0.0;
}

PixelRect usable_bounds(const UltrasoundRegion& region, const Frame& frame) {
  return region.bounds.intersected(PixelRect{0, 0, frame.width_px() - 1, frame.height_px() - 1});
}

void crop_to_float(const Frame& frame, const PixelRect& r, std::vector<float>& out) {
  out.resize(std::size_t(r.width_px()) * std::size_t(r.height_px()));
  for (int y = 0; y < r.height_px(); ++y)
    for (int x = 0; x < r.width_px(); ++x) out[std::size_t(y) * r.width_px() + x] = frame.value(r.x0_px + x, r.y0_px + y);
}

GridValues to_grid_values(const std::vector<MatchResult>& results, int columns, int rows, float scale) {
  GridValues g;
  g.columns = columns;
  g.rows = rows;
  const std::size_t n = results.size();
  g.dx.resize(n);
  g.dy.resize(n);
  g.quality.resize(n);
  g.valid.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    g.dx[i] = results[i].dx * scale;
    g.dy[i] = results[i].dy * scale;
    g.quality[i] = results[i].quality;
    g.valid[i] = results[i].status == kMatchOk;
  }
  return g;
}

}  // namespace

SpeckleTracker::SpeckleTracker(TrackingParameters parameters, Backend backend, int cpu_threads)
    : parameters_(parameters) {
  if (backend == Backend::Auto) backend = cuda_device_available() ? Backend::Cuda : Backend::Cpu;
  if (backend == Backend::Cuda) {
#if defined(FT_HAVE_CUDA)
    if (!cuda_device_available()) throw Error(ErrorCode::Unsupported, "CUDA backend asked for, but no CUDA device is present");
    matcher_ = make_cuda_matcher();
#else
    throw Error(ErrorCode::Unsupported, "CUDA backend asked for, but this build has no CUDA support (nvcc was not found)");
#endif
  } else {
    matcher_ = make_cpu_matcher(cpu_threads);
  }
  backend_ = backend;
}

SpeckleTracker::~SpeckleTracker() = default;

DisplacementField SpeckleTracker::empty_field(const UltrasoundRegion& region) const {
  const TrackingGeometry geo =
      make_geometry(parameters_, region_mm_per_px(region), region.bounds.width_px(), region.bounds.height_px());
  const Grid grid = make_grid(region.bounds.width_px(), region.bounds.height_px(), geo.kernel_half_px, parameters_.grid_step_px);
  return DisplacementField(grid.columns, grid.rows, region.bounds.x0_px + grid.margin_px,
                           region.bounds.y0_px + grid.margin_px, grid.step_px);
}

DisplacementField SpeckleTracker::track(const Frame& previous, const Frame& next, const UltrasoundRegion& region,
                                        const DisplacementField* seed) {
  if (previous.width_px() != next.width_px() || previous.height_px() != next.height_px())
    throw Error(ErrorCode::InvalidArgument, "frames to track must have the same size");
  UltrasoundRegion used = region;
  used.bounds = usable_bounds(region, previous);
  if (used.bounds.empty()) throw Error(ErrorCode::InvalidArgument, "image region lies outside the frame");
  const int width = used.bounds.width_px(), height = used.bounds.height_px();
  const TrackingGeometry geo = make_geometry(parameters_, region_mm_per_px(used), width, height);
  DisplacementField field = empty_field(used);
  const Grid grid = make_grid(width, height, geo.kernel_half_px, parameters_.grid_step_px);
  if (field.size() == 0) return field;  // region smaller than one template

  std::vector<float> a, b;
  crop_to_float(previous, used.bounds, a);
  crop_to_float(next, used.bounds, b);
  matcher_->set_frames(a, b, width, height, geo.levels);

  const std::size_t n = field.size();
  std::vector<float> seed_dx(n, 0.0f), seed_dy(n, 0.0f);
  if (seed && seed->columns == field.columns && seed->rows == field.rows && seed->origin_x_px == field.origin_x_px &&
      seed->origin_y_px == field.origin_y_px && seed->step_px == field.step_px) {
    seed_dx = seed->dx_px;
    seed_dy = seed->dy_px;
  }
  std::vector<GridPoint> points(n);
  std::vector<MatchResult> results;
  GridValues values;
  for (int level = geo.levels - 1; level >= 0; --level) {
    const float scale = float(1 << level);
    for (int r = 0; r < grid.rows; ++r)
      for (int c = 0; c < grid.columns; ++c) {
        const std::size_t i = std::size_t(r) * grid.columns + c;
        points[i] = {int(std::lround((grid.margin_px + c * grid.step_px) / scale)),
                     int(std::lround((grid.margin_px + r * grid.step_px) / scale))};
      }
    std::vector<float> level_dx(n), level_dy(n);
    for (std::size_t i = 0; i < n; ++i) {
      level_dx[i] = seed_dx[i] / scale;
      level_dy[i] = seed_dy[i] / scale;
    }
    MatchSettings settings;
    settings.half = geo.kernel_half_px;
    settings.radius = level == 0 ? geo.fine_radius_px : geo.coarse_radius_px;
    settings.refine_iterations = level == 0 ? parameters_.refine_iterations : 1;
    matcher_->match(level, true, points, grid.columns, level_dx, level_dy, settings, results);
    values = to_grid_values(results, grid.columns, grid.rows, scale);
    reject_outliers(values, float(parameters_.median_threshold), float(parameters_.min_quality));
    std::vector<std::uint8_t> trusted = values.valid;
    fill_invalid(values);
    smooth(values, level == 0 ? float(parameters_.smoothing) : 0.5f);
    values.valid.swap(trusted);
    seed_dx = values.dx;
    seed_dy = values.dy;
  }

  if (parameters_.forward_backward) {
    std::vector<GridPoint> returned(n);
    for (std::size_t i = 0; i < n; ++i)
      returned[i] = {int(std::lround(points[i].x + values.dx[i])), int(std::lround(points[i].y + values.dy[i]))};
    std::vector<float> back_dx(n), back_dy(n);
    for (std::size_t i = 0; i < n; ++i) {
      back_dx[i] = -values.dx[i];
      back_dy[i] = -values.dy[i];
    }
    MatchSettings settings{geo.kernel_half_px, geo.fine_radius_px, parameters_.refine_iterations};
    matcher_->match(0, false, returned, grid.columns, back_dx, back_dy, settings, results);
    for (std::size_t i = 0; i < n; ++i) {
      const float ex = float(returned[i].x) + results[i].dx - float(points[i].x);
      const float ey = float(returned[i].y) + results[i].dy - float(points[i].y);
      if (results[i].status != kMatchOk || std::hypot(ex, ey) > parameters_.forward_backward_px) values.valid[i] = 0;
    }
  }
  field.dx_px = std::move(values.dx);
  field.dy_px = std::move(values.dy);
  field.quality = std::move(values.quality);
  field.valid = std::move(values.valid);
  return field;
}

}  // namespace ft::gpu
