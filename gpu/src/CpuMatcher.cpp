// The CPU backend: pyramids on the CPU (kept for a frame matched again), grid points
// matched in parallel by the tracker's worker pool.
#include <algorithm>

#include "ImagePyramid.h"
#include "MatcherBackend.h"
#include "PyramidSlots.h"
#include "WorkerPool.h"

namespace ft::gpu {
namespace {

// flatten inlines match_point() into the loop. One build of it for every x86-64: the
// AVX2/FMA copy that target_clones("arch=haswell") used to add was picked by CPU model (Intel
// Haswell alone, never an AMD EPYC or a later Intel), and where it did run it changed the
// last bits of the results; a copy picked by feature (arch=x86-64-v3) measured no faster on
// the development VM (bench_tracking 512/8: 9.2 against 9.0 ms, 1024/8: 38 ms both).
#if defined(__GNUC__)
#define FT_FLATTEN __attribute__((flatten))
#else
#define FT_FLATTEN
#endif

FT_FLATTEN void match_range(const ImageView& a, const ImageView& b, const SplineViews& splines, const GridPoint* points,
                            const float* seed_dx, const float* seed_dy, std::size_t count, const MatchSettings& settings,
                            MatchResult* results) {
  for (std::size_t i = 0; i < count; ++i)
    results[i] = match_point(a, b, splines, points[i].x, points[i].y, seed_dx[i], seed_dy[i], settings);
}

class CpuMatcher final : public MatcherBackend {
 public:
  explicit CpuMatcher(WorkerPool& pool) : pool_(pool) {}

  void set_frames(const std::vector<float>& previous, const std::vector<float>& next, int width, int height,
                  int levels) override {
    // A slot is marked as holding a frame before its pyramid is built: if anything fails
    // on the way, neither slot may be trusted again.
    try {
      const PyramidSlots::Assignment a =
          slots_.assign(float_source(previous, width, height, levels), float_source(next, width, height, levels));
      if (a.build_previous) pyramids_[a.previous].build(previous, width, height, levels);
      if (a.build_next) pyramids_[a.next].build(next, width, height, levels);
      previous_ = a.previous;
      next_ = a.next;
    } catch (...) {
      slots_.forget();
      throw;
    }
  }

  LevelSize level_size(int level) const override {
    return {pyramids_[previous_].width(level), pyramids_[previous_].height(level)};
  }

  void match(int level, bool forward, const std::vector<GridPoint>& points, int /*columns*/, const std::vector<float>& seed_dx,
             const std::vector<float>& seed_dy, const MatchSettings& settings,
             std::vector<MatchResult>& results) override {
    const ImagePyramid& from = pyramids_[forward ? previous_ : next_];
    const ImagePyramid& to = pyramids_[forward ? next_ : previous_];
    const ImageView a = from.view(level), b = to.view(level);
    const SplineViews splines(from.spline(level), to.spline(level));
    results.resize(points.size());
    constexpr int kChunk = 64;  // points per task: enough work to amortise the hand-off
    const int chunks = int((points.size() + kChunk - 1) / kChunk);
    pool_.run(chunks, [&](int chunk) {
      const std::size_t begin = std::size_t(chunk) * kChunk;
      const std::size_t end = std::min(points.size(), begin + kChunk);
      match_range(a, b, splines, &points[begin], &seed_dx[begin], &seed_dy[begin], end - begin, settings, &results[begin]);
    });
  }

 private:
  WorkerPool& pool_;
  PyramidSlots slots_;
  ImagePyramid pyramids_[2];
  int previous_ = 0;
  int next_ = 1;
};

}  // namespace

std::unique_ptr<MatcherBackend> make_cpu_matcher(WorkerPool& pool) { return std::make_unique<CpuMatcher>(pool); }

}  // namespace ft::gpu
