#include "ft/ui/ViewerSettings.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ft/core/DurableFiles.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomSettings.h"
#include "ft/ui/WorkspaceHost.h"

namespace ft::ui {

std::vector<std::string> tracking_presets() { return {"standard", "fine", "fast", "large motion"}; }

// standard: the defaults the accuracy benchmarks were measured with (docs/benchmarks.md);
// fine: denser points and a forward-backward check, slower; fast: sparser points;
// large motion: a wider search and template for maximal contractions where whole muscles
// slide several mm past each other between frames.
AnalysisSettings analysis_settings(const ViewerSettings& s) {
  AnalysisSettings a;
  a.backend = gpu::backend_from_string(s.backend);
  if (s.tracking_preset == "fine") {
    a.grid_mm = 0.3;
    a.tracking.kernel_mm = 1.5;
    a.tracking.forward_backward = true;
  } else if (s.tracking_preset == "fast") {
    a.grid_mm = 0.8;
  } else if (s.tracking_preset == "large motion") {
    a.tracking.kernel_mm = 2.2;
    a.tracking.search_mm = 3.0;
  } else if (s.tracking_preset != "standard") {
    throw Error(ErrorCode::InvalidArgument, "unknown tracking preset '" + s.tracking_preset + "'");
  }
  return a;
}

std::string default_viewer_settings_file() { return dicom::default_config_directory() + "/viewer.json"; }

std::string viewer_settings_file(const WorkspaceHost& host) {
  return host.viewer_settings_file.empty() ? default_viewer_settings_file() : host.viewer_settings_file;
}

std::string network_settings_file(const WorkspaceHost& host) {
  return host.settings_file.empty() ? dicom::default_settings_file() : host.settings_file;
}

dicom::DicomSettings network_settings(const WorkspaceHost& host) { return dicom::load_settings(network_settings_file(host)); }

ViewerSettings load_viewer_settings(const std::string& path) {
  ViewerSettings s;
  std::ifstream in(path);
  if (!in) return s;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    s.sources = j.value("sources", s.sources);
    s.tracking_preset = j.value("tracking_preset", s.tracking_preset);
    s.backend = j.value("backend", s.backend);
    analysis_settings(s);  // refuses unknown names now, not at the first analysis
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidArgument, "viewer settings " + path + ": " + e.what());
  }
  return s;
}

void save_viewer_settings(const ViewerSettings& s, const std::string& path) {
  analysis_settings(s);
  const nlohmann::json j{{"sources", s.sources}, {"tracking_preset", s.tracking_preset}, {"backend", s.backend}};
  write_file_durably(path, j.dump(2) + '\n', "viewer settings");
}

}  // namespace ft::ui
