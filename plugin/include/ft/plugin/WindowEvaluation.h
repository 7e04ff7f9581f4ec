#pragma once
// One evaluation of a live window as it stood at one frame: everything the detector
// reads, copied or shared, so that it can run on another thread while the next frames
// are tracked (LivePipeline), or at once (LiveTearMonitor::add_frame).
#include <memory>
#include <string>
#include <vector>

#include "ft/core/FascicleReadings.h"
#include "ft/core/Frame.h"
#include "ft/core/MotionRecord.h"
#include "ft/core/TearDetector.h"
#include "ft/core/TearFinding.h"
#include "ft/plugin/FindingConfirmation.h"

namespace ft {

class WindowEvaluation {
 public:
  // Detection over the window's frames, frame numbers as the stream counts them; a finding only
  // once the evaluation before it in the window read it too (FindingConfirmation).
  // Evaluations of one window share its fascicle readings: run them one after another
  // (LivePipeline runs them all on one thread), never two at once.
  DetectionResult run();

  // The stream index of the window's first frame: which window this evaluation reads.
  long window_start() const noexcept { return window_start_; }

 private:
  friend class LiveTearMonitor;
  MotionRecord motion_;
  std::vector<std::shared_ptr<const Frame>> frames_;  // the window's, shared with the monitor
  DetectionSettings detection_;
  std::shared_ptr<FascicleReadings> fascicles_;  // the window's, read on its frames each once
  std::shared_ptr<FindingConfirmation> confirmation_;  // the window's: the places read and confirmed so far
  long window_start_ = 0;                        // stream index of the window's first frame
  bool calibrated_ = false;
  std::vector<std::string> notes_;               // the scale's, the image area's, the GPU's
  bool elongated_texture_ = false;               // limit_conclusion_on_elongated_texture applies
};

}  // namespace ft
