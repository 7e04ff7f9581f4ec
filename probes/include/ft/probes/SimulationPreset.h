#pragma once
// Named exams: the pathology and confounder cases every capability is tested on.
#include <string>
#include <vector>

#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

// intact, full_tear, partial_tear, vessel, sliding, contracted_start, still.
std::vector<std::string> preset_names();

// The configuration of a preset. Throws ft::Error(InvalidArgument) for an unknown name.
SimulationConfig make_preset(const std::string& name, std::uint64_t seed, int frame_count = 40);

}  // namespace ft::sim
