#include "PhaseErrorStability.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace ft::bench {
namespace {

struct RestMm {
  double x = 0, y = 0;
};

// Where the tissue at a finding's centre was in frame 0 (mm): findings are placed in their own
// frame, and the muscle moves 10-15 mm under the probe, so two readings of one tear at frames
// 20 and 23 lie mm apart on the image. Each tracked grid point within 1.5 mm of the centre in
// that frame says where the centre was (its rest place plus its offset from the centre); their
// mean is taken, so that a centre in the untracked gap takes both stumps' motion, not one's (and
// inverting the field there by fixed-point steps diverges: the gap's gradient is far above 1).
// With no point that near, the nearest one says it.
RestMm rest_position_mm(const MotionRecord& m, const TearFinding& f) {
  constexpr double kNearMm = 1.5;
  const DisplacementField& u = m.cumulative[std::size_t(std::clamp(f.frame, 0, m.frame_count() - 1))];
  double best_d = std::numeric_limits<double>::infinity(), nearest_x = f.centre_col_px, nearest_y = f.centre_row_px;
  double sum_x = 0, sum_y = 0;
  int near = 0;
  for (int r = 0; r < u.rows; ++r)
    for (int c = 0; c < u.columns; ++c) {
      const std::size_t i = u.index(c, r);
      if (!u.valid[i]) continue;
      const double x = u.x_px(c) + u.dx_px[i], y = u.y_px(r) + u.dy_px[i];
      const double rest_x = u.x_px(c) + f.centre_col_px - x, rest_y = u.y_px(r) + f.centre_row_px - y;
      const double d_px = std::hypot(x - f.centre_col_px, y - f.centre_row_px);
      if (d_px * m.mm_per_px_x <= kNearMm) {
        sum_x += rest_x;
        sum_y += rest_y;
        ++near;
      }
      if (d_px < best_d) {
        best_d = d_px;
        nearest_x = rest_x;
        nearest_y = rest_y;
      }
    }
  const double x0 = near ? sum_x / near : nearest_x, y0 = near ? sum_y / near : nearest_y;
  return {x0 * m.mm_per_px_x, y0 * m.mm_per_px_y};
}

// Of `after`'s findings, the one whose tissue lies nearest `f`'s in frame 0 (mm), or null.
const TearFinding* nearest(const MotionRecord& m, const DetectionResult& after, const TearFinding& f, double& distance_mm) {
  const TearFinding* best = nullptr;
  const RestMm at = rest_position_mm(m, f);
  for (const TearFinding& g : after.findings) {
    const RestMm other = rest_position_mm(m, g);
    const double d = std::hypot(other.x - at.x, other.y - at.y);
    if (!best || d < distance_mm) {
      best = &g;
      distance_mm = d;
    }
  }
  return best;
}

std::string formatted(const char* format, double a, double b = 0.0) {
  char text[96];
  std::snprintf(text, sizeof text, format, a, b);
  return text;
}

// What changed from `before` to `after`, added to `moves` (text "" when nothing did).
void add_changes(const MotionRecord& m, const DetectionResult& before, const DetectionResult& after, PhaseErrorMoves& moves) {
  std::string& out = moves.text;
  const auto add = [&out](const std::string& what) { out += (out.empty() ? "" : ", ") + what; };
  if (after.contraction.rest_frame != before.contraction.rest_frame)
    add(formatted("rest %.0f->%.0f", before.contraction.rest_frame, after.contraction.rest_frame));
  if (after.contraction.peak_frame != before.contraction.peak_frame)
    add(formatted("peak %.0f->%.0f", before.contraction.peak_frame, after.contraction.peak_frame));
  moves.frames_moved |= !out.empty();
  const std::size_t frames_only = out.size();
  for (const TearFinding& f : before.findings) {
    double d = 0.0;
    const TearFinding* g = nearest(m, after, f, d);
    if (!g || d >= 2.0) add(formatted("finding at (%.1f, %.1f) mm lost", f.centre_x_mm, f.centre_z_mm) + " (frame " + std::to_string(f.frame) + ")");
    else if (g->kind != f.kind) add(std::string("kind ") + to_string(f.kind) + "->" + to_string(g->kind));
    else if (std::abs(g->gap_mm - f.gap_mm) >= 0.5) add(formatted("gap %+.2f mm", g->gap_mm - f.gap_mm));
  }
  for (const TearFinding& g : after.findings) {
    double d = 0.0;
    if (const TearFinding* f = nearest(m, before, g, d); !f || d >= 2.0)
      add(formatted("new finding at (%.1f, %.1f) mm", g.centre_x_mm, g.centre_z_mm) + " (frame " + std::to_string(g.frame) + ")");
  }
  moves.findings_moved |= out.size() != frames_only;
}

}  // namespace

MotionRecord with_phase_error(MotionRecord m, double amplitude_px) {
  constexpr double kTwoPi = 6.283185307179586;
  for (std::size_t k = 1; k < m.cumulative.size(); ++k)  // frame 0 is the reference: no displacement to err
    for (std::size_t i = 0; i < m.cumulative[k].size(); ++i) {
      float& dx = m.cumulative[k].dx_px[i];
      float& dy = m.cumulative[k].dy_px[i];
      dx = float(dx + amplitude_px * std::sin(kTwoPi * dx));
      dy = float(dy + amplitude_px * std::sin(kTwoPi * dy));
    }
  return m;
}

PhaseErrorMoves what_moves_with_phase_error(const ClipAnalysis& a, const FrameAt& kept, const AnalysisSettings& settings,
                                            double amplitude_px) {
  const DetectionSettings detection = settings_at(settings, a.scale).detection;
  // The clip's own detection again, in analysed frame numbers, as the moved ones are.
  const DetectionResult base = detect_tears(a.motion, kept, detection);
  PhaseErrorMoves all;
  all.text.clear();
  for (double sign : {1.0, -1.0}) {
    PhaseErrorMoves moved;
    moved.text.clear();
    add_changes(a.motion, base, detect_tears(with_phase_error(a.motion, sign * amplitude_px), kept, detection), moved);
    if (moved.text.empty()) continue;
    all.text += (all.text.empty() ? "" : "; ") + std::string(sign > 0 ? "+: " : "-: ") + moved.text;
    all.findings_moved |= moved.findings_moved;
    all.frames_moved |= moved.frames_moved;
  }
  if (all.text.empty()) all.text = "-";
  return all;
}

}  // namespace ft::bench
