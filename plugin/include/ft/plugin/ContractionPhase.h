#pragma once
// Two contractions side by side at the same phase. The injured and the other leg, or today's
// clip and last visit's, contract at their own pace: each clip's rest and peak frames (from
// its analysis) are matched, and the frames between are mapped in proportion, so that one
// clip's cursor shows the other at the same point of its contraction.
// The phases: before the contraction, its onset to the peak (rest to peak), the peak to its
// release, the relaxation after.
#include <array>

#include "ft/core/TearFinding.h"

namespace ft {

// Frames of a clip that mark its strongest contraction, in order: the clip's first frame, the
// contraction's onset, its peak, its release, the clip's last frame. Onset and release are the
// first and last frames of its contracted stretch (ContractionCycle); without cycles, the rest
// frame when it comes before the peak (else the first frame) and the peak.
struct PhaseAnchors {
  std::array<double, 5> frames{};
};
PhaseAnchors phase_anchors(const ContractionSummary& contraction, int frame_count);

// The frame of `to` at the same phase as `frame` of `from` (fractional; round to show it).
double frame_at_same_phase(const PhaseAnchors& from, double frame, const PhaseAnchors& to);

}  // namespace ft
