#include "ft/plugin/LiveTearMonitor.h"

#include <cmath>

#include "ft/core/FascicleOrientation.h"
#include "ft/core/TearDetector.h"

namespace ft {

LiveTearMonitor::LiveTearMonitor(UltrasoundRegion region, LiveSettings settings)
    : region_(region), settings_(settings) {
  gpu::TrackingParameters tracking = settings_.analysis.tracking;
  const double mm_per_px = region_.has_mm_calibration() ? 0.5 * (region_.mm_per_px_x + region_.mm_per_px_y) : 0.1;
  tracking.grid_step_px = std::max(2, int(std::lround(settings_.analysis.grid_mm / mm_per_px)));
  tracker_ = std::make_unique<gpu::SpeckleTracker>(tracking, settings_.analysis.backend);
  // Findings only, every few frames: the evidence maps are for review and --explain.
  settings_.analysis.detection.record_evidence = false;
  motion_.region = region_;
  motion_.mm_per_px_x = region_.has_mm_calibration() ? region_.mm_per_px_x : mm_per_px;
  motion_.mm_per_px_y = region_.has_mm_calibration() ? region_.mm_per_px_y : mm_per_px;
}

void LiveTearMonitor::restart(const Frame& frame) {
  window_.clear();
  motion_.cumulative.clear();
  lagrangian_ = std::make_unique<gpu::LagrangianTracker>(*tracker_, region_);
  lagrangian_->reset(frame);
  window_.push_back(frame);
  motion_.cumulative.push_back(lagrangian_->cumulative());
  window_start_ = frames_seen_;
  // Every evaluation of this window starts from the same first frame: read its fascicles once.
  first_frame_fibres_ = fascicle_orientation(frame, region_.bounds, motion_.cumulative.front(),
                                             0.5 * (motion_.mm_per_px_x + motion_.mm_per_px_y));
}

std::optional<DetectionResult> LiveTearMonitor::add_frame(const Frame& frame) {
  if (!lagrangian_ || int(window_.size()) >= settings_.window_frames) {
    restart(frame);
  } else {
    window_.push_back(frame);
    motion_.cumulative.push_back(lagrangian_->add(frame));
  }
  ++frames_seen_;
  if (window_.size() < 3 || (frames_seen_ - window_start_) % settings_.update_every != 0) return std::nullopt;
  const FrameAt frame_at = [this](int k) { return window_[std::size_t(k)]; };
  DetectionResult result = detect_tears(motion_, frame_at, settings_.analysis.detection, &first_frame_fibres_);
  // Frame numbers as the stream counts them.
  result.contraction.rest_frame += int(window_start_);
  result.contraction.peak_frame += int(window_start_);
  for (auto& f : result.findings) f.frame += int(window_start_);
  latest_ = result;
  return result;
}

}  // namespace ft
