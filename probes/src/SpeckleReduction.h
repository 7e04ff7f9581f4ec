#pragma once
// The scanner's speckle-reduction filter (internal to ft_probes; SimulatedExam).
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"
#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

// Smooths speckle inside `region` of a B-mode frame and keeps edges, at the strength
// probe.speckle_reduction (0..1): an edge-preserving (bilateral) filter over about one
// speckle cell, run along x then along z, as scanners' SRI/XRES-type filters do before
// the image reaches the video output. The annotations outside the region are untouched.
void reduce_speckle(Frame& frame, const PixelRect& region, const ProbeModel& probe);

}  // namespace ft::sim
