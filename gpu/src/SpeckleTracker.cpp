#include "ft/gpu/SpeckleTracker.h"

#include <algorithm>
#include <cmath>

#include "BackendSelfTest.h"
#include "FieldFilters.h"
#include "MatcherBackend.h"
#include "WorkerPool.h"
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
  const std::size_t w = std::size_t(r.width_px());
  out.resize(w * std::size_t(r.height_px()));
  for (int y = 0; y < r.height_px(); ++y) {
    const std::size_t from = std::size_t(r.y0_px + y) * std::size_t(frame.width_px()) + std::size_t(r.x0_px);
    float* row = &out[std::size_t(y) * w];
    if (frame.depth() == PixelDepth::Bits8) {
      std::copy(frame.data8() + from, frame.data8() + from + w, row);
    } else {
      std::copy(frame.data16() + from, frame.data16() + from + w, row);
    }
  }
}

// Every `stride`-th column and row of a grid, always including the last ones.
struct SubGrid {
  std::vector<int> columns;
  std::vector<int> rows;
  std::size_t size() const { return columns.size() * rows.size(); }
};

std::vector<int> every_nth(int count, int stride) {
  std::vector<int> v;
  for (int i = 0; i < count; i += stride) v.push_back(i);
  if (v.back() != count - 1) v.push_back(count - 1);
  return v;
}

SubGrid make_sub_grid(int columns, int rows, int stride) { return {every_nth(columns, stride), every_nth(rows, stride)}; }

// Position of each full-grid index between sub-grid nodes: lower node k and weight t.
// One walk along the nodes, as the indices only grow.
struct Bracket {
  std::size_t k = 0;
  float t = 0;
};

std::vector<Bracket> brackets(const std::vector<int>& nodes, int count) {
  std::vector<Bracket> out(static_cast<std::size_t>(count));
  std::size_t k = 0;
  for (int i = 0; i < count; ++i) {
    while (k + 2 < nodes.size() && nodes[k + 1] <= i) ++k;
    out[std::size_t(i)] = {k, nodes.size() == 1 ? 0.0f : float(i - nodes[k]) / float(nodes[k + 1] - nodes[k])};
  }
  return out;
}

// Bilinear interpolation of sub-grid values onto the full grid.
void upsample(const GridValues& v, const SubGrid& sub, int columns, int rows, std::vector<float>& dx,
              std::vector<float>& dy) {
  const std::size_t sc = sub.columns.size();
  const std::vector<Bracket> across = brackets(sub.columns, columns), down = brackets(sub.rows, rows);
  for (int r = 0; r < rows; ++r) {
    const std::size_t kr = down[std::size_t(r)].k;
    const float tr = down[std::size_t(r)].t;
    const std::size_t kr1 = std::min(kr + 1, sub.rows.size() - 1);
    for (int c = 0; c < columns; ++c) {
      const std::size_t kc = across[std::size_t(c)].k;
      const float tc = across[std::size_t(c)].t;
      const std::size_t kc1 = std::min(kc + 1, sc - 1);
      const std::size_t i00 = kr * sc + kc, i01 = kr * sc + kc1, i10 = kr1 * sc + kc, i11 = kr1 * sc + kc1;
      const std::size_t i = std::size_t(r) * columns + c;
      dx[i] = (1 - tr) * ((1 - tc) * v.dx[i00] + tc * v.dx[i01]) + tr * ((1 - tc) * v.dx[i10] + tc * v.dx[i11]);
      dy[i] = (1 - tr) * ((1 - tc) * v.dy[i00] + tc * v.dy[i01]) + tr * ((1 - tc) * v.dy[i10] + tc * v.dy[i11]);
    }
  }
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
  const Grid grid = make_grid(region.bounds.width_px(), region.bounds.height_px(), geo.kernel_half_px, parameters_.grid_step_px);
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
    // A point without a number in the seed (a corrupt or half-filled field) starts from
    // no motion; the coarse levels find its motion as for an unseeded pair.
    for (float* v : {seed_dx.data(), seed_dy.data()})
      for (std::size_t i = 0; i < n; ++i) v[i] = usable_seed(v[i]);
  }
  GridValues values;
  std::vector<GridPoint> points;
  std::vector<MatchResult> results;
  for (int level = geo.levels - 1; level >= 0; --level) {
    // Coarse levels track a sparser sub-grid: neighbouring points there would share
    // nearly all of their (magnified) template. Their result is interpolated back.
    const int stride = level == 0 ? 1 : std::max(1, (8 << level) / grid.step_px);
    const SubGrid sub = make_sub_grid(grid.columns, grid.rows, stride);
    const float scale = float(1 << level);
    points.resize(sub.size());
    std::vector<float> level_dx(sub.size()), level_dy(sub.size());
    for (std::size_t r = 0; r < sub.rows.size(); ++r)
      for (std::size_t c = 0; c < sub.columns.size(); ++c) {
        const std::size_t i = r * sub.columns.size() + c;
        const std::size_t full = std::size_t(sub.rows[r]) * grid.columns + std::size_t(sub.columns[c]);
        points[i] = {int(std::lround((grid.margin_px + sub.columns[c] * grid.step_px) / scale)),
                     int(std::lround((grid.margin_px + sub.rows[r] * grid.step_px) / scale))};
        level_dx[i] = seed_dx[full] / scale;
        level_dy[i] = seed_dy[full] / scale;
      }
    MatchSettings settings;
    // A smaller template at coarse levels still spans more tissue than the fine one.
    settings.half = level == 0 ? geo.kernel_half_px : std::max(4, geo.kernel_half_px * 2 / 3);
    settings.radius = level == 0 ? geo.fine_radius_px : geo.coarse_radius_px;
    settings.refine_iterations = level == 0 ? parameters_.refine_iterations : 1;
    matcher_->match(level, true, points, int(sub.columns.size()), level_dx, level_dy, settings, results);
    values = to_grid_values(results, int(sub.columns.size()), int(sub.rows.size()), scale);
    reject_outliers(values, float(parameters_.median_threshold), float(parameters_.min_quality), *pool_);
    std::vector<std::uint8_t> trusted = values.valid;
    fill_invalid(values);
    smooth(values, level == 0 ? float(parameters_.smoothing) : 0.5f, *pool_);
    values.valid.swap(trusted);
    if (stride > 1) {
      upsample(values, sub, grid.columns, grid.rows, seed_dx, seed_dy);
    } else {
      seed_dx = values.dx;
      seed_dy = values.dy;
    }
  }
  points.resize(n);
  for (int r = 0; r < grid.rows; ++r)
    for (int c = 0; c < grid.columns; ++c)
      points[std::size_t(r) * grid.columns + c] = {grid.margin_px + c * grid.step_px, grid.margin_px + r * grid.step_px};

  if (forward_backward_px > 0) {
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
      if (results[i].status != kMatchOk || std::hypot(ex, ey) > forward_backward_px) values.valid[i] = 0;
    }
  }
  field.dx_px = std::move(values.dx);
  field.dy_px = std::move(values.dy);
  field.quality = std::move(values.quality);
  field.valid = std::move(values.valid);
  return field;
}

}  // namespace ft::gpu
