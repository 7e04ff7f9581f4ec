#pragma once
// "Why was (nothing) found?": the evidence behind every candidate of a clip's analysis,
// written for a sonographer or a reviewer (`fibretrack analyze --explain DIR`).
//   DIR/explain.json      rest and peak frames, tracked fraction, every candidate's
//                         measurements and the gate that decided it
//   DIR/overview.png      the maps over the rest frame: tracked tissue, area growth,
//                         opening vs shear, fibre strain (2x2 panels)
//   DIR/candidate-N.png   the same panels centred on candidate N, with its outline,
//                         the surface normal, the stump samples and the decision
#include <string>

#include "ft/core/MotionRecord.h"
#include "ft/plugin/ClipAnalysis.h"

namespace ft {

// Writes the files above; returns their paths. Throws ft::Error on a write failure.
std::vector<std::string> write_detection_explanation(const std::string& dir, const ClipAnalysis& analysis,
                                                     const FrameAt& analysed_frame_at);

}  // namespace ft
