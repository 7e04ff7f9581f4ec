#pragma once
// The ground truth of a simulated clip as JSON (written beside each sample clip).
#include <nlohmann/json.hpp>
#include <string>

#include "ft/probes/GroundTruth.h"
#include "ft/probes/SimulationConfig.h"

namespace ft::sim {

nlohmann::json truth_to_json(const ClipTruth& truth, const SimulationConfig& config);
void write_truth_json(const ClipTruth& truth, const SimulationConfig& config, const std::string& path);

}  // namespace ft::sim
