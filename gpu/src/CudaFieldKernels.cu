#include "CudaFieldKernels.h"

namespace ft::gpu {
namespace {

constexpr int kThreads = 256;
int blocks_for(int count) { return (count + kThreads - 1) / kThreads; }
__device__ int thread_index() { return int(blockIdx.x) * kThreads + int(threadIdx.x); }

__global__ void level_points_kernel(TrackingGrid grid, LevelPlan lp, const float* seed_dx, const float* seed_dy, int2* points,
                                    float* level_dx, float* level_dy) {
  const int i = thread_index();
  if (i >= lp.sub_columns * lp.sub_rows) return;
  const int column = sub_grid_node(i % lp.sub_columns, grid.columns, lp.stride);
  const int row = sub_grid_node(i / lp.sub_columns, grid.rows, lp.stride);
  const int full = row * grid.columns + column;
  points[i] = make_int2(level_position_px(grid.margin_px, column, grid.step_px, lp.scale),
                        level_position_px(grid.margin_px, row, grid.step_px, lp.scale));
  level_dx[i] = seed_dx[full] / lp.scale;
  level_dy[i] = seed_dy[full] / lp.scale;
}

__global__ void take_matches_kernel(const MatchResult* results, int count, float scale, float min_quality, float* dx, float* dy,
                                    float* quality, std::uint8_t* valid) {
  const int i = thread_index();
  if (i >= count) return;
  take_match(results[i], scale, dx[i], dy[i], quality[i], valid[i]);
  if (quality[i] < min_quality) valid[i] = 0;
}

__global__ void median_test_kernel(const float* dx, const float* dy, const std::uint8_t* valid, GridShape shape, float threshold,
                                   float eps, std::uint8_t* keep) {
  const int i = thread_index();
  if (i >= shape.columns * shape.rows) return;
  keep[i] = valid[i] && passes_median_test(dx, dy, valid, shape, i % shape.columns, i / shape.columns, threshold, eps);
}

// A point written here is unknown, and only known points are read: no thread reads what
// another writes. A step after one that added nothing would add nothing either: it only
// passes `known` on, so a batch of steps can be queued without asking in between.
__global__ void fill_step_kernel(float* dx, float* dy, const std::uint8_t* known, std::uint8_t* next, GridShape shape,
                                 const int* grew_before, int* grew) {
  const int i = thread_index();
  if (i >= shape.columns * shape.rows) return;
  next[i] = known[i];
  if (known[i] || (grew_before && !*grew_before)) return;
  if (!median_of_known_neighbours(dx, dy, known, shape, i % shape.columns, i / shape.columns, dx[i], dy[i])) return;
  next[i] = 1;
  *grew = 1;
}

__global__ void smooth_kernel(const float* dx, const float* dy, const float* quality, const std::uint8_t* valid, GridShape shape,
                              float weight, float* out_dx, float* out_dy) {
  const int i = thread_index();
  if (i >= shape.columns * shape.rows) return;
  smooth_point(dx, dy, quality, valid, shape, i % shape.columns, i / shape.columns, weight, out_dx[i], out_dy[i]);
}

__global__ void upsample_kernel(const float* sub_dx, const float* sub_dy, LevelPlan lp, TrackingGrid grid, float* dx, float* dy) {
  const int i = thread_index();
  if (i >= grid.columns * grid.rows) return;
  const Bracket across = bracket_of(i % grid.columns, grid.columns, lp.stride);
  const Bracket down = bracket_of(i / grid.columns, grid.rows, lp.stride);
  dx[i] = upsample_value(sub_dx, lp.sub_columns, lp.sub_rows, across, down);
  dy[i] = upsample_value(sub_dy, lp.sub_columns, lp.sub_rows, across, down);
}

__device__ int2 grid_point(const TrackingGrid& grid, int i) {
  return make_int2(grid.margin_px + (i % grid.columns) * grid.step_px, grid.margin_px + (i / grid.columns) * grid.step_px);
}

__global__ void backward_points_kernel(TrackingGrid grid, const float* dx, const float* dy, int2* returned, float* back_dx,
                                       float* back_dy) {
  const int i = thread_index();
  if (i >= grid.columns * grid.rows) return;
  const int2 p = grid_point(grid, i);
  returned[i] = make_int2(round_to_px(float(p.x) + dx[i]), round_to_px(float(p.y) + dy[i]));
  back_dx[i] = -dx[i];
  back_dy[i] = -dy[i];
}

__global__ void backward_check_kernel(TrackingGrid grid, const int2* returned, const MatchResult* back, double tolerance_px,
                                      float lateral_scale, std::uint8_t* valid) {
  const int i = thread_index();
  if (i >= grid.columns * grid.rows) return;
  const int2 p = grid_point(grid, i);
  if (!returns_home(p.x, p.y, returned[i].x, returned[i].y, back[i], tolerance_px, lateral_scale)) valid[i] = 0;
}

}  // namespace

void launch_level_points(const TrackingGrid& grid, const LevelPlan& lp, const float* seed_dx, const float* seed_dy,
                         int2* points, float* level_dx, float* level_dy, cudaStream_t stream) {
  level_points_kernel<<<blocks_for(lp.sub_size()), kThreads, 0, stream>>>(grid, lp, seed_dx, seed_dy, points, level_dx, level_dy);
}

void launch_take_matches(const MatchResult* results, int count, float scale, float min_quality, float* dx, float* dy,
                         float* quality, std::uint8_t* valid, cudaStream_t stream) {
  take_matches_kernel<<<blocks_for(count), kThreads, 0, stream>>>(results, count, scale, min_quality, dx, dy, quality, valid);
}

void launch_median_test(const float* dx, const float* dy, const std::uint8_t* valid, GridShape shape, float threshold,
                        float eps, std::uint8_t* keep, cudaStream_t stream) {
  median_test_kernel<<<blocks_for(shape.columns * shape.rows), kThreads, 0, stream>>>(dx, dy, valid, shape, threshold, eps, keep);
}

void launch_fill_step(float* dx, float* dy, const std::uint8_t* known, std::uint8_t* next, GridShape shape,
                      const int* grew_before, int* grew, cudaStream_t stream) {
  fill_step_kernel<<<blocks_for(shape.columns * shape.rows), kThreads, 0, stream>>>(dx, dy, known, next, shape, grew_before, grew);
}

void launch_smooth(const float* dx, const float* dy, const float* quality, const std::uint8_t* valid, GridShape shape,
                   float weight, float* out_dx, float* out_dy, cudaStream_t stream) {
  smooth_kernel<<<blocks_for(shape.columns * shape.rows), kThreads, 0, stream>>>(dx, dy, quality, valid, shape, weight, out_dx,
                                                                                  out_dy);
}

void launch_upsample(const float* sub_dx, const float* sub_dy, const LevelPlan& lp, const TrackingGrid& grid, float* dx,
                     float* dy, cudaStream_t stream) {
  upsample_kernel<<<blocks_for(grid.columns * grid.rows), kThreads, 0, stream>>>(sub_dx, sub_dy, lp, grid, dx, dy);
}

void launch_backward_points(const TrackingGrid& grid, const float* dx, const float* dy, int2* returned, float* back_dx,
                            float* back_dy, cudaStream_t stream) {
  backward_points_kernel<<<blocks_for(grid.columns * grid.rows), kThreads, 0, stream>>>(grid, dx, dy, returned, back_dx, back_dy);
}

void launch_backward_check(const TrackingGrid& grid, const int2* returned, const MatchResult* back, double tolerance_px,
                           float lateral_scale, std::uint8_t* valid, cudaStream_t stream) {
  backward_check_kernel<<<blocks_for(grid.columns * grid.rows), kThreads, 0, stream>>>(grid, returned, back, tolerance_px,
                                                                                         lateral_scale, valid);
}

}  // namespace ft::gpu
