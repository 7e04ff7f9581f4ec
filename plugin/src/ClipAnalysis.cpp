#include "ft/plugin/ClipAnalysis.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ft/core/Error.h"
#include "ft/gpu/LagrangianTracker.h"
#include "ft/gpu/SpeckleTracker.h"

namespace ft {
namespace {

double mean_abs_difference(const Frame& a, const Frame& b, const PixelRect& r) {
  double sum = 0;
  long n = 0;
  for (int y = r.y0_px; y <= r.y1_px; y += 2)
    for (int x = r.x0_px; x <= r.x1_px; x += 2) {
      sum += std::abs(a.value(x, y) - b.value(x, y));
      ++n;
    }
  return n ? sum / double(n) : 0.0;
}

// Speckle grain size (px) along x: where the autocorrelation of the region falls to 1/2.
// Used to guess mm per px when a clip carries no calibration: MSK linear probes resolve
// about 0.5 mm laterally.
double speckle_width_px(const Frame& f, const PixelRect& r) {
  double mean = 0;
  long n = 0;
  for (int y = r.y0_px; y <= r.y1_px; ++y)
    for (int x = r.x0_px; x <= r.x1_px; ++x) {
      mean += f.value(x, y);
      ++n;
    }
  mean /= double(std::max(1L, n));
  auto correlation = [&](int lag) {
    double s = 0, s0 = 0;
    for (int y = r.y0_px; y <= r.y1_px; ++y)
      for (int x = r.x0_px; x + lag <= r.x1_px; ++x) {
        const double a = f.value(x, y) - mean, b = f.value(x + lag, y) - mean;
        s += a * b;
        s0 += a * a;
      }
    return s0 > 0 ? s / s0 : 0.0;
  };
  for (int lag = 1; lag < 40; ++lag)
    if (correlation(lag) < 0.5) return 2.0 * lag;
  return 80.0;
}

}  // namespace

std::vector<int> distinct_frames(int frame_count, const FrameAt& frame_at, const PixelRect& region, double threshold) {
  std::vector<int> kept;
  if (frame_count <= 0) return kept;
  std::vector<double> change(std::size_t(frame_count), 0.0);
  Frame previous = frame_at(0);
  for (int k = 1; k < frame_count; ++k) {
    Frame current = frame_at(k);
    change[std::size_t(k)] = mean_abs_difference(previous, current, region);
    previous = std::move(current);
  }
  // Typical change between distinct frames: the upper half of all changes (a clip may
  // hold more repeats than new frames, e.g. 21 frames/s captured at 60).
  std::vector<double> sorted(change.begin() + 1, change.end());
  std::sort(sorted.begin(), sorted.end());
  const double typical = sorted.empty() ? 0.0 : sorted[sorted.size() * 3 / 4];
  kept.push_back(0);
  for (int k = 1; k < frame_count; ++k)
    if (change[std::size_t(k)] > threshold * typical) kept.push_back(k);
  return kept;
}

ClipAnalysis analyse_clip(int frame_count, const FrameAt& frame_at, const UltrasoundRegion& region,
                          const AnalysisSettings& settings) {
  ClipAnalysis out;
  out.region = region;
  if (frame_count <= 0) throw Error(ErrorCode::InvalidArgument, "a clip with no frames cannot be analysed");
  out.kept_frames = distinct_frames(frame_count, frame_at, region.bounds, settings.repeat_threshold);
  if (int(out.kept_frames.size()) < frame_count)
    out.warnings.push_back(std::to_string(frame_count - int(out.kept_frames.size())) +
                           " repeated frames dropped (frame grabber faster than the scanner)");
  const FrameAt kept_at = [&](int k) { return frame_at(out.kept_frames[std::size_t(k)]); };
  const int n = int(out.kept_frames.size());

  UltrasoundRegion analysed = region;
  if (!region.has_mm_calibration()) {
    const double mm = 0.5 / speckle_width_px(kept_at(0), region.bounds);
    analysed.units_x = analysed.units_y = PhysicalUnits::Centimetre;
    analysed.mm_per_px_x = analysed.mm_per_px_y = mm;
    out.warnings.push_back("no calibration: mm estimated from the speckle size (" + std::to_string(mm) +
                           " mm/px); measurements are approximate");
  }
  out.motion.region = analysed;
  out.motion.mm_per_px_x = analysed.mm_per_px_x;
  out.motion.mm_per_px_y = analysed.mm_per_px_y;

  gpu::TrackingParameters tracking = settings.tracking;
  const double mm_per_px = 0.5 * (analysed.mm_per_px_x + analysed.mm_per_px_y);
  tracking.grid_step_px = std::max(2, int(std::lround(settings.grid_mm / mm_per_px)));
  gpu::SpeckleTracker tracker(tracking, settings.backend);
  out.backend = gpu::to_string(tracker.backend());
  gpu::LagrangianTracker lagrangian(tracker, analysed);
  lagrangian.reset(kept_at(0));
  out.motion.cumulative.push_back(lagrangian.cumulative());
  const auto t0 = std::chrono::steady_clock::now();
  for (int k = 1; k < n; ++k) out.motion.cumulative.push_back(lagrangian.add(kept_at(k)));
  if (n > 1)
    out.tracking_ms_per_frame =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / double(n - 1);

  out.detection = detect_tears(out.motion, kept_at, settings.detection);
  out.detection.calibrated = region.has_mm_calibration();
  // Report frames as the original clip numbers them.
  auto original = [&](int k) { return out.kept_frames[std::size_t(std::clamp(k, 0, n - 1))]; };
  out.detection.contraction.rest_frame = original(out.detection.contraction.rest_frame);
  out.detection.contraction.peak_frame = original(out.detection.contraction.peak_frame);
  for (auto& f : out.detection.findings) f.frame = original(f.frame);
  return out;
}

}  // namespace ft
