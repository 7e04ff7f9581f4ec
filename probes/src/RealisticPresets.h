#pragma once
// The real_* presets: a maximal contraction of a pennate rectus femoris as measured in
// vivo, on a larger and finer field of view. Internal to ft_probes (SimulationPreset).
#include <cstdint>
#include <string>
#include <vector>

#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

// Frames that the real_* profiles are designed for (20 fps: 3 s).
constexpr int kRealisticFrameCount = 60;

std::vector<std::string> realistic_preset_names();
bool is_realistic_preset(const std::string& name);
SimulationConfig make_realistic_preset(const std::string& name, std::uint64_t seed, int frame_count);

}  // namespace ft::sim
