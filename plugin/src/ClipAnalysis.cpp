#include "ft/plugin/ClipAnalysis.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "FrameDifference.h"
#include "ft/core/Error.h"
#include "ft/gpu/LagrangianTracker.h"
#include "ft/gpu/SpeckleTracker.h"
#include "ft/plugin/ImageRegionEstimate.h"

namespace ft {
namespace {


// Speckle grain size (px) along x: twice the lag where the autocorrelation of the
// region, with its large-scale structure (layers, shadows) removed, falls to 1/2. Used
// to guess mm per px when a clip carries no calibration: MSK linear probes resolve
// about 0.5 mm laterally.
double speckle_width_px(const Frame& f, const PixelRect& r) {
  const int w = r.width_px(), h = r.height_px(), half = 12;
  std::vector<double> detail(std::size_t(w) * std::size_t(h), 0.0);
  for (int y = 0; y < h; ++y) {
    // Running mean over +-half px along x, then the residual.
    double sum = 0;
    int n = 0;
    for (int x = 0; x < std::min(w, half + 1); ++x, ++n) sum += f.value(r.x0_px + x, r.y0_px + y);
    for (int x = 0; x < w; ++x) {
      detail[std::size_t(y) * w + x] = f.value(r.x0_px + x, r.y0_px + y) - sum / n;
      if (x + half + 1 < w) { sum += f.value(r.x0_px + x + half + 1, r.y0_px + y); ++n; }
      if (x - half >= 0) { sum -= f.value(r.x0_px + x - half, r.y0_px + y); --n; }
    }
  }
  auto correlation = [&](int lag) {
    double s = 0, s0 = 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x + lag < w; ++x) {
        const double a = detail[std::size_t(y) * w + x], b = detail[std::size_t(y) * w + x + lag];
        s += a * b;
        s0 += a * a;
      }
    return s0 > 0 ? s / s0 : 0.0;
  };
  for (int lag = 1; lag < half; ++lag) {
    const double c0 = correlation(lag - 1), c1 = correlation(lag);
    if (c1 < 0.5) return 2.0 * ((lag - 1) + (c0 - 0.5) / std::max(1e-9, c0 - c1));
  }
  return 2.0 * half;
}

}  // namespace

std::vector<int> distinct_frames(int frame_count, const FrameAt& frame_at, const PixelRect& region, double threshold) {
  std::vector<int> kept;
  if (frame_count <= 0) return kept;
  std::vector<double> change(std::size_t(frame_count), 0.0);
  Frame previous = frame_at(0);
  for (int k = 1; k < frame_count; ++k) {
    Frame current = frame_at(k);
    change[std::size_t(k)] = mean_abs_difference(previous, current, region, 2);
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

ClipAnalysis analyse_clip(int frame_count, const FrameAt& frame_at, const UltrasoundRegion& given_region,
                          const AnalysisSettings& settings) {
  ClipAnalysis out;
  if (frame_count <= 0) throw Error(ErrorCode::InvalidArgument, "a clip with no frames cannot be analysed");
  UltrasoundRegion region = given_region;
  out.kept_frames = distinct_frames(frame_count, frame_at, given_region.bounds, settings.repeat_threshold);
  if (int(out.kept_frames.size()) < frame_count)
    out.warnings.push_back(std::to_string(frame_count - int(out.kept_frames.size())) +
                           " frames with no new image content dropped (frame-grabber repeats or still frames)");
  const FrameAt kept_at = [&](int k) { return frame_at(out.kept_frames[std::size_t(k)]); };
  const int n = int(out.kept_frames.size());
  const Frame first = frame_at(0);
  if (region.bounds == PixelRect{0, 0, first.width_px() - 1, first.height_px() - 1}) {
    // No image region given: find the moving image inside the captured screen (after
    // the repeats are gone, which would look still).
    region.bounds = estimate_image_region(n, kept_at, region.bounds);
    if (!(region.bounds == given_region.bounds))
      out.warnings.push_back("no image region in the file: the moving image area was taken (x " +
                             std::to_string(region.bounds.x0_px) + "-" + std::to_string(region.bounds.x1_px) + ", y " +
                             std::to_string(region.bounds.y0_px) + "-" + std::to_string(region.bounds.y1_px) + ")");
  }
  out.region = region;

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

  DetectionSettings detection = settings.detection;
  if (!given_region.has_mm_calibration()) {
    // The mm scale is a guess: ask for clearer evidence before calling a tear.
    detection.min_opening_mm *= 1.5;
    detection.min_evidence_area_mm2 *= 1.5;
  }
  out.detection = detect_tears(out.motion, kept_at, detection);
  out.detection.calibrated = given_region.has_mm_calibration();
  // Report frames as the original clip numbers them.
  auto original = [&](int k) { return out.kept_frames[std::size_t(std::clamp(k, 0, n - 1))]; };
  out.detection.contraction.rest_frame = original(out.detection.contraction.rest_frame);
  out.detection.contraction.peak_frame = original(out.detection.contraction.peak_frame);
  for (auto& f : out.detection.findings) f.frame = original(f.frame);
  return out;
}

}  // namespace ft
