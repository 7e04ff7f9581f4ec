#pragma once
// Where the muscle is and how much its fibres shorten, for the viewer's strain layer: the
// compartments the analysis found (each a band of depth at rest, with its fascicles' angle)
// and each tracked point's engineering strain along the fibres of the compartment it lies in.
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/TearFinding.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct MuscleBand {
  double top_y_px = 0.0, bottom_y_px = -1.0;  // at rest, frame px
  double fibre_angle_deg = 0.0;               // to the image's x axis, y down
};

// The analysis's contracting compartments, inside the image region; empty when it found none
// (no contraction yet, too little tracked). Without a muscle no strain is shown: colour over
// fat, fascia or bone would read as muscle. The aponeurosis between two compartments is in
// neither.
std::vector<MuscleBand> muscle_bands_of(const DetectionResult& result, const UltrasoundRegion& region);

// Per grid point of `field` (from the rest frame to the one shown; the band is looked up at
// the point's place in the field's first frame): strain along its band's fibres (negative:
// shortening), NaN where the point is untracked or in no band.
std::vector<float> fibre_strain_in(const DisplacementField& field, double mm_per_px_x, double mm_per_px_y,
                                   const std::vector<MuscleBand>& muscle);

}  // namespace ft
