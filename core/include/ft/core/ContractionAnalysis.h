#pragma once
// The contraction over a clip, from the strain along the fibres: which frame is most at
// rest, which is most contracted, and the phases in between.
#include <cstdint>
#include <vector>

#include "ft/core/FibreOrientation.h"
#include "ft/core/MotionRecord.h"
#include "ft/core/TearFinding.h"

namespace ft {

// Median engineering strain along the fibres of frame `to` relative to frame `from`,
// over the muscle points (mask on the frame-0 grid).
double fibre_strain_between(const MotionRecord& m, const FibreField& fibres, const std::vector<std::uint8_t>& muscle,
                            int from, int to, int baseline);

// The contractions of a strain-time curve (strain of each frame relative to the clip's rest,
// peak_strain the most negative): each stretch of at least two frames whose level (strain /
// peak_strain, a running median of three; unmeasured frames relaxed) rises to 0.6 and stays
// above 0.3, with its most contracted frame and the most relaxed frame of the stretch before it
// (after it, for a clip that starts contracted). One for a single contraction; a last one still
// rising at the clip's end is left out when there are others.
std::vector<ContractionCycle> find_contractions(const std::vector<double>& strain_by_frame, double peak_strain);

// The frames of a plateau at one end of a strain curve: every finite value within `tolerance`
// of the highest (most_relaxed) or the lowest, in frame order.
std::vector<int> plateau_frames(const std::vector<double>& strain_by_frame, bool most_relaxed, double tolerance);

// Rest = least shortened frame, peak = most shortened, and the plateaus around each (5 % of the
// range, read on the strain from frame 0); phases from the normalised level.
ContractionSummary analyse_contraction(const MotionRecord& m, const FibreField& fibres,
                                       const std::vector<std::uint8_t>& muscle, int baseline);

}  // namespace ft
