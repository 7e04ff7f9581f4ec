// The detector's own costs, the part of a live evaluation that does not track (Google
// Benchmark). Every evaluation reads the fascicles' direction on its rest, peak and
// candidate frames (FascicleReadings keeps them for the window), so a reading's cost is
// paid several times per evaluation. Run: build/default/bench/bench_evaluation
//
//   BM_FascicleOrientation   one frame's reading over a scanner's 720 x 574 image region at
//                            0.1 mm/px, at the live grid's points (0.5 mm apart)
//
// The label carries a hash of the reading's output: a change meant to make it faster must
// leave it as it was (compare the label before and after).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "BenchScenes.h"
#include "ft/core/DisplacementField.h"
#include "ft/core/FascicleOrientation.h"

namespace {

// FNV-1a over the floats' bytes: equal only when every value is equal to the bit.
std::uint64_t hash_floats(const std::vector<float>& values, std::uint64_t h = 1469598103934665603ull) {
  for (float v : values) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    for (int b = 0; b < 4; ++b) h = (h ^ ((bits >> (8 * b)) & 0xFF)) * 1099511628211ull;
  }
  return h;
}

void BM_FascicleOrientation(benchmark::State& state) {
  const ft::sim::SimulatedExam exam(ft::bench::scanner_scene("full_tear", 720, 574, 5, 2));
  const ft::Frame frame = exam.render_frame(1);
  const ft::PixelRect& region = exam.region().bounds;
  constexpr int kStepPx = 5;  // AnalysisSettings::grid_mm at 0.1 mm/px
  const ft::DisplacementField grid(region.width_px() / kStepPx, region.height_px() / kStepPx, region.x0_px,
                                   region.y0_px, kStepPx);
  ft::FibreField reading;
  for (auto _ : state) {
    reading = ft::fascicle_orientation(frame, region, grid, 0.1);
    benchmark::DoNotOptimize(reading.angle_deg.data());
  }
  char label[64];
  std::snprintf(label, sizeof label, "output %016llx",
                static_cast<unsigned long long>(hash_floats(reading.coherence, hash_floats(reading.angle_deg))));
  state.SetLabel(label);
  state.counters["points"] = double(grid.size());
}

}  // namespace

BENCHMARK(BM_FascicleOrientation)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK_MAIN();
