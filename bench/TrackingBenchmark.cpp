// Google Benchmark: time to track one frame pair of a stream (pyramids, all levels,
// filters), CPU and, where a device is present, CUDA with host-device transfers included.
// Run: build/default/bench/bench_tracking --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <vector>

#include "BenchScenes.h"
#include "MatcherBackend.h"
#include "WorkerPool.h"
#include "ft/gpu/LagrangianTracker.h"
#include "ft/gpu/SpeckleTracker.h"

namespace {

constexpr int kStreamFrames = 8;

// A short stream per size: tracking goes frame to frame as live tracking does, so this
// pair's first frame is the last pair's second (whose pyramid the backend keeps).
struct StreamCache {
  std::map<int, std::vector<ft::Frame>> frames;
  std::map<int, ft::UltrasoundRegion> regions;
  const std::vector<ft::Frame>& get(int size) {
    auto it = frames.find(size);
    if (it == frames.end()) {
      const ft::sim::SimulatedExam exam(ft::bench::square_scene("intact", size, 3, 40));
      regions[size] = exam.region();
      std::vector<ft::Frame> stream;
      for (int k = 0; k < kStreamFrames; ++k) stream.push_back(exam.render_frame(12 + k));
      it = frames.emplace(size, std::move(stream)).first;
    }
    return it->second;
  }
};

StreamCache& cache() {
  static StreamCache c;  // frames are expensive to simulate: make each size once per run
  return c;
}

void track_pair(benchmark::State& state, ft::gpu::Backend backend) {
  const int size = int(state.range(0));
  ft::gpu::TrackingParameters p;
  p.grid_step_px = int(state.range(1));
  if (backend == ft::gpu::Backend::Cuda && !ft::gpu::cuda_device_available()) {
    state.SkipWithError("no CUDA device");
    return;
  }
  ft::gpu::SpeckleTracker tracker(p, backend);
  const std::vector<ft::Frame>& stream = cache().get(size);
  const ft::UltrasoundRegion region = cache().regions[size];
  ft::DisplacementField seed = tracker.track(stream[0], stream[1], region);
  int k = 1;
  for (auto _ : state) {
    ft::DisplacementField f = tracker.track(stream[std::size_t(k)], stream[std::size_t(k + 1)], region, &seed);
    benchmark::DoNotOptimize(f.dx_px.data());
    seed = std::move(f);
    k = k + 2 < kStreamFrames ? k + 1 : 0;  // one pair in seven starts the stream again
  }
  state.counters["fps"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["points"] = double(seed.size());
}

void BM_TrackCpu(benchmark::State& state) { track_pair(state, ft::gpu::Backend::Cpu); }
void BM_TrackCuda(benchmark::State& state) { track_pair(state, ft::gpu::Backend::Cuda); }

// The full-resolution level's matching alone: every grid point with the fine template and
// radius, as the tracker hands them to the backend. For CUDA that is the match kernel with
// its point upload and result download; the rest of BM_TrackCuda's time is the coarse
// levels, the frame's upload and pyramid, and the filters between levels.
void match_fine_level(benchmark::State& state, bool cuda) {
  const int size = int(state.range(0));
  ft::gpu::TrackingParameters p;
  p.grid_step_px = int(state.range(1));
  if (cuda && !ft::gpu::cuda_device_available()) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const std::vector<ft::Frame>& stream = cache().get(size);
  const ft::PixelRect bounds = cache().regions[size].bounds;
  const int width = bounds.width_px(), height = bounds.height_px();
  const ft::gpu::TrackingGeometry geo = ft::gpu::make_geometry(p, 0.1, width, height);
  ft::gpu::WorkerPool pool(0);
#if defined(FT_HAVE_CUDA)
  std::unique_ptr<ft::gpu::MatcherBackend> matcher = cuda ? ft::gpu::make_cuda_matcher() : ft::gpu::make_cpu_matcher(pool);
#else
  std::unique_ptr<ft::gpu::MatcherBackend> matcher = ft::gpu::make_cpu_matcher(pool);
#endif
  std::vector<float> first, second;
  ft::gpu::crop_to_float(stream[0], bounds, first);
  ft::gpu::crop_to_float(stream[1], bounds, second);
  matcher->set_frames(first, second, width, height, geo.levels);
  std::vector<ft::gpu::GridPoint> points;
  const int margin = geo.kernel_half_px + 2;  // as SpeckleTracker's grid
  for (int y = margin; y < height - margin; y += p.grid_step_px)
    for (int x = margin; x < width - margin; x += p.grid_step_px) points.push_back({x, y});
  const std::vector<float> seed_dx(points.size(), 0.0f), seed_dy(points.size(), 0.0f);
  const ft::gpu::MatchSettings settings{geo.kernel_half_px, geo.fine_radius_px, p.refine_iterations, p.spline_refine_steps};
  std::vector<ft::gpu::MatchResult> results;
  for (auto _ : state) {
    matcher->match(0, true, points, 0, seed_dx, seed_dy, settings, results);
    benchmark::DoNotOptimize(results.data());
  }
  state.counters["points"] = double(points.size());
  state.counters["template_px"] = double(2 * geo.kernel_half_px + 1);
  state.counters["Mpoints/s"] = benchmark::Counter(double(points.size()) * double(state.iterations()) * 1e-6, benchmark::Counter::kIsRate);
}

void BM_MatchFineCpu(benchmark::State& state) { match_fine_level(state, false); }
void BM_MatchFineCuda(benchmark::State& state) { match_fine_level(state, true); }

void sizes(benchmark::internal::Benchmark* b) {
  for (int size : {256, 512, 1024})
    for (int step : {4, 8}) b->Args({size, step});
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

// Live tracking as `fibretrack live` and the station do it, per new frame: a scanner's
// 720 x 574 image region at 0.1 mm/px, points 0.5 mm apart, each frame matched from its
// keyframe and checked forward-backward (LagrangianTracker). At 30 frames/s a frame has
// 33 ms of wall time, shared with the detector and the recording.
void BM_LiveTracking(benchmark::State& state) {
  struct Scene {
    std::vector<ft::Frame> frames;
    ft::UltrasoundRegion region;
  };
  static const Scene scene = [] {  // simulated once per run
    constexpr int kFrames = 40;
    const ft::sim::SimulatedExam exam(ft::bench::scanner_scene("full_tear", 720, 574, 5, kFrames));
    Scene s{{}, exam.region()};
    for (int k = 0; k < kFrames; ++k) s.frames.push_back(exam.render_frame(k));
    return s;
  }();
  const std::vector<ft::Frame>& frames = scene.frames;
  const ft::UltrasoundRegion& region = scene.region;
  ft::gpu::TrackingParameters p;
  p.grid_step_px = 5;  // AnalysisSettings::grid_mm at 0.1 mm/px
  ft::gpu::SpeckleTracker tracker(p, ft::gpu::Backend::Cpu, int(state.range(0)));
  ft::gpu::LagrangianTracker lagrangian(tracker, region);
  lagrangian.reset(frames[0]);
  std::size_t k = 1;
  for (auto _ : state) {
    const ft::DisplacementField& f = lagrangian.add(frames[k]);
    benchmark::DoNotOptimize(f.dx_px.data());
    if (++k == frames.size()) {  // the clip again from its first frame, as a new window would
      state.PauseTiming();
      lagrangian.reset(frames[0]);
      k = 1;
      state.ResumeTiming();
    }
  }
  state.counters["fps"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["points"] = double(lagrangian.cumulative().size());
}

}  // namespace

BENCHMARK(BM_LiveTracking)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TrackCpu)->Apply(sizes);
BENCHMARK(BM_TrackCuda)->Apply(sizes);
BENCHMARK(BM_MatchFineCpu)->Args({1024, 4})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MatchFineCuda)->Args({1024, 4})->Args({1024, 8})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
