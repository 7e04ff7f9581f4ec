#pragma once
// Orthanc nodes with the FibreTrack plugin, for the archive tests: configuration, sending
// clips the way scanners and workstations do, and waiting for the plugin's jobs.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "OrthancPeer.h"

namespace ft::test {

// Orthanc's options for a node with our plugin; `fibretrack` is merged into the defaults
// (this build's CLI, quick polling, the clip's scratch files in `dir`).
OrthancOptions archive_node_options(const TempDir& dir, const nlohmann::json& fibretrack,
                                    const nlohmann::json& extra = nlohmann::json::object());

// A simulated clip of its own patient and study (the seed names them).
std::string simulated_clip(const TempDir& dir, const std::string& preset, int seed, int frames = 40);
// storescu, as a scanner sends; true when Orthanc took it.
bool store_with_storescu(const OrthancPeer& node, const std::string& file);

// The plugin's jobs once `done(jobs)` holds, or after `timeout_s` (scaled), whatever they are.
nlohmann::json wait_for_jobs(const OrthancPeer& node, const std::function<bool(const nlohmann::json&)>& done,
                             double timeout_s, const std::string& query = "");
int count_in_state(const nlohmann::json& jobs, const std::string& state);
// The modality of each series of the study, in Orthanc's order.
std::vector<std::string> series_modalities(const OrthancPeer& node, const std::string& study_id);

}  // namespace ft::test
