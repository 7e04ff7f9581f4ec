// The detector's own costs, the part of a live evaluation that does not track (Google
// Benchmark). Every evaluation reads the fascicles' direction on its rest, peak and
// candidate frames (FascicleReadings keeps them for the window), so a reading's cost is
// paid several times per evaluation. Run: build/default/bench/bench_evaluation
//
//   BM_FascicleOrientation   one frame's reading over a scanner's 720 x 574 image region at
//                            0.1 mm/px, at the live grid's points (0.5 mm apart)
//   BM_WindowEvaluation/0    the detector over a live window: 100 frames of that region with
//                            a full tear opening under contraction, tracked once at 0.5 mm
//                            before timing; every fascicle reading made afresh (the most an
//                            evaluation can cost: a new window, or rest and peak moved)
//   BM_WindowEvaluation/1    the same with the window's readings already made (what an
//                            evaluation costs when the frames it reads were read before)
//   BM_FollowFindings        between evaluations: that evaluation's tear read again on the
//                            window's last frame (GapFollower), as live tracking does per frame
//
// Each label carries a hash of the output (for the evaluation: rest, peak, the strain of every
// frame, the tracked share and every finding's measures): a change meant to make it faster must leave it
// as it was (compare the labels before and after).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "BenchScenes.h"
#include "ft/core/DisplacementField.h"
#include "ft/core/FascicleOrientation.h"
#include "ft/core/FascicleReadings.h"
#include "ft/core/GapFollower.h"
#include "ft/core/TearDetector.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/plugin/LiveTearMonitor.h"

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

std::uint64_t hash_doubles(const std::vector<double>& values) {
  std::uint64_t h = 1469598103934665603ull;
  for (double v : values) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    for (int b = 0; b < 8; ++b) h = (h ^ ((bits >> (8 * b)) & 0xFF)) * 1099511628211ull;
  }
  return h;
}

// Arg: the grain elongation the lines follow (1: lines of one length; 5: as on a recorded screen,
// where level lines are 30 mm long; the cost of the lines alone, on the same frame).
void BM_FascicleOrientation(benchmark::State& state) {
  ft::FascicleScale scale;
  scale.texture_elongation = double(state.range(0));
  const ft::sim::SimulatedExam exam(ft::bench::scanner_scene("full_tear", 720, 574, 5, 2));
  const ft::Frame frame = exam.render_frame(1);
  const ft::PixelRect& region = exam.region().bounds;
  constexpr int kStepPx = 5;  // AnalysisSettings::grid_mm at 0.1 mm/px
  const ft::DisplacementField grid(region.width_px() / kStepPx, region.height_px() / kStepPx, region.x0_px,
                                   region.y0_px, kStepPx);
  ft::FibreField reading;
  for (auto _ : state) {
    reading = ft::fascicle_orientation(frame, region, grid, 0.1, scale);
    benchmark::DoNotOptimize(reading.angle_deg.data());
  }
  char label[64];
  std::snprintf(label, sizeof label, "output %016llx",
                static_cast<unsigned long long>(hash_floats(reading.coherence, hash_floats(reading.angle_deg))));
  state.SetLabel(label);
  state.counters["points"] = double(grid.size());
}

// What a live evaluation reads: a window's frames and their motion, tracked once.
struct TrackedWindow {
  std::vector<ft::Frame> frames;
  ft::ClipAnalysis analysis;
  ft::DetectionSettings detection;
};

const TrackedWindow& tracked_window() {
  static const TrackedWindow window = [] {  // benchmark fixture: built once, read only
    const int kFrames = ft::LiveSettings{}.window_frames;
    const ft::sim::SimulatedExam exam(ft::bench::scanner_scene("full_tear", 720, 574, 5, kFrames));
    TrackedWindow w;
    for (int k = 0; k < kFrames; ++k) w.frames.push_back(exam.render_frame(k));
    ft::AnalysisSettings settings;
    settings.backend = ft::gpu::Backend::Cpu;
    w.analysis = ft::analyse_clip(kFrames, [&](int k) { return w.frames[std::size_t(k)]; }, exam.region(), settings);
    w.detection = ft::settings_at(settings, w.analysis.scale).detection;
    w.detection.record_evidence = false;  // as live monitoring runs it
    return w;
  }();
  return window;
}

void BM_WindowEvaluation(benchmark::State& state) {
  const TrackedWindow& w = tracked_window();
  const bool readings_made = state.range(0) != 0;
  const ft::FrameAt frame_at = [&](int k) { return w.frames[std::size_t(w.analysis.kept_frames[std::size_t(k)])]; };
  ft::FascicleReadings made;
  if (readings_made) ft::detect_tears(w.analysis.motion, frame_at, w.detection, &made);
  ft::DetectionResult result;
  for (auto _ : state) {
    ft::FascicleReadings fresh;
    result = ft::detect_tears(w.analysis.motion, frame_at, w.detection, readings_made ? &made : &fresh);
    benchmark::DoNotOptimize(result.findings.data());
  }
  std::vector<double> output{double(result.contraction.rest_frame), double(result.contraction.peak_frame),
                             result.contraction.peak_strain, result.tracked_fraction};
  output.insert(output.end(), result.contraction.strain_by_frame.begin(), result.contraction.strain_by_frame.end());
  for (const ft::TearFinding& f : result.findings)
    output.insert(output.end(), {f.centre_x_mm, f.centre_z_mm, f.gap_rest_mm, f.gap_mm, f.retraction_mm,
                                 f.extent_pct, f.confidence});
  char label[64];
  std::snprintf(label, sizeof label, "%zu findings, output %016llx", result.findings.size(),
                static_cast<unsigned long long>(hash_doubles(output)));
  state.SetLabel(label);
  state.counters["points"] = double(w.analysis.motion.cumulative[0].size());
}

// Live, between evaluations: the window's tears read again on each newly tracked frame
// (GapFollower), on the tracking thread, once per frame. Timed on the window's last frame.
void BM_FollowFindings(benchmark::State& state) {
  const TrackedWindow& w = tracked_window();
  const ft::FrameAt frame_at = [&](int k) { return w.frames[std::size_t(w.analysis.kept_frames[std::size_t(k)])]; };
  const ft::DetectionResult result = ft::detect_tears(w.analysis.motion, frame_at, w.detection);
  if (result.findings.empty() || !result.findings.front().follower) {
    state.SkipWithError("the window's evaluation found no tear to follow");
    return;
  }
  const ft::DisplacementField& newest = w.analysis.motion.cumulative.back();
  double gap_mm = 0;
  for (auto _ : state) {
    for (const ft::TearFinding& f : result.findings)
      if (f.follower) gap_mm = f.follower->gap_mm(newest);
    benchmark::DoNotOptimize(gap_mm);
  }
  char label[64];
  std::snprintf(label, sizeof label, "gap %.3f mm on the last frame (curve %.3f)", gap_mm,
                result.findings.back().gap_by_frame_mm.back());
  state.SetLabel(label);
  state.counters["findings"] = double(result.findings.size());
}

}  // namespace

BENCHMARK(BM_FollowFindings)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_WindowEvaluation)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK(BM_FascicleOrientation)->Arg(1)->Arg(5)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK_MAIN();
