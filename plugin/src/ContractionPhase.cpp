#include "ft/plugin/ContractionPhase.h"

#include <algorithm>

namespace ft {

PhaseAnchors phase_anchors(const ContractionSummary& c, int frame_count) {
  const double last = std::max(0, frame_count - 1);
  const auto at = [last](double frame) { return std::clamp(frame, 0.0, last); };
  const double peak = at(c.peak_frame);
  double onset = c.rest_frame < c.peak_frame ? at(c.rest_frame) : 0.0, release = peak;
  for (const ContractionCycle& cycle : c.cycles)
    if (cycle.first_frame <= c.peak_frame && c.peak_frame <= cycle.last_frame) {
      onset = at(cycle.first_frame);
      release = at(cycle.last_frame);
    }
  return {{0.0, std::min(onset, peak), peak, std::max(release, peak), last}};
}

double frame_at_same_phase(const PhaseAnchors& from, double frame, const PhaseAnchors& to) {
  const auto& f = from.frames;
  const auto& t = to.frames;
  frame = std::clamp(frame, f.front(), f.back());
  // The last segment that starts at or before the frame (segments of no length are skipped).
  std::size_t i = 0;
  for (std::size_t k = 0; k + 1 < f.size(); ++k)
    if (f[k] <= frame && f[k + 1] > f[k]) i = k;
  const double length = f[i + 1] - f[i];
  const double u = length > 0 ? std::clamp((frame - f[i]) / length, 0.0, 1.0) : 0.0;
  return t[i] + u * (t[i + 1] - t[i]);
}

}  // namespace ft
