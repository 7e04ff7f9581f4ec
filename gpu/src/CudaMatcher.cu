// The CUDA backend. Per frame pair: a frame not already on the device goes up through a
// pinned buffer on one stream and its pyramid (each level with its cubic B-spline
// coefficients for the sub-pixel steps) is built there, and each level is matched
// by one warp per grid point running warp_match_point() (WarpMatch.h: the CPU's
// match_point() organised for the hardware, emulated on the host by the tests). A block
// holds kWarpsPerBlock warps, each with its own shared-memory tiles sized for the
// template and search at hand. Device and pinned buffers are kept and grown only when a
// larger frame arrives.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "CudaFieldKernels.h"
#include "MatcherBackend.h"
#include "PairPlan.h"
#include "PyramidSlots.h"
#include "ft/gpu/GpuReport.h"
#include "ft/gpu/SplineSampling.h"
#include "WarpMatch.h"
#include "ft/core/Error.h"

namespace ft::gpu {
namespace {

void check(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  // The runtime keeps an error until it is read: left there, it would fail the next
  // matcher's first launch check on this thread, blamed on a healthy GPU.
  cudaGetLastError();
  throw Error(ErrorCode::Device, std::string("CUDA ") + what + ": " + cudaGetErrorString(status));
}

// A device (or pinned host) array that only grows; freed with its owner.
template <class T, bool kPinnedHost = false>
class CudaArray {
 public:
  CudaArray() = default;
  CudaArray(const CudaArray&) = delete;
  CudaArray& operator=(const CudaArray&) = delete;
  ~CudaArray() { release(); }
  void ensure(std::size_t count, const char* what) {
    if (count <= capacity_) return;
    release();
    void* p = nullptr;
    check(kPinnedHost ? cudaMallocHost(&p, count * sizeof(T)) : cudaMalloc(&p, count * sizeof(T)), what);
    data_ = static_cast<T*>(p);
    capacity_ = count;
  }
  T* get() const { return data_; }

 private:
  void release() {
    if (kPinnedHost) {
      cudaFreeHost(std::exchange(data_, nullptr));
    } else {
      cudaFree(std::exchange(data_, nullptr));
    }
    capacity_ = 0;
  }
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
};

constexpr int kFillStepsPerBatch = 8;  // fill steps queued between two questions to the device

// The device's copy of one pair's field while it is tracked (PairPlan's steps), sized
// for the full grid; coarse levels use the front of each array.
struct DeviceField {
  CudaArray<float> seed_dx, seed_dy;  // full grid, full-resolution px
  CudaArray<float> dx, dy, quality;   // this level's values
  CudaArray<float> smoothed_dx, smoothed_dy;
  CudaArray<std::uint8_t> valid, keep, known, next;
  CudaArray<int> grew;  // per fill step of a batch
  CudaArray<float, true> host_values;  // dx, dy, quality back, pinned
  CudaArray<std::uint8_t, true> host_valid;
  CudaArray<int, true> host_grew;
  void ensure(std::size_t n) {
    for (CudaArray<float>* a : {&seed_dx, &seed_dy, &dx, &dy, &quality, &smoothed_dx, &smoothed_dy}) a->ensure(n, "allocate field");
    for (CudaArray<std::uint8_t>* a : {&valid, &keep, &known, &next}) a->ensure(n, "allocate field flags");
    grew.ensure(kFillStepsPerBatch, "allocate field flags");
    host_values.ensure(3 * n, "allocate pinned field");
    host_valid.ensure(n, "allocate pinned field");
    host_grew.ensure(1, "allocate pinned field");
  }
};

__global__ void downsample_kernel(const float* src, int w, int h, float* dst, int nw, int nh) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= nw || y >= nh) return;
  const int cx = 2 * x, cy = 2 * y;
  const int xs[3] = {max(0, cx - 1), cx, min(w - 1, cx + 1)};
  const int ys[3] = {max(0, cy - 1), cy, min(h - 1, cy + 1)};
  const float wt[3] = {0.25f, 0.5f, 0.25f};
  float v = 0.0f;
  for (int j = 0; j < 3; ++j) {
    float row = 0.0f;
    for (int i = 0; i < 3; ++i) row += wt[i] * src[ys[j] * w + xs[i]];
    v += wt[j] * row;
  }
  dst[y * nw + x] = v;
}

// A region's 8- or 16-bit samples, as uploaded, to the float level 0 of its pyramid.
template <class Sample>
__global__ void samples_to_float_kernel(const Sample* samples, int count, float* level0) {
  const int i = int(blockIdx.x) * int(blockDim.x) + int(threadIdx.x);
  if (i < count) level0[i] = float(samples[i]);
}

// A region's rows, copied out of the frame one after another.
void pack_region(const Frame& frame, const PixelRect& r, unsigned char* out) {
  const std::size_t sample_bytes = frame.depth() == PixelDepth::Bits8 ? 1 : 2;
  const std::size_t row_bytes = std::size_t(r.width_px()) * sample_bytes;
  const unsigned char* data = frame.depth() == PixelDepth::Bits8 ? frame.data8() : reinterpret_cast<const unsigned char*>(frame.data16());
  for (int y = 0; y < r.height_px(); ++y) {
    const std::size_t from = (std::size_t(r.y0_px + y) * std::size_t(frame.width_px()) + std::size_t(r.x0_px)) * sample_bytes;
    std::memcpy(out + std::size_t(y) * row_bytes, data + from, row_bytes);
  }
}

// The B-spline prefilter (SplineSampling.h) of one row or one column per thread: the
// column pass reads and writes neighbouring columns in neighbouring threads (coalesced).
__global__ void spline_rows_kernel(float* image, int width, int height) {
  const int y = blockIdx.x * blockDim.x + threadIdx.x;
  if (y < height) spline_prefilter(SplineLines{image + std::size_t(y) * width, width, 1, 1, 0});
}

__global__ void spline_columns_kernel(float* image, int width, int height) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x;
  if (x < width) spline_prefilter(SplineLines{image + x, height, width, 1, 1});
}

constexpr int kSplineThreads = 128;
constexpr int kGainThreads = 256;

// The sums of the spline's gradient gain (spline_gain_terms) over a level's inner pixels,
// added into sums[0..3] (zeroed before): a block's threads sum their pixels, the block's
// total is added once per block.
__global__ void __launch_bounds__(kGainThreads) spline_gain_sums_kernel(const float* image, const float* coefficients, int width,
                                                                      int height, double* sums) {
  __shared__ float block_sums[4][kGainThreads];
  float own[4] = {0, 0, 0, 0};
  // Images narrower or lower than 3 px have no inner pixel (1 x 1 would give (-1)(-1) = 1).
  const int inner_w = max(0, width - 2), count = inner_w * max(0, height - 2);
  for (int k = blockIdx.x * blockDim.x + threadIdx.x; k < count; k += gridDim.x * blockDim.x) {
    float terms[4];
    spline_gain_terms(image, coefficients, width, 1 + k % inner_w, 1 + k / inner_w, terms);
    for (int t = 0; t < 4; ++t) own[t] += terms[t];
  }
  for (int t = 0; t < 4; ++t) block_sums[t][threadIdx.x] = own[t];
  __syncthreads();
  for (int half = kGainThreads / 2; half > 0; half /= 2) {
    if (int(threadIdx.x) < half)
      for (int t = 0; t < 4; ++t) block_sums[t][threadIdx.x] += block_sums[t][threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x < 4) atomicAdd(&sums[threadIdx.x], double(block_sums[threadIdx.x][0]));
}

__global__ void spline_gain_kernel(const double* sums, SplineGain* gain) {
  *gain = spline_gain_from_sums(sums[0], sums[1], sums[2], sums[3]);
}

// A level's gradient gain (SplineSampling.h) into `gain` on the device, from its image and
// coefficients; `sums`, four doubles, is the reduction's scratch.
void launch_spline_gain(const float* image, const float* coefficients, int width, int height, double* sums, SplineGain* gain,
                        cudaStream_t stream) {
  check(cudaMemsetAsync(sums, 0, 4 * sizeof(double), stream), "clear gain sums");
  const int inner = std::max(0, width - 2) * std::max(0, height - 2);
  const int blocks = std::max(1, std::min(1024, (inner + kGainThreads - 1) / kGainThreads));
  spline_gain_sums_kernel<<<blocks, kGainThreads, 0, stream>>>(image, coefficients, width, height, sums);
  spline_gain_kernel<<<1, 1, 0, stream>>>(sums, gain);
  check(cudaGetLastError(), "spline gain launch");
}

// A level's spline on the device, queued on `stream`: `coefficients` from a copy of `level`
// (prefiltered rows, then columns), then its gradient gain into `gain` (`sums`: four doubles
// of scratch). For the pyramid and for the parity test alike.
void launch_spline_level(const float* level, float* coefficients, int width, int height, double* sums, SplineGain* gain,
                         cudaStream_t stream) {
  check(cudaMemcpyAsync(coefficients, level, std::size_t(width) * std::size_t(height) * sizeof(float), cudaMemcpyDeviceToDevice,
                        stream),
        "copy level for its spline");
  spline_rows_kernel<<<(height + kSplineThreads - 1) / kSplineThreads, kSplineThreads, 0, stream>>>(coefficients, width, height);
  spline_columns_kernel<<<(width + kSplineThreads - 1) / kSplineThreads, kSplineThreads, 0, stream>>>(coefficients, width, height);
  check(cudaGetLastError(), "spline kernel launch");
  launch_spline_gain(level, coefficients, width, height, sums, gain, stream);
}

constexpr int kWarpsPerBlock = 4;
// Within the 48 KiB every block may use without opting in, for the largest template
// and search; smaller ones take less.
static_assert(kWarpsPerBlock * kMaxWarpFloats * sizeof(float) <= 48 * 1024, "warp tiles exceed 48 KiB per block");

struct CudaWarp {
  __device__ int lane() const { return int(threadIdx.x) & (kWarpLanes - 1); }
  // Butterfly: every lane ends with the same total (tests/gpu/HostWarp.h adds in this order).
  __device__ float sum(float v) const {
    for (int offset = kWarpLanes / 2; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
  }
  __device__ void sync() const { __syncwarp(); }
};

// One kernel per search radius class (FixedRadiusSearch<0..2>, WideSearch): each holds
// only its own variant's registers (ptxas, sm_90: 94, 115, 160 and 90 against 158 for all
// in one), so the fine level's radius-1 kernel fits 4 blocks per multiprocessor, not 3.
// The explicit minimum of one block: without it ptxas 13 squeezed the radius-1 kernel to
// 96 registers with 8 B of spills.
template <class Search>
__global__ void __launch_bounds__(kWarpsPerBlock * kWarpLanes, 1)
    match_kernel(ImageView a, ImageView b, SplineViews splines, const int2* points, const float* seed_dx, const float* seed_dy,
                 int count, MatchSettings s, MatchResult* out) {
  extern __shared__ float shared[];
  const int warp = int(threadIdx.x) / kWarpLanes;
  const int i = int(blockIdx.x) * kWarpsPerBlock + warp;
  if (i >= count) return;  // the whole warp: one point per warp
  const WarpTileSizes sizes = warp_tile_sizes(s);
  const WarpTiles tiles = carve_warp_tiles(shared + warp * sizes.floats(), sizes);
  const CudaWarp w;
  const MatchResult r = warp_match_point(w, a, b, splines, points[i].x, points[i].y, seed_dx[i], seed_dy[i], s, tiles, Search{});
  if (w.lane() == 0) out[i] = r;
}

class CudaMatcher final : public MatcherBackend {
 public:
  CudaMatcher() { check(cudaStreamCreate(&stream_), "stream"); }
  ~CudaMatcher() override {
    // The last pair's uploads may still be queued: free nothing they read (cudaFree is not
    // promised to wait). An error here changes nothing: the matcher is going anyway.
    cudaStreamSynchronize(stream_);
    cudaGetLastError();  // an error here would otherwise be the next matcher's (see check())
    release_frames();
    release_points();
    cudaStreamDestroy(stream_);
  }

  void set_frames(const std::vector<float>& previous, const std::vector<float>& next, int width, int height,
                  int levels) override {
    prepare_frames(width, height, levels);
    build_pyramids(float_source(previous, width, height, levels), float_source(next, width, height, levels),
                   [&](const PyramidSource& source, int slot) { upload(source, slot); });
  }

  // Only the region's own samples travel (a quarter of the floats' bytes for 8-bit
  // frames); the device turns them into floats and builds the pyramid.
  void set_frame_region(const Frame& previous, const Frame& next, const PixelRect& region, int levels) override {
    if (previous.depth() != next.depth()) return MatcherBackend::set_frame_region(previous, next, region, levels);
    const int width = region.width_px(), height = region.height_px();
    prepare_frames(width, height, levels);
    const int sample_bytes = previous.depth() == PixelDepth::Bits8 ? 1 : 2;
    const std::size_t bytes = std::size_t(width) * std::size_t(height) * std::size_t(sample_bytes);
    unsigned char* staged[2] = {staging_.get(), staging_.get() + bytes};
    pack_region(previous, region, staged[0]);
    pack_region(next, region, staged[1]);
    const PyramidSource sources[2] = {{staged[0], bytes, sample_bytes, width, height, levels},
                                      {staged[1], bytes, sample_bytes, width, height, levels}};
    build_pyramids(sources[0], sources[1], [&](const PyramidSource& source, int slot) { upload_samples(source, slot); });
  }

  LevelSize level_size(int level) const override { return sizes_[std::size_t(level)]; }

  void match(int level, bool forward, const std::vector<GridPoint>& points, int /*columns*/, const std::vector<float>& seed_dx,
             const std::vector<float>& seed_dy, const MatchSettings& settings,
             std::vector<MatchResult>& results) override {
    const std::size_t n = points.size();
    if (n > point_capacity_) allocate_points(n);
    for (std::size_t i = 0; i < n; ++i) {
      h_points_[i] = make_int2(points[i].x, points[i].y);
      h_seed_[i] = seed_dx[i];
      h_seed_[n + i] = seed_dy[i];
    }
    check(cudaMemcpyAsync(d_points_, h_points_, n * sizeof(int2), cudaMemcpyHostToDevice, stream_), "copy points");
    check(cudaMemcpyAsync(d_seed_, h_seed_, 2 * n * sizeof(float), cudaMemcpyHostToDevice, stream_), "copy seeds");
    launch_match(level, forward, d_points_, d_seed_, d_seed_ + n, int(n), settings, d_results_);
    check(cudaMemcpyAsync(h_results_, d_results_, n * sizeof(MatchResult), cudaMemcpyDeviceToHost, stream_), "copy results");
    wait_for_stream("match");
    results.assign(h_results_, h_results_ + n);
  }

  // PairPlan on the device: only the seed goes up and the level-0 field comes back; the
  // host waits only for fill_invalid (once per batch of growth steps) and the field.
  bool track_pair(const PairPlan& plan, const std::vector<float>& seed_dx, const std::vector<float>& seed_dy,
                  GridValues& out) override {
    try {
      track_pair_on_device(plan, seed_dx, seed_dy, out);
    } catch (...) {
      // The frames' uploads do not wait, so their failure shows here (or at the next wait): a
      // pyramid may be half built, so neither slot is trusted again.
      slots_.forget();
      throw;
    }
    return true;
  }

 private:
  void track_pair_on_device(const PairPlan& plan, const std::vector<float>& seed_dx, const std::vector<float>& seed_dy,
                            GridValues& out) {
    const std::size_t n = std::size_t(plan.grid.columns) * std::size_t(plan.grid.rows);
    if (n > point_capacity_) allocate_points(n);
    field_.ensure(n);
    std::copy(seed_dx.begin(), seed_dx.end(), h_seed_);
    std::copy(seed_dy.begin(), seed_dy.end(), h_seed_ + n);
    check(cudaMemcpyAsync(field_.seed_dx.get(), h_seed_, n * sizeof(float), cudaMemcpyHostToDevice, stream_), "copy seeds");
    check(cudaMemcpyAsync(field_.seed_dy.get(), h_seed_ + n, n * sizeof(float), cudaMemcpyHostToDevice, stream_), "copy seeds");
    Level v{field_.dx.get(), field_.dy.get(), field_.valid.get()};
    for (int level = plan.levels - 1; level >= 0; --level) track_level(plan, plan.level(level), v);
    if (plan.forward_backward_px > 0) check_forward_backward(plan, v);
    float* host = field_.host_values.get();
    check(cudaMemcpyAsync(host, v.dx, n * sizeof(float), cudaMemcpyDeviceToHost, stream_), "copy field");
    check(cudaMemcpyAsync(host + n, v.dy, n * sizeof(float), cudaMemcpyDeviceToHost, stream_), "copy field");
    check(cudaMemcpyAsync(host + 2 * n, field_.quality.get(), n * sizeof(float), cudaMemcpyDeviceToHost, stream_), "copy field");
    check(cudaMemcpyAsync(field_.host_valid.get(), v.valid, n, cudaMemcpyDeviceToHost, stream_), "copy field");
    check(cudaStreamSynchronize(stream_), "track pair");
    out.columns = plan.grid.columns;
    out.rows = plan.grid.rows;
    out.dx.assign(host, host + n);
    out.dy.assign(host + n, host + 2 * n);
    out.quality.assign(host + 2 * n, host + 3 * n);
    out.valid.assign(field_.host_valid.get(), field_.host_valid.get() + n);
  }

  // Where this level's values are: the filters swap buffers rather than copy them.
  struct Level {
    float* dx;
    float* dy;
    std::uint8_t* valid;
  };

  // What the steps on the spline read when matching slot `from`'s frame into slot `to`'s:
  // nothing at a level without them.
  SplineViews spline_views(int level, int from, int to) const {
    if (std::size_t(level) >= splines_[to].size() || std::size_t(level) >= splines_[from].size()) return {};
    const LevelSize size = sizes_[std::size_t(level)];
    const auto view = [&](const std::vector<float*>& levels) {
      return ImageView{levels[std::size_t(level)], 0, 0, size.width, size.height, size.width};
    };
    SplineViews v;
    v.b = view(splines_[to]);
    v.a_gain = gains_[from].get() + level;
    return v;
  }

  void launch_match(int level, bool forward, const int2* points, const float* seed_dx, const float* seed_dy, int count,
                    const MatchSettings& settings, MatchResult* results) {
    const LevelSize size = sizes_[std::size_t(level)];
    const auto view = [&](const std::vector<float*>& levels) {
      return ImageView{levels[std::size_t(level)], 0, 0, size.width, size.height, size.width};
    };
    const int from = forward ? previous_ : next_, to = forward ? next_ : previous_;
    const int blocks = (count + kWarpsPerBlock - 1) / kWarpsPerBlock;
    const std::size_t shared_bytes = std::size_t(kWarpsPerBlock) * std::size_t(warp_tile_sizes(settings).floats()) * sizeof(float);
    const dim3 threads(kWarpsPerBlock * kWarpLanes);
    with_search_for(settings, [&](auto search) {
      match_kernel<decltype(search)><<<blocks, threads, shared_bytes, stream_>>>(
          view(pyramids_[from]), view(pyramids_[to]), spline_views(level, from, to), points, seed_dx, seed_dy, count, settings,
          results);
    });
    check(cudaGetLastError(), "match kernel launch");
  }

  // One level of track_pair_on_host() (HostPairTracking.cpp), queued on the stream.
  void track_level(const PairPlan& plan, const LevelPlan& lp, Level& v) {
    const GridShape shape{lp.sub_columns, lp.sub_rows};
    const int m = lp.sub_size();
    float* level_dx = d_seed_;
    float* level_dy = d_seed_ + point_capacity_;
    launch_level_points(plan.grid, lp, field_.seed_dx.get(), field_.seed_dy.get(), d_points_, level_dx, level_dy, stream_);
    check(cudaGetLastError(), "level points launch");
    launch_match(lp.level, true, d_points_, level_dx, level_dy, m, lp.settings, d_results_);
    launch_take_matches(d_results_, m, lp.scale, plan.min_quality, v.dx, v.dy, field_.quality.get(), v.valid, stream_);
    std::uint8_t* keep = v.valid == field_.valid.get() ? field_.keep.get() : field_.valid.get();
    launch_median_test(v.dx, v.dy, v.valid, shape, plan.median_threshold, plan.median_eps_px, keep, stream_);
    check(cudaGetLastError(), "median test launch");
    v.valid = keep;
    fill_invalid(v, shape);
    if (!(lp.smoothing <= 0)) {  // as smooth() on the host decides
      float* sx = v.dx == field_.dx.get() ? field_.smoothed_dx.get() : field_.dx.get();
      float* sy = v.dy == field_.dy.get() ? field_.smoothed_dy.get() : field_.dy.get();
      launch_smooth(v.dx, v.dy, field_.quality.get(), v.valid, shape, lp.smoothing, sx, sy, stream_);
      check(cudaGetLastError(), "smooth launch");
      v.dx = sx;
      v.dy = sy;
    }
    if (lp.stride > 1) {
      launch_upsample(v.dx, v.dy, lp, plan.grid, field_.seed_dx.get(), field_.seed_dy.get(), stream_);
      check(cudaGetLastError(), "upsample launch");
    } else {
      const std::size_t bytes = std::size_t(m) * sizeof(float);
      check(cudaMemcpyAsync(field_.seed_dx.get(), v.dx, bytes, cudaMemcpyDeviceToDevice, stream_), "copy level seed");
      check(cudaMemcpyAsync(field_.seed_dy.get(), v.dy, bytes, cudaMemcpyDeviceToDevice, stream_), "copy level seed");
    }
  }

  // fill_invalid(): grows the known points outwards until a step adds none. Steps are
  // queued kFillStepsPerBatch at a time and the host asks once per batch whether the last one
  // grew: a wide gap (a shadow, the region below the bone) takes tens of steps, and a
  // question per step cost a round trip each.
  void fill_invalid(const Level& v, const GridShape& shape) {
    const std::size_t m = std::size_t(shape.columns) * std::size_t(shape.rows);
    std::uint8_t* known = field_.known.get();
    std::uint8_t* next = field_.next.get();
    int* grew = field_.grew.get();
    check(cudaMemcpyAsync(known, v.valid, m, cudaMemcpyDeviceToDevice, stream_), "fill");
    // Each batch but the last adds points: at most m / kFillStepsPerBatch + 1 batches.
    for (std::size_t steps = 0; steps < m + kFillStepsPerBatch; steps += kFillStepsPerBatch) {
      check(cudaMemsetAsync(grew, 0, kFillStepsPerBatch * sizeof(int), stream_), "fill");
      for (int k = 0; k < kFillStepsPerBatch; ++k) {
        launch_fill_step(v.dx, v.dy, known, next, shape, k == 0 ? nullptr : grew + k - 1, grew + k, stream_);
        std::swap(known, next);
      }
      check(cudaGetLastError(), "fill launch");
      check(cudaMemcpyAsync(field_.host_grew.get(), grew + kFillStepsPerBatch - 1, sizeof(int), cudaMemcpyDeviceToHost, stream_), "fill");
      check(cudaStreamSynchronize(stream_), "fill");
      if (!*field_.host_grew.get()) break;
    }
  }

  void check_forward_backward(const PairPlan& plan, const Level& v) {
    const int n = plan.grid.columns * plan.grid.rows;
    float* back_dx = d_seed_;
    float* back_dy = d_seed_ + point_capacity_;
    launch_backward_points(plan.grid, v.dx, v.dy, d_points_, back_dx, back_dy, stream_);
    check(cudaGetLastError(), "backward points launch");
    launch_match(0, false, d_points_, back_dx, back_dy, n, plan.backward_check(), d_results_);
    launch_backward_check(plan.grid, d_points_, d_results_, plan.forward_backward_px, plan.forward_backward_lateral_scale,
                          v.valid, stream_);
    check(cudaGetLastError(), "backward check launch");
  }

  // Buffers are freed and their pointers cleared before anything is allocated, so that
  // a failed allocation leaves nothing for the destructor to free twice.
  void release_frames() {
    for (auto* levels : {&pyramids_[0], &pyramids_[1], &splines_[0], &splines_[1]}) {
      for (float*& p : *levels) cudaFree(std::exchange(p, nullptr));
      levels->clear();
    }
    cudaFreeHost(std::exchange(h_frame_, nullptr));
    frame_capacity_ = 0;
  }

  void release_points() {
    cudaFree(std::exchange(d_points_, nullptr));
    cudaFree(std::exchange(d_seed_, nullptr));
    cudaFree(std::exchange(d_results_, nullptr));
    cudaFreeHost(std::exchange(h_points_, nullptr));
    cudaFreeHost(std::exchange(h_seed_, nullptr));
    cudaFreeHost(std::exchange(h_results_, nullptr));
    point_capacity_ = 0;
  }

  void allocate_frames(std::size_t pixels, int levels) {
    release_frames();
    const auto allocate_levels = [&](std::vector<float*>& buffers, int count) {
      buffers.assign(std::size_t(count), nullptr);
      for (int l = 0; l < count; ++l)  // any shape of `pixels` fits, so a reshaped frame reuses them
        check(cudaMalloc(&buffers[std::size_t(l)], level_capacity_floats(pixels, l) * sizeof(float)), "allocate pyramid");
    };
    for (int slot = 0; slot < 2; ++slot) {
      allocate_levels(pyramids_[slot], levels);
      allocate_levels(splines_[slot], spline_levels(levels));
    }
    for (int slot = 0; slot < 2; ++slot) {
      gain_sums_[slot].ensure(4 * std::size_t(kSplineLevels), "allocate spline gain sums");
      gains_[slot].ensure(std::size_t(kSplineLevels), "allocate spline gains");
    }
    check(cudaMallocHost(&h_frame_, pixels * sizeof(float)), "allocate pinned frame");
    frame_capacity_ = pixels;
  }

  void allocate_points(std::size_t n) {
    release_points();
    check(cudaMalloc(&d_points_, n * sizeof(int2)), "allocate points");
    check(cudaMalloc(&d_seed_, 2 * n * sizeof(float)), "allocate seeds");
    check(cudaMalloc(&d_results_, n * sizeof(MatchResult)), "allocate results");
    // The kernel writes a result's fields, not its padding bytes, which match() copies back:
    // defined once here (compute-sanitizer initcheck reads them as uninitialised otherwise).
    check(cudaMemset(d_results_, 0, n * sizeof(MatchResult)), "clear results");
    check(cudaMallocHost(&h_points_, n * sizeof(int2)), "allocate pinned points");
    check(cudaMallocHost(&h_seed_, 2 * n * sizeof(float)), "allocate pinned seeds");
    check(cudaMallocHost(&h_results_, n * sizeof(MatchResult)), "allocate pinned results");
    point_capacity_ = n;
  }

  void upload(const PyramidSource& image, int slot) {
    std::memcpy(h_frame_, image.data, image.bytes);
    check(cudaMemcpyAsync(pyramids_[slot][0], h_frame_, image.bytes, cudaMemcpyHostToDevice, stream_), "upload frame");
    build_levels(slot);
    // h_frame_ is reused by the next upload: wait until this copy has left it.
    check(cudaStreamSynchronize(stream_), "upload");
  }

  // 8- or 16-bit samples from the pinned staging buffer, converted on the device. The
  // staging buffer is not touched again before the stream is idle (prepare_frames).
  void upload_samples(const PyramidSource& source, int slot) {
    float* level0 = pyramids_[slot][0];
    check(cudaMemcpyAsync(samples_.get(), source.data, source.bytes, cudaMemcpyHostToDevice, stream_), "upload frame");
    const int count = source.width * source.height;
    const int blocks = (count + 255) / 256;
    if (source.format == 1) {
      samples_to_float_kernel<<<blocks, 256, 0, stream_>>>(samples_.get(), count, level0);
    } else {
      samples_to_float_kernel<<<blocks, 256, 0, stream_>>>(reinterpret_cast<const std::uint16_t*>(samples_.get()), count, level0);
    }
    check(cudaGetLastError(), "sample conversion launch");
    build_levels(slot);
  }

  // From slot's level 0 on the device: the coarser levels, then every level's spline
  // coefficients (the sub-pixel steps sample B from them) and derivatives (their Hessian).
  void build_levels(int slot) {
    std::vector<float*>& pyramid = pyramids_[slot];
    for (std::size_t l = 1; l < sizes_.size(); ++l) {
      const LevelSize from = sizes_[l - 1], to = sizes_[l];
      const dim3 block(16, 16), grid((to.width + 15) / 16, (to.height + 15) / 16);
      downsample_kernel<<<grid, block, 0, stream_>>>(pyramid[l - 1], from.width, from.height, pyramid[l], to.width, to.height);
      check(cudaGetLastError(), "downsample kernel launch");
    }
    for (std::size_t l = 0; l < splines_[slot].size(); ++l) {
      const LevelSize size = sizes_[l];
      launch_spline_level(pyramid[l], splines_[slot][l], size.width, size.height, gain_sums_[slot].get() + 4 * l,
                          gains_[slot].get() + l, stream_);
    }
  }

  // Waits for everything queued. A failure may come from a frame's upload, which does not
  // wait itself: a pyramid may be half built, so neither slot is trusted again.
  void wait_for_stream(const char* what) {
    try {
      check(cudaStreamSynchronize(stream_), what);
    } catch (...) {
      slots_.forget();
      throw;
    }
  }

  // The pyramid sizes for a pair, and buffers large enough for them. The last pair's
  // uploads may still be queued, reading the staging buffers and writing the pyramids:
  // they finish before anything is refilled or reallocated.
  void prepare_frames(int width, int height, int levels) {
    wait_for_stream("wait for the last uploads");
    sizes_.assign(std::size_t(levels), LevelSize{});
    sizes_[0] = {width, height};
    for (int l = 1; l < levels; ++l)
      sizes_[std::size_t(l)] = coarser(sizes_[std::size_t(l - 1)]);
    const std::size_t pixels = std::size_t(width) * std::size_t(height);
    if (pixels > frame_capacity_ || std::size_t(levels) > pyramids_[0].size()) {
      slots_.forget();
      allocate_frames(pixels, levels);
    }
    staging_.ensure(2 * pixels * sizeof(std::uint16_t), "allocate pinned frames");
    samples_.ensure(pixels * sizeof(std::uint16_t), "allocate frame samples");
  }

  // A frame whose pyramid is already on the device (the keyframe, the last pair's
  // second frame) is neither uploaded nor downsampled again. A slot is marked as holding
  // a frame before its pyramid is built: if anything fails on the way, neither slot may
  // be trusted again.
  template <class Build>
  void build_pyramids(const PyramidSource& previous, const PyramidSource& next, const Build& build) {
    try {
      const PyramidSlots::Assignment a = slots_.assign(previous, next);
      if (a.build_previous) build(previous, a.previous);
      if (a.build_next) build(next, a.next);
      previous_ = a.previous;
      next_ = a.next;
    } catch (...) {
      slots_.forget();
      throw;
    }
  }

  cudaStream_t stream_ = nullptr;
  std::vector<LevelSize> sizes_;
  PyramidSlots slots_;
  std::vector<float*> pyramids_[2];  // device levels of the two frames held
  std::vector<float*> splines_[2];   // their levels' cubic B-spline coefficients
  CudaArray<double> gain_sums_[2];    // and their gradient gains: the reduction's scratch
  CudaArray<SplineGain> gains_[2];
  int previous_ = 0;
  int next_ = 1;
  std::size_t frame_capacity_ = 0;
  std::size_t point_capacity_ = 0;
  float* h_frame_ = nullptr;
  int2* h_points_ = nullptr;
  float* h_seed_ = nullptr;
  MatchResult* h_results_ = nullptr;
  int2* d_points_ = nullptr;
  float* d_seed_ = nullptr;
  MatchResult* d_results_ = nullptr;
  DeviceField field_;
  CudaArray<unsigned char, true> staging_;  // the pair's two regions as sampled, pinned
  CudaArray<unsigned char> samples_;        // one region's samples on the device
};

}  // namespace

std::unique_ptr<MatcherBackend> make_cuda_matcher() { return std::make_unique<CudaMatcher>(); }

namespace {
template <class Kernel>
KernelResources resources(const char* name, Kernel kernel, std::size_t largest_dynamic_shared, int threads_per_block) {
  cudaFuncAttributes a{};
  check(cudaFuncGetAttributes(&a, kernel), name);
  KernelResources k;
  k.name = name;
  k.registers_per_thread = a.numRegs;
  k.local_bytes_per_thread = a.localSizeBytes;
  k.static_shared_bytes = a.sharedSizeBytes;
  k.largest_dynamic_shared_bytes = largest_dynamic_shared;
  k.max_threads_per_block = a.maxThreadsPerBlock;
  k.threads_per_block = threads_per_block;
  return k;
}
}  // namespace

SplineGain cuda_spline_coefficients(std::vector<float>& image, int width, int height) {
  if (width <= 0 || height <= 0 || image.size() != std::size_t(width) * std::size_t(height))
    throw Error(ErrorCode::InvalidArgument, "cuda_spline_coefficients: the image is not width x height");
  CudaArray<float> samples, coefficients;
  CudaArray<double> sums;
  CudaArray<SplineGain> gain;
  samples.ensure(image.size(), "allocate spline test image");
  coefficients.ensure(image.size(), "allocate spline test coefficients");
  sums.ensure(4, "allocate spline test sums");
  gain.ensure(1, "allocate spline test gain");
  const std::size_t bytes = image.size() * sizeof(float);
  check(cudaMemcpy(samples.get(), image.data(), bytes, cudaMemcpyHostToDevice), "copy spline test image");
  launch_spline_level(samples.get(), coefficients.get(), width, height, sums.get(), gain.get(), nullptr);
  SplineGain on_host;
  check(cudaMemcpy(&on_host, gain.get(), sizeof on_host, cudaMemcpyDeviceToHost), "copy spline gain back");
  check(cudaMemcpy(image.data(), coefficients.get(), bytes, cudaMemcpyDeviceToHost), "copy spline back");
  return on_host;
}

std::vector<KernelResources> cuda_kernel_resources() {
  const std::size_t largest_tiles = std::size_t(kWarpsPerBlock) * kMaxWarpFloats * sizeof(float);
  const int threads = kWarpsPerBlock * kWarpLanes;
  return {resources("match_kernel radius 0", match_kernel<FixedRadiusSearch<0>>, largest_tiles, threads),
          resources("match_kernel radius 1", match_kernel<FixedRadiusSearch<1>>, largest_tiles, threads),
          resources("match_kernel radius 2", match_kernel<FixedRadiusSearch<2>>, largest_tiles, threads),
          resources("match_kernel radius 3-4", match_kernel<WideSearch>, largest_tiles, threads),
          resources("downsample_kernel", downsample_kernel, 0, 256),
          resources("spline_rows_kernel", spline_rows_kernel, 0, kSplineThreads),
          resources("spline_columns_kernel", spline_columns_kernel, 0, kSplineThreads),
          resources("spline_gain_sums_kernel", spline_gain_sums_kernel, 0, kGainThreads)};
}

}  // namespace ft::gpu
