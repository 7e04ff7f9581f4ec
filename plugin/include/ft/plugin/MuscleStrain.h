#pragma once
// Where the muscle is and how much its fibres shorten, for the viewer's strain layer: the
// compartments the analysis found (each with its fascicles' angle at rest) and each tracked
// point's engineering strain along the fibres of the compartment it belongs to, from the
// clip's rest frame to the frame shown.
#include <cstdint>
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/TearFinding.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct MuscleBand {
  double top_y_px = 0.0, bottom_y_px = -1.0;  // at rest, frame px
  double fibre_angle_deg = 0.0;               // to the image's x axis, y down, at rest
};

// The muscle as the analysis found it. Each compartment as a band of depth at rest; and,
// where the analysis labelled its own grid's points (a review of an analysed clip), which
// compartment each point is in: compartments between oblique or converging aponeuroses
// (a bipennate muscle) overlap in depth, their points do not.
struct Muscle {
  std::vector<MuscleBand> bands;
  // Per point of the analysis's grid (its motion's frame-0 grid): an index into `bands`, -1
  // in none. Empty: a point's compartment is the band its depth at rest falls in.
  std::vector<std::int16_t> band_of_point;
  bool empty() const { return bands.empty(); }
};

// The analysis's contracting compartments, inside the image region; empty when it found none
// (no contraction yet, too little tracked). Without a muscle no strain is shown: colour over
// fat, fascia or bone would read as muscle. The aponeurosis between two compartments is in
// neither. With `point_labels`, the analysis's labels of its grid's points too (only for a
// field on that grid: live windows move on, and their bands are used alone).
Muscle muscle_of(const DetectionResult& result, const UltrasoundRegion& region, bool point_labels);

// Per grid point (both fields from the same first frame, on one grid): the engineering
// strain along its compartment's fibres from `rest` to `shown` (F_shown F_rest^-1 applied to
// the fibres' direction at rest; negative: shortening), NaN where the point is untracked in
// either or in no compartment. A clip that starts contracted thus shows its contraction, not
// the lengthening of its relaxation. A point's band is looked up where it is at rest.
std::vector<float> fibre_strain_in(const DisplacementField& rest, const DisplacementField& shown, double mm_per_px_x,
                                   double mm_per_px_y, const Muscle& muscle);

// The same from the field's own first frame (live: the monitor's window start).
std::vector<float> fibre_strain_in(const DisplacementField& shown, double mm_per_px_x, double mm_per_px_y,
                                   const Muscle& muscle);

}  // namespace ft
