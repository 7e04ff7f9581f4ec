#include "ft/plugin/WindowEvaluation.h"

#include "ft/plugin/ClipAnalysis.h"

namespace ft {

DetectionResult WindowEvaluation::run() {
  const FrameAt frame_at = [this](int k) { return *frames_[std::size_t(k)]; };
  DetectionResult result = detect_tears(motion_, frame_at, detection_, fascicles_.get());
  // Frame numbers as the stream counts them.
  renumber_frames(result.contraction, [this](int k) { return k + int(window_start_); });
  for (auto& f : result.findings) f.frame += int(window_start_);
  for (auto& f : result.for_review) f.frame += int(window_start_);
  result.motion_frame0 = window_start_;
  result.calibrated = calibrated_;
  if (confirmation_) confirmation_->confirm(result, motion_, window_start_);
  if (elongated_texture_) limit_conclusion_on_elongated_texture(result);
  note_layers_for_review(result);
  note_tear_ends(result);
  result.notes.insert(result.notes.end(), notes_.begin(), notes_.end());
  return result;
}

}  // namespace ft
