#include "ft/plugin/ReviewScene.h"

#include <algorithm>
#include <cmath>

#include "ft/core/GapFollower.h"
#include "ft/plugin/MuscleStrain.h"

namespace ft {
namespace {

constexpr double kNeighbourhoodSteps = 3.0;  // grid steps around a finding's centre

// Mean motion, from analysed frame `from` to `to`, of the points tracked in both that lie
// within the neighbourhood of `at` in `from`; {0, 0} where there are none.
PointPx tissue_motion(const DisplacementField& from, const DisplacementField& to, PointPx at) {
  const double radius = kNeighbourhoodSteps * from.step_px;
  double sx = 0, sy = 0;
  int n = 0;
  for (int r = 0; r < from.rows; ++r)
    for (int c = 0; c < from.columns; ++c) {
      const std::size_t i = from.index(c, r);
      if (!from.valid[i] || !to.valid[i]) continue;
      const double x = from.x_px(c) + from.dx_px[i], y = from.y_px(r) + from.dy_px[i];
      if (std::hypot(x - at.x, y - at.y) > radius) continue;
      sx += to.dx_px[i] - from.dx_px[i];
      sy += to.dy_px[i] - from.dy_px[i];
      ++n;
    }
  return n ? PointPx{sx / n, sy / n} : PointPx{0, 0};
}

// The analysed frame the clip's strain and arrows count from: its rest frame.
const DisplacementField* rest_field(const ClipAnalysis& a) {
  if (a.kept_frames.empty() || a.motion.cumulative.empty()) return nullptr;
  return &a.motion.cumulative[std::size_t(analysed_index_at(a, a.detection.contraction.rest_frame))];
}

}  // namespace

double clip_arrow_gain(const ClipAnalysis& analysis) {
  const MotionRecord& motion = analysis.motion;
  const DisplacementField* rest = rest_field(analysis);
  double gain = kMaxArrowGain;
  for (const DisplacementField& field : motion.cumulative)
    gain = std::min(gain, arrow_gain_for(motion.region, field, 0.5 * (motion.mm_per_px_x + motion.mm_per_px_y), rest));
  return gain;
}

bool gap_read_in_frame(const TearFinding& finding, const ClipAnalysis& analysis, int frame) {
  if (analysis.kept_frames.empty()) return true;
  const int shown = analysed_index_at(analysis, frame);
  return shown == analysed_index_at(analysis, finding.frame) || finding.gap_measured_on(std::size_t(shown));
}

TearFinding finding_in_frame(const TearFinding& finding, const ClipAnalysis& analysis, int frame) {
  TearFinding f = finding;
  const auto& fields = analysis.motion.cumulative;
  if (fields.empty() || analysis.kept_frames.empty()) return f;
  const std::size_t peak = std::size_t(analysed_index_at(analysis, finding.frame));
  const std::size_t shown = std::size_t(analysed_index_at(analysis, frame));
  if (peak >= fields.size() || shown >= fields.size()) return f;
  PointPx moved{0, 0};
  if (finding.follower)  // its stumps: the gap between them is not tracked
    finding.follower->stumps_motion_px(fields[peak], fields[shown], moved.x, moved.y);
  else if (fields[peak].valid.size() == fields[peak].size() && fields[shown].valid.size() == fields[shown].size())
    moved = tissue_motion(fields[peak], fields[shown], {f.centre_col_px, f.centre_row_px});
  // Whole-frame px and region mm describe the same point.
  f.centre_col_px += moved.x;
  f.centre_row_px += moved.y;
  f.centre_x_mm += moved.x * analysis.motion.mm_per_px_x;
  f.centre_z_mm += moved.y * analysis.motion.mm_per_px_y;
  // On its own frame the gap measured (the report's); elsewhere the gap-time curve's, which on
  // the peak frame can differ a little (a myotendinous gap is a mean over its run). Where the
  // curve could not read the gap, the gap as found, as live analysis shows it: the rest gap
  // there would read as a gap that closed.
  const auto& gaps = finding.gap_by_frame_mm;
  if (shown != peak && finding.gap_measured_on(shown))
    f.gap_mm = shown < gaps.size() && gaps[shown] > 0 ? gaps[shown] : finding.gap_rest_mm;
  f.frame = frame;
  return f;
}

std::vector<OverlayPolyline> tissue_tracks(const ClipAnalysis& analysis, int frame, int frames) {
  std::vector<OverlayPolyline> tracks;
  const auto& fields = analysis.motion.cumulative;
  if (fields.empty() || analysis.kept_frames.empty()) return tracks;
  const int shown = analysed_index_at(analysis, frame), first = std::max(0, shown - frames);
  const DisplacementField& f = fields[std::size_t(shown)];
  const PixelRect& b = analysis.motion.region.bounds;
  const int every = std::max(1, int(std::lround(kArrowSpacingPx / f.step_px)));
  for (int r = every / 2; r < f.rows; r += every)
    for (int c = every / 2; c < f.columns; c += every) {
      const std::size_t i = f.index(c, r);
      OverlayPolyline track{{}, overlay_colour::kTrack, false};
      for (int k = first; k <= shown; ++k) {
        const DisplacementField& at = fields[std::size_t(k)];
        if (at.size() != f.size() || at.valid.size() != at.size() || !at.valid[i]) {
          track.points_px.clear();  // only the stretch tracked up to now
          continue;
        }
        const PointPx p{at.x_px(c) + at.dx_px[i], at.y_px(r) + at.dy_px[i]};
        if (p.x < b.x0_px || p.x > b.x1_px || p.y < b.y0_px || p.y > b.y1_px) {
          track.points_px.clear();
          continue;
        }
        track.points_px.push_back(p);
      }
      if (track.points_px.size() > 1) tracks.push_back(std::move(track));
    }
  return tracks;
}

OverlayScene review_scene(const ClipAnalysis& analysis, int frame, OverlayLayers layers) {
  const MotionRecord& motion = analysis.motion;
  const DisplacementField* shown = nullptr;  // the clip's own field, not a copy per frame
  std::vector<float> strain;
  if (!analysis.kept_frames.empty() && !motion.cumulative.empty()) {
    shown = &motion.cumulative[std::size_t(analysed_index_at(analysis, frame))];
    if (layers.strain)  // from the clip's rest frame, as its strain-time curve
      strain = fibre_strain_in(*rest_field(analysis), *shown, motion.mm_per_px_x, motion.mm_per_px_y,
                               muscle_of(analysis.detection, motion.region, true));
  }
  std::vector<TearFinding> findings;
  layers.findings_peak_gap_mm.clear();
  layers.findings_gap_not_read.clear();
  for (const TearFinding& f : analysis.detection.findings) {
    findings.push_back(finding_in_frame(f, analysis, frame));
    layers.findings_peak_gap_mm.push_back(f.gap_mm);
    layers.findings_gap_not_read.push_back(gap_read_in_frame(f, analysis, frame) ? 0 : 1);
  }
  layers.layers_for_review.clear();  // moved with their tissue, as the findings; labelled with their own frame
  for (const TearFinding& layer : analysis.detection.for_review) {
    TearFinding moved = finding_in_frame(layer, analysis, frame);
    moved.frame = layer.frame;
    layers.layers_for_review.push_back(moved);
  }
  layers.measure_findings_as(analysis.detection);
  OverlayScene scene = compose_overlay(motion.region, shown ? *shown : DisplacementField{}, strain, findings, layers,
                                       rest_field(analysis));
  if (layers.tracks) {  // under the findings' lines: they are drawn after
    std::vector<OverlayPolyline> tracks = tissue_tracks(analysis, frame);
    scene.lines.insert(scene.lines.begin(), tracks.begin(), tracks.end());
  }
  return scene;
}

}  // namespace ft
