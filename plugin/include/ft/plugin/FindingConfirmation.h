#pragma once
// Live findings are confirmed before they are shown. Live monitoring evaluates each window every
// few frames, each evaluation reading the window's frames so far: a window holds about ten
// evaluations, and the session keeps the strongest reading of each place it ever showed
// (SessionFindings). One evaluation that reads tracking noise as a tear is then a tear on the
// screen for the rest of the session. On the 32 recordings of healthy muscle, live monitoring
// showed a tear in 12 of 32 sessions where `analyze` of the same clips found none; most of those
// readings came from one evaluation alone (docs/benchmarks.md, "Live monitoring on the real
// recordings"). A tear that opened stays open when it is read again: a finding is reported once
// the evaluation run before it read a tear at the same place too, and from then on wherever the
// session confirmed one. That costs one evaluation run of latency: 10 frames where the detector
// keeps up, more where evaluations wait and are dropped.
//
// Places are compared where the tissue was in the window's first frame (each finding is found on
// its own peak frame, and a contracting muscle carries a tear several mm between evaluations), and
// carried into the next window by the last window's motion: a tear first read at a window's end, or
// read once in each of two windows on a slow computer, is confirmed across the boundary.
//
// One per window, made from the window before's; its evaluations and the next window's run one
// after another on one thread (LivePipeline's worker, or LiveTearMonitor::add_frame).
#include <memory>
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/MotionRecord.h"
#include "ft/core/TearFinding.h"

namespace ft {

// The inconclusive reason of a result whose every finding waits for confirmation.
inline constexpr char kWaitsForConfirmation[] = "a possible tear waits for the next frames to confirm it";

class FindingConfirmation {
 public:
  // The session's first window.
  FindingConfirmation() = default;
  // The next window: `before`'s places are carried to its first frame by `carry`, the last window's
  // motion from its first frame to its last (whose next frame starts this one), when this window's
  // first evaluation runs (the last window's may still be running when it starts).
  FindingConfirmation(std::shared_ptr<FindingConfirmation> before, DisplacementField carry);

  // Keeps in `result.findings` those read at a place the evaluation run before read a tear too, or
  // one the session confirmed; the others are named in the notes as waiting for the next frames,
  // and a result left with no finding is inconclusive. `motion`: the window's, frames counted from
  // `window_start` (the findings' frames are the stream's).
  void confirm(DetectionResult& result, const MotionRecord& motion, long window_start);

  struct Place {
    double x_px = 0, y_px = 0;  // where the tissue was in the window's first frame (whole-frame px)
  };

 private:
  void settle();
  bool near(const Place& p, const std::vector<Place>& places, double mm_per_px) const;
  std::vector<Place> read_last_;  // the places the last evaluation run read a tear at
  std::vector<Place> confirmed_;  // the places confirmed this session, carried to this window
  std::shared_ptr<FindingConfirmation> before_;  // until settled: the last window's, to carry
  DisplacementField carry_;
};

}  // namespace ft
