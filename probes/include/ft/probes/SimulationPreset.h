#pragma once
// Named exams: the pathology and confounder cases every capability is tested on.
#include <string>
#include <vector>

#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

// The gentle presets: intact, full_tear, partial_tear, vessel, sliding, contracted_start,
// still. The realistic ones, a maximal contraction as measured in vivo (fibres 17-23 ->
// 39-45 deg, 27-38 % shorter, 15-26 mm aponeurosis slide, 10-15 mm translation,
// speckle turned by 55-60 deg, on a 40 x 40 mm field at 0.1 mm/px):
// real_intact, real_tear, real_partial_tear, real_oblique_tear, real_echogenic_tear,
// real_myotendinous_tear, real_vessel (pulsating), real_contracted_start,
// real_high_grade_partial_tear (all but 2-4.5 mm of the muscle torn, from either aponeurosis).
std::vector<std::string> preset_names();

// Frames a preset's contraction profile is designed for: 40, or 60 for real_* (at 20 fps
// their fastest tissue then moves ~1.5 mm per frame; fewer frames move it faster).
int recommended_frame_count(const std::string& name);

// The configuration of a preset; frame_count 0 takes the recommended count. The name
// may carry exam conditions as suffixes, "real_tear+bipennate+probe_moved" (see
// ExamCondition.h). Throws ft::Error(InvalidArgument) for an unknown name or condition.
SimulationConfig make_preset(const std::string& name, std::uint64_t seed, int frame_count = 0);

// A real_* configuration's contraction set to turn rectus femoris's fascicles from rest_deg to
// peak_deg (the thickening, fibre shortening and aponeurosis slide follow from the geometry;
// translation and speckle change are left as drawn): a contraction beyond the presets' range,
// e.g. 20 -> 45 deg, for the tracker's tests.
void set_fibre_angles(SimulationConfig& config, double rest_deg, double peak_deg);

}  // namespace ft::sim
