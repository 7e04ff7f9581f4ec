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

// Rest = least shortened frame, peak = most shortened; phases from the normalised level.
ContractionSummary analyse_contraction(const MotionRecord& m, const FibreField& fibres,
                                       const std::vector<std::uint8_t>& muscle, int baseline);

}  // namespace ft
