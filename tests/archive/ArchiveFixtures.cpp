#include "ArchiveFixtures.h"

#include <chrono>
#include <thread>

namespace ft::test {

OrthancOptions archive_node_options(const TempDir& dir, const nlohmann::json& fibretrack, const nlohmann::json& extra) {
  nlohmann::json ours{{"Executable", cli_path()}, {"PollSeconds", 0.3}, {"ScratchDirectory", dir.path()},
                      {"Backend", "cpu"}};
  ours.update(fibretrack);
  OrthancOptions options;
  options.verbose = true;
  options.extra = {{"Plugins", {FT_ORTHANC_PLUGIN}}, {"StableAge", 1}, {"FibreTrack", ours}};
  options.extra.update(extra);
  return options;
}

std::string simulated_clip(const TempDir& dir, const std::string& preset, int seed, int frames) {
  const std::string path = dir.file(preset + "-" + std::to_string(seed) + ".dcm");
  run_command("'" + cli_path() + "' simulate --preset " + preset + " --seed " + std::to_string(seed) + " --frames " +
              std::to_string(frames) + " --out '" + path + "'");
  return path;
}

bool store_with_storescu(const OrthancPeer& node, const std::string& file) {
  return run_command("storescu -aec ORTHANC 127.0.0.1 " + std::to_string(node.dicom_port) + " '" + file + "'")
             .exit_code == 0;
}

nlohmann::json wait_for_jobs(const OrthancPeer& node, const std::function<bool(const nlohmann::json&)>& done,
                             double timeout_s, const std::string& query) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s * time_scale());
  nlohmann::json jobs = nlohmann::json::array();
  while (std::chrono::steady_clock::now() < until) {
    try {
      jobs = node.get("/fibretrack/jobs?limit=1000" + query);
      if (done(jobs)) break;
    } catch (const nlohmann::json::exception&) {  // the node is starting or gone
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return jobs;
}

int count_in_state(const nlohmann::json& jobs, const std::string& state) {
  int n = 0;
  for (const auto& j : jobs) n += j.value("state", "") == state;
  return n;
}

std::vector<std::string> series_modalities(const OrthancPeer& node, const std::string& study_id) {
  std::vector<std::string> modalities;
  for (const auto& series : node.get("/studies/" + study_id + "/series"))
    modalities.push_back(series["MainDicomTags"].value("Modality", ""));
  return modalities;
}

}  // namespace ft::test
