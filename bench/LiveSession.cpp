#include "LiveSession.h"

#include <algorithm>

#include "ft/plugin/FindingConfirmation.h"
#include "ft/plugin/SessionFindings.h"

namespace ft::bench {

LiveSession analyse_live(int frame_count, const FrameAt& frame_at, const UltrasoundRegion& region,
                         const LiveSettings& settings, int every, const EachEvaluation& each) {
  LiveSession out;
  std::vector<int> distinct = distinct_frames(frame_count, frame_at, region.bounds, settings.analysis.repeat_threshold);
  std::vector<int>& fed = out.analysis.kept_frames;  // what the monitor sees: its stream indices index this
  for (std::size_t i = 0; i < distinct.size(); i += std::size_t(std::max(1, every))) fed.push_back(distinct[i]);
  const auto clip_frame = [&](int k) { return fed[std::size_t(std::clamp(k, 0, int(fed.size()) - 1))]; };
  LiveTearMonitor monitor(region, settings);
  SessionFindings session;
  DetectionResult last;
  auto take = [&](WindowEvaluation evaluation, int at) {
    DetectionResult r = evaluation.run();
    for (auto& f : r.findings) f.frame = clip_frame(f.frame);
    for (auto& f : r.for_review) f.frame = clip_frame(f.frame);
    ++out.evaluations;
    out.evaluations_with_findings += !r.findings.empty();
    session.add(r);
    if (each) each(evaluation, r, at);
    last = std::move(r);
  };
  for (int k = 0; k < int(fed.size()); ++k)
    if (std::optional<WindowEvaluation> due = monitor.track_frame(frame_at(fed[std::size_t(k)]))) take(std::move(*due), k);
  if (std::optional<WindowEvaluation> end = monitor.evaluation_at_end()) take(std::move(*end), -1);
  last.findings = session.strongest();
  last.tear_detected = !last.findings.empty();
  out.analysis.detection = std::move(last);
  out.analysis.region = monitor.region();
  out.analysis.scale = monitor.scale();
  return out;
}

void print_evaluation(std::FILE* out, const WindowEvaluation& evaluation, const DetectionResult& r, int analysed_frame) {
  std::fprintf(out, "  evaluation at analysed frame %d, window from %ld: %s (tracked %.0f %%)\n", analysed_frame,
               evaluation.window_start(), describe_verdict(r).c_str(), 100.0 * r.tracked_fraction);
  for (const TearFinding& f : r.findings)
    std::fprintf(out, "    finding %s at (%.1f, %.1f) mm, frame %d, gap %.1f mm (rest %.1f), confidence %.2f\n",
                 describe_grade(f).c_str(), f.centre_x_mm, f.centre_z_mm, f.frame, f.gap_mm, f.gap_rest_mm, f.confidence);
  if (r.findings.empty() && r.inconclusive_reason != kWaitsForConfirmation) return;
  std::fprintf(out, "    contraction: rest %d, peak %d, strain %.3f, %zu cycles\n", r.contraction.rest_frame,
               r.contraction.peak_frame, r.contraction.peak_strain, r.contraction.cycles.size());
  for (const CandidateEvidence& c : r.candidates)
    if (c.decision == "reported")
      std::fprintf(out,
                   "    evidence: %s at (%.0f, %.0f) px, %d points, surround tracked %.2f, untracked %.2f, muscle strain "
                   "%.3f, stumps %.3f %.3f, band %.1f -> %.1f mm (contrast %.2f), opening %.2f mm, opened %d of %d\n",
                   c.kind.c_str(), c.centre_col_px, c.centre_row_px, c.points, c.surround_tracked_share,
                   c.untracked_share, c.muscle_strain, c.stump_strain[0], c.stump_strain[1], c.band_rest_mm,
                   c.band_peak_mm, c.band_contrast, c.opening_mm, c.contractions_opened, c.contractions_seen);
}

}  // namespace ft::bench
