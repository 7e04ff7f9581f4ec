#pragma once
// A recorded clip through live monitoring (LiveTearMonitor), synchronously: every distinct frame
// tracked (none skipped, as on a computer that keeps up), every evaluation due run on the spot.
// What a sonographer would have seen over the session is what SessionFindings keeps: the strongest
// reading of each place over all evaluations. The benchmarks score that as they score a clip's
// analysis, so that live monitoring is judged on the same clips as `analyze`.
#include <cstdio>
#include <functional>

#include "ft/plugin/ClipAnalysis.h"
#include "ft/plugin/LiveTearMonitor.h"

namespace ft::bench {

// Called after each evaluation: the evaluation, its result (frames numbered as the clip's), and
// the analysed frame (index into the distinct frames) it was due at; -1 for the one at the end.
using EachEvaluation = std::function<void(const WindowEvaluation&, const DetectionResult&, int analysed_frame)>;

struct LiveSession {
  // detection: the last evaluation's result with the session's findings (the strongest of each
  // place, frames numbered as the clip's) in place of its own; kept_frames: the distinct frames.
  ClipAnalysis analysis;
  int evaluations = 0;
  int evaluations_with_findings = 0;
};

// `every`: every Nth distinct frame only (a computer that keeps up with one in N).
LiveSession analyse_live(int frame_count, const FrameAt& frame_at, const UltrasoundRegion& region,
                         const LiveSettings& settings, int every = 1, const EachEvaluation& each = {});

// One evaluation as the benchmarks print it: its verdict, findings, contraction and (where the
// evidence was recorded, LiveSettings::record_evidence) why each finding was reported.
void print_evaluation(std::FILE* out, const WindowEvaluation& evaluation, const DetectionResult& result, int analysed_frame);

}  // namespace ft::bench
