#include "ft/plugin/LiveTearMonitor.h"

#include <cmath>

#include "ft/core/FascicleOrientation.h"
#include "ft/core/TearDetector.h"

namespace ft {

LiveTearMonitor::LiveTearMonitor(UltrasoundRegion region, LiveSettings settings)
    : region_(region), settings_(settings) {
  // Findings only, every few frames: the evidence maps are for review and --explain.
  settings_.analysis.detection.record_evidence = false;
}

// The same rules as a recorded clip (analyse_clip): the calibration, else the depth scale
// beside the image, else a speckle estimate that is not reported as mm. Read again at
// every window: the sonographer may change the depth on the scanner mid-session.
void LiveTearMonitor::measure_scale(const Frame& frame) {
  const MeasurementScale scale = measurement_scale(frame, region_);
  const bool same = tracker_ && scale.source == scale_.source &&
                    std::abs(scale.mm_per_px() - scale_.mm_per_px()) <= 0.01 * scale_.mm_per_px();
  if (same) return;
  scale_ = scale;
  analysed_region_ = with_scale(region_, scale_);
  const AnalysisSettings scaled = settings_at(settings_.analysis, scale_);
  tracker_ = std::make_unique<gpu::SpeckleTracker>(scaled.tracking, settings_.analysis.backend);
  detection_ = scaled.detection;
  motion_.region = analysed_region_;
  motion_.mm_per_px_x = scale_.mm_per_px_x;
  motion_.mm_per_px_y = scale_.mm_per_px_y;
}

void LiveTearMonitor::restart(const Frame& frame) {
  measure_scale(frame);
  window_.clear();
  motion_.cumulative.clear();
  lagrangian_ = std::make_unique<gpu::LagrangianTracker>(*tracker_, analysed_region_);
  lagrangian_->reset(frame);
  window_.push_back(frame);
  motion_.cumulative.push_back(lagrangian_->cumulative());
  window_start_ = frames_seen_;
  // Every evaluation of this window starts from the same first frame: read its fascicles once.
  first_frame_fibres_ = fascicle_orientation(frame, analysed_region_.bounds, motion_.cumulative.front(),
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
  DetectionResult result = detect_tears(motion_, frame_at, detection_, &first_frame_fibres_);
  // Frame numbers as the stream counts them.
  renumber_frames(result.contraction, [this](int k) { return k + int(window_start_); });
  for (auto& f : result.findings) f.frame += int(window_start_);
  result.calibrated = scale_.trusted();
  if (!scale_.note.empty()) result.notes.push_back(scale_.note);
  latest_ = result;
  return result;
}

}  // namespace ft
