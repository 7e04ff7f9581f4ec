// The CUDA backend. Per frame pair: the two frames go up through pinned buffers on
// one stream, the pyramids are built on the device, and each pyramid level is matched
// by one thread per grid point running match_point() (BlockMatch.h, shared with the
// CPU). A block of 8x8 neighbouring points first copies the part of both images it
// reads into shared memory; a block whose reads do not fit uses global memory. Device
// and pinned buffers are kept and grown only when a larger frame arrives.
#include <cuda_runtime.h>

#include <climits>
#include <string>
#include <vector>

#include "MatcherBackend.h"
#include "ft/core/Error.h"

namespace ft::gpu {
namespace {

constexpr int kBlockSide = 8;
constexpr int kTileFloats = 12 * 1024;  // 48 KiB of shared memory for both tiles

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw Error(ErrorCode::Internal, std::string("CUDA ") + what + ": " + cudaGetErrorString(status));
}

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

struct Box {
  int x0, y0, x1, y1;
};

__device__ void grow(int* box, int x0, int y0, int x1, int y1) {
  atomicMin(&box[0], x0);
  atomicMin(&box[1], y0);
  atomicMax(&box[2], x1);
  atomicMax(&box[3], y1);
}

// Loads the clamped box of `image` into shared memory; returns a view of the tile, or
// the global view when the box does not fit in `capacity` floats.
__device__ ImageView load_tile(const ImageView& image, const int* box, float* tile, int capacity, int tid, int threads) {
  const int x0 = max(box[0], image.x0), y0 = max(box[1], image.y0);
  const int x1 = min(box[2], image.x0 + image.width - 1), y1 = min(box[3], image.y0 + image.height - 1);
  const int w = x1 - x0 + 1, h = y1 - y0 + 1;
  if (w <= 0 || h <= 0 || w * h > capacity) return image;
  for (int k = tid; k < w * h; k += threads) tile[k] = image.at(x0 + k % w, y0 + k / w);
  ImageView view;
  view.data = tile;
  view.x0 = x0;
  view.y0 = y0;
  view.width = w;
  view.height = h;
  view.stride = w;
  return view;
}

__global__ void match_kernel(ImageView a_global, ImageView b_global, const int2* points, const float* seed_dx,
                             const float* seed_dy, int columns, int rows, MatchSettings s, MatchResult* out) {
  extern __shared__ float tiles[];
  __shared__ int box_a[4], box_b[4];
  const int c = blockIdx.x * kBlockSide + threadIdx.x, r = blockIdx.y * kBlockSide + threadIdx.y;
  const int tid = threadIdx.y * kBlockSide + threadIdx.x, threads = kBlockSide * kBlockSide;
  const bool active = c < columns && r < rows;
  if (tid == 0) {
    box_a[0] = box_a[1] = box_b[0] = box_b[1] = INT_MAX;
    box_a[2] = box_a[3] = box_b[2] = box_b[3] = INT_MIN;
  }
  __syncthreads();
  int2 p = make_int2(0, 0);
  float sdx = 0.0f, sdy = 0.0f;
  if (active) {
    const int i = r * columns + c;
    p = points[i];
    sdx = seed_dx[i];
    sdy = seed_dy[i];
    const int ma = s.half + 1;                 // template and its gradients
    const int mb = s.half + 3 * s.radius + 4;  // search (re-centred twice), bilinear taps, refinement drift
    const int cx = p.x + int(lroundf(sdx)), cy = p.y + int(lroundf(sdy));
    grow(box_a, p.x - ma, p.y - ma, p.x + ma, p.y + ma);
    grow(box_b, cx - mb, cy - mb, cx + mb, cy + mb);
  }
  __syncthreads();
  const int half_capacity = kTileFloats / 2;
  const ImageView a = load_tile(a_global, box_a, tiles, half_capacity, tid, threads);
  const ImageView b = load_tile(b_global, box_b, tiles + half_capacity, half_capacity, tid, threads);
  __syncthreads();
  if (!active) return;
  // A seed clamped into the image may reach past the tile: then read global memory.
  const ImageView& bb = b.data != b_global.data && !b.holds(p.x + int(lroundf(sdx)), p.y + int(lroundf(sdy)), s.half + 3 * s.radius + 4)
                            ? b_global : b;
  out[r * columns + c] = match_point(a, bb, p.x, p.y, sdx, sdy, s);
}

class CudaMatcher final : public MatcherBackend {
 public:
  CudaMatcher() {
    check(cudaStreamCreate(&stream_), "stream");
    // match_point() keeps a prepared template per thread (~18 KiB of local memory).
    check(cudaDeviceSetLimit(cudaLimitStackSize, 24 * 1024), "stack size");
  }
  ~CudaMatcher() override {
    for (auto* v : {&previous_, &next_})
      for (float* p : *v) cudaFree(p);
    cudaFree(d_points_);
    cudaFree(d_seed_);
    cudaFree(d_results_);
    cudaFreeHost(h_frame_);
    cudaFreeHost(h_points_);
    cudaFreeHost(h_seed_);
    cudaFreeHost(h_results_);
    cudaStreamDestroy(stream_);
  }

  void set_frames(const std::vector<float>& previous, const std::vector<float>& next, int width, int height,
                  int levels) override {
    sizes_.assign(std::size_t(levels), LevelSize{});
    sizes_[0] = {width, height};
    for (int l = 1; l < levels; ++l)
      sizes_[std::size_t(l)] = {std::max(1, sizes_[std::size_t(l - 1)].width / 2), std::max(1, sizes_[std::size_t(l - 1)].height / 2)};
    const std::size_t pixels = std::size_t(width) * std::size_t(height);
    if (pixels > frame_capacity_ || std::size_t(levels) > previous_.size()) allocate_frames(pixels, levels);
    upload(previous, previous_);
    upload(next, next_);
  }

  LevelSize level_size(int level) const override { return sizes_[std::size_t(level)]; }

  void match(int level, bool forward, const std::vector<GridPoint>& points, int columns, const std::vector<float>& seed_dx,
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
    const LevelSize size = sizes_[std::size_t(level)];
    const ImageView pv{previous_[std::size_t(level)], 0, 0, size.width, size.height, size.width};
    const ImageView nv{next_[std::size_t(level)], 0, 0, size.width, size.height, size.width};
    const int rows = int((n + std::size_t(columns) - 1) / std::size_t(columns));
    const dim3 block(kBlockSide, kBlockSide), grid((columns + kBlockSide - 1) / kBlockSide, (rows + kBlockSide - 1) / kBlockSide);
    match_kernel<<<grid, block, kTileFloats * sizeof(float), stream_>>>(forward ? pv : nv, forward ? nv : pv, d_points_,
                                                                      d_seed_, d_seed_ + n, columns, rows, settings, d_results_);
    check(cudaGetLastError(), "match kernel launch");
    check(cudaMemcpyAsync(h_results_, d_results_, n * sizeof(MatchResult), cudaMemcpyDeviceToHost, stream_), "copy results");
    check(cudaStreamSynchronize(stream_), "match");
    results.assign(h_results_, h_results_ + n);
  }

 private:
  void allocate_frames(std::size_t pixels, int levels) {
    for (auto* v : {&previous_, &next_}) {
      for (float* p : *v) cudaFree(p);
      v->assign(std::size_t(levels), nullptr);
      std::size_t level_pixels = pixels;
      for (int l = 0; l < levels; ++l, level_pixels = level_pixels / 4 + 1)
        check(cudaMalloc(&(*v)[std::size_t(l)], level_pixels * sizeof(float)), "allocate pyramid");
    }
    cudaFreeHost(h_frame_);
    check(cudaMallocHost(&h_frame_, pixels * sizeof(float)), "allocate pinned frame");
    frame_capacity_ = pixels;
  }

  void allocate_points(std::size_t n) {
    cudaFree(d_points_);
    cudaFree(d_seed_);
    cudaFree(d_results_);
    cudaFreeHost(h_points_);
    cudaFreeHost(h_seed_);
    cudaFreeHost(h_results_);
    check(cudaMalloc(&d_points_, n * sizeof(int2)), "allocate points");
    check(cudaMalloc(&d_seed_, 2 * n * sizeof(float)), "allocate seeds");
    check(cudaMalloc(&d_results_, n * sizeof(MatchResult)), "allocate results");
    check(cudaMallocHost(&h_points_, n * sizeof(int2)), "allocate pinned points");
    check(cudaMallocHost(&h_seed_, 2 * n * sizeof(float)), "allocate pinned seeds");
    check(cudaMallocHost(&h_results_, n * sizeof(MatchResult)), "allocate pinned results");
    point_capacity_ = n;
  }

  void upload(const std::vector<float>& frame, std::vector<float*>& pyramid) {
    std::copy(frame.begin(), frame.end(), h_frame_);
    check(cudaMemcpyAsync(pyramid[0], h_frame_, frame.size() * sizeof(float), cudaMemcpyHostToDevice, stream_), "upload frame");
    for (std::size_t l = 1; l < sizes_.size(); ++l) {
      const LevelSize from = sizes_[l - 1], to = sizes_[l];
      const dim3 block(16, 16), grid((to.width + 15) / 16, (to.height + 15) / 16);
      downsample_kernel<<<grid, block, 0, stream_>>>(pyramid[l - 1], from.width, from.height, pyramid[l], to.width, to.height);
      check(cudaGetLastError(), "downsample kernel launch");
    }
    // h_frame_ is reused by the next upload: wait until this copy has left it.
    check(cudaStreamSynchronize(stream_), "upload");
  }

  cudaStream_t stream_ = nullptr;
  std::vector<LevelSize> sizes_;
  std::vector<float*> previous_, next_;
  std::size_t frame_capacity_ = 0;
  std::size_t point_capacity_ = 0;
  float* h_frame_ = nullptr;
  int2* h_points_ = nullptr;
  float* h_seed_ = nullptr;
  MatchResult* h_results_ = nullptr;
  int2* d_points_ = nullptr;
  float* d_seed_ = nullptr;
  MatchResult* d_results_ = nullptr;
};

}  // namespace

std::unique_ptr<MatcherBackend> make_cuda_matcher() { return std::make_unique<CudaMatcher>(); }

}  // namespace ft::gpu
