#pragma once
// Live findings are confirmed before they are shown. Live monitoring evaluates each window every
// few frames, each evaluation reading the window's frames so far: a window holds about ten
// evaluations, and the session keeps the strongest reading of each place it ever showed
// (SessionFindings). One evaluation that reads tracking noise as a tear is then a tear on the
// screen for the rest of the session. On the 32 recordings of healthy muscle, live monitoring
// showed a tear in 13 sessions where `analyze` of the same clips found none; most of those
// readings came from one evaluation alone (docs/benchmarks.md, "Live monitoring on the real
// recordings"). A tear that opened stays open in the next evaluation of its window, which reads
// the same frames and a few more: a finding is reported once the evaluation before it in the same
// window read a tear at the same place too. That costs one update of latency (10 frames).
//
// One per window, shared by its evaluations, which run one after another (as its fascicle
// readings are: WindowEvaluation).
#include <string>
#include <vector>

#include "ft/core/TearFinding.h"

namespace ft {

class FindingConfirmation {
 public:
  explicit FindingConfirmation(double same_place_mm = 5.0) : same_place_mm_(same_place_mm) {}

  // Keeps in `result.findings` those the previous evaluation of this window read at the same
  // place; the others are named in the notes as waiting for the next frames, and a result left
  // with no finding is inconclusive. Remembers this evaluation's findings for the next.
  void confirm(DetectionResult& result);

 private:
  bool read_before(const TearFinding& f, double mm_per_px) const;
  std::vector<TearFinding> previous_;
  double previous_mm_per_px_ = 0.0;
  double same_place_mm_;
};

}  // namespace ft
