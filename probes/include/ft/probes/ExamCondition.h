#pragma once
// What a real exam adds to a simulated one, laid over any preset: the anatomy (curved
// layers, a bipennate rectus femoris), the scanner's processing (speckle reduction) and
// the sonographer's hand (the probe moved mid-clip), the transducer's own beam (focused at one
// depth, attenuation the TGC leaves; or blurred wide across, as the recorded screens' texture
// reads). A preset name takes them as suffixes: "real_tear+bipennate+probe_moved" (see make_preset).
#include <string>
#include <vector>

#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

enum class ExamCondition { CurvedFascia, Bipennate, SpeckleReduction, ProbeMoved, FocusedBeam, WideBeam };

std::vector<ExamCondition> exam_conditions();
// "curved_fascia", "bipennate", "speckle_reduction", "probe_moved", "focused_beam", "wide_beam".
const char* to_string(ExamCondition condition);
// Throws ft::Error(InvalidArgument) naming the known conditions.
ExamCondition exam_condition_from_string(const std::string& name);

// Lays the condition over a configuration; its magnitudes are drawn from the seed:
// layers 1.5-2.5 mm deeper at the field's edges; a central aponeurosis (the belly then
// moves under the probe by a quarter of the slide, the other way, and glides 3-6 mm on
// vastus intermedius); speckle
// reduction at strength 0.5-1; a 3-5 mm slide of the probe (and 0.3-0.6 mm up or down)
// over 10 frames in the middle of the longest steady stretch of the contraction (all of
// it when shorter); a beam with one fixed focus at 10-20 mm, its lateral PSF twice as wide
// 10-15 mm above and below the focus, and 0.1-0.3 dB/mm of attenuation left by the TGC (3-9 dB
// darker at 30 mm). The beam is the worst case of focusing, transmit and receive fixed at one
// depth (an older or low-end scanner, a Field II script with fixed focusing); a scanner that
// focuses dynamically on receive, as most current ones do, widens by at most about 1.4x. The
// slice's thickness out of the plane is not modelled. A wide beam: a lateral blur of 1.45-1.95 mm
// FWHM at every depth (the presets' beam 0.6), so that the texture reads 3.7-5.6 times longer
// across than in depth, about as on the 32 recorded Telemed screens (3.85-5.76; docs/benchmarks.md,
// "Real scanner recordings IV"): texture, not a probe's beam, since an array in focus reaches
// 0.3-1 mm. It leaves out what else those recordings have: dark muscle with little speckle,
// striae along the fascicles, aponeuroses whose brightness turns with their angle, compression;
// laid over speckle_reduction or focused_beam it widens further.
void apply_exam_condition(SimulationConfig& config, ExamCondition condition);

}  // namespace ft::sim
