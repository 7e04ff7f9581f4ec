#pragma once
// The scanner's speckle-reduction filter (internal to ft_probes; SimulatedExam).
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"
#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

// Smooths speckle inside `region` of a B-mode frame at the strength
// probe.speckle_reduction (0..1), as scanners' adaptive SRI/XRES-type filters do before the
// image reaches the video output: along the local structure direction (fascicles, fascia;
// from the structure tensor over about 1 mm) over about two speckle cells, edge-preserving
// (bilateral in grey level), never across. The annotations outside the region are untouched.
void reduce_speckle(Frame& frame, const PixelRect& region, const ProbeModel& probe);

}  // namespace ft::sim
