#include "PhaseErrorStability.h"

#include <cmath>
#include <cstdio>

namespace ft::bench {
namespace {

// Of `after`'s findings, the one nearest `f` (mm), or null.
const TearFinding* nearest(const DetectionResult& after, const TearFinding& f, double& distance_mm) {
  const TearFinding* best = nullptr;
  for (const TearFinding& g : after.findings) {
    const double d = std::hypot(g.centre_x_mm - f.centre_x_mm, g.centre_z_mm - f.centre_z_mm);
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
void add_changes(const DetectionResult& before, const DetectionResult& after, PhaseErrorMoves& moves) {
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
    const TearFinding* g = nearest(after, f, d);
    if (!g || d >= 2.0) add(formatted("finding at (%.1f, %.1f) mm lost", f.centre_x_mm, f.centre_z_mm));
    else if (g->kind != f.kind) add(std::string("kind ") + to_string(f.kind) + "->" + to_string(g->kind));
    else if (std::abs(g->gap_mm - f.gap_mm) >= 0.5) add(formatted("gap %+.2f mm", g->gap_mm - f.gap_mm));
  }
  for (const TearFinding& g : after.findings) {
    double d = 0.0;
    if (const TearFinding* f = nearest(before, g, d); !f || d >= 2.0)
      add(formatted("new finding at (%.1f, %.1f) mm", g.centre_x_mm, g.centre_z_mm));
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
    add_changes(base, detect_tears(with_phase_error(a.motion, sign * amplitude_px), kept, detection), moved);
    if (moved.text.empty()) continue;
    all.text += (all.text.empty() ? "" : "; ") + std::string(sign > 0 ? "+: " : "-: ") + moved.text;
    all.findings_moved |= moved.findings_moved;
    all.frames_moved |= moved.frames_moved;
  }
  if (all.text.empty()) all.text = "-";
  return all;
}

}  // namespace ft::bench
