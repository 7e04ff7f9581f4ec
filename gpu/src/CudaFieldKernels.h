#pragma once
// The CUDA pipeline's steps between matches, one kernel each, one thread per grid point,
// each the per-point function of FieldMath.h that the CPU loops call. Every launcher
// queues its kernel on `stream` and returns at once; the caller checks
// cudaGetLastError(). Arrays are device memory.
#include <cuda_runtime.h>

#include <cstdint>

#include "PairPlan.h"

namespace ft::gpu {

// A level's points (level px) and seeds (level px) from the full grid's seed (full px).
void launch_level_points(const TrackingGrid& grid, const LevelPlan& lp, const float* seed_dx, const float* seed_dy,
                         int2* points, float* level_dx, float* level_dy, cudaStream_t stream);
// Matches read back to full px; a quality under min_quality is not valid.
void launch_take_matches(const MatchResult* results, int count, float scale, float min_quality, float* dx, float* dy,
                         float* quality, std::uint8_t* valid, cudaStream_t stream);
// keep = valid and passing the normalised median test.
void launch_median_test(const float* dx, const float* dy, const std::uint8_t* valid, GridShape shape, float threshold,
                        float eps, std::uint8_t* keep, cudaStream_t stream);
// One growth step of fill_invalid: every unknown point with a known neighbour takes their
// median; next = known plus those; *grew set to 1 if any did. Where *grew_before (the
// previous step's flag; may be null) is 0, nothing can grow: next = known.
void launch_fill_step(float* dx, float* dy, const std::uint8_t* known, std::uint8_t* next, GridShape shape,
                      const int* grew_before, int* grew, cudaStream_t stream);
void launch_smooth(const float* dx, const float* dy, const float* quality, const std::uint8_t* valid, GridShape shape,
                   float weight, float* out_dx, float* out_dy, cudaStream_t stream);
// A coarse level's sub-grid values interpolated onto the full grid.
void launch_upsample(const float* sub_dx, const float* sub_dy, const LevelPlan& lp, const TrackingGrid& grid, float* dx,
                     float* dy, cudaStream_t stream);
// Forward-backward: where each point went (the backward match's points and seeds), then
// which came back.
void launch_backward_points(const TrackingGrid& grid, const float* dx, const float* dy, int2* returned, float* back_dx,
                            float* back_dy, cudaStream_t stream);
void launch_backward_check(const TrackingGrid& grid, const int2* returned, const MatchResult* back, double tolerance_px,
                           float lateral_scale, std::uint8_t* valid, cudaStream_t stream);

}  // namespace ft::gpu
