// Google Benchmark: time to track one frame pair (pyramids, all levels, filters), CPU
// and, where a device is present, CUDA with host-device transfers included.
// Run: build/default/bench/bench_tracking --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "BenchScenes.h"
#include "ft/gpu/SpeckleTracker.h"

namespace {

struct PairCache {
  std::map<int, std::pair<ft::Frame, ft::Frame>> frames;
  std::map<int, ft::UltrasoundRegion> regions;
  const std::pair<ft::Frame, ft::Frame>& get(int size) {
    auto it = frames.find(size);
    if (it == frames.end()) {
      const ft::sim::SimulatedExam exam(ft::bench::square_scene("intact", size, 3, 40));
      regions[size] = exam.region();
      it = frames.emplace(size, std::make_pair(exam.render_frame(12), exam.render_frame(13))).first;
    }
    return it->second;
  }
};

PairCache& cache() {
  static PairCache c;  // frames are expensive to simulate: make each size once per run
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
  const auto& [a, b] = cache().get(size);
  const ft::UltrasoundRegion region = cache().regions[size];
  ft::DisplacementField seed = tracker.track(a, b, region);
  for (auto _ : state) {
    ft::DisplacementField f = tracker.track(a, b, region, &seed);
    benchmark::DoNotOptimize(f.dx_px.data());
  }
  state.counters["fps"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["points"] = double(seed.size());
}

void BM_TrackCpu(benchmark::State& state) { track_pair(state, ft::gpu::Backend::Cpu); }
void BM_TrackCuda(benchmark::State& state) { track_pair(state, ft::gpu::Backend::Cuda); }

void sizes(benchmark::internal::Benchmark* b) {
  for (int size : {256, 512, 1024})
    for (int step : {4, 8}) b->Args({size, step});
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace

BENCHMARK(BM_TrackCpu)->Apply(sizes);
BENCHMARK(BM_TrackCuda)->Apply(sizes);
BENCHMARK_MAIN();
