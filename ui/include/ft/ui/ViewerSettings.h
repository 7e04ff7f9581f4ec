#pragma once
// The viewer's own settings (<config>/viewer.json): the live sources offered in the
// picker, and the tracking preset and backend every analysis uses. The network settings
// (nodes, AE title, TLS) live in the shared settings file of ft::dicom.
#include <string>
#include <vector>

#include "ft/plugin/ClipAnalysis.h"

namespace ft::ui {

struct ViewerSettings {
  std::vector<std::string> sources{"sim:full_tear", "sim:partial_tear", "sim:intact", "sim:sliding", "sim:vessel",
                                   "igtl://127.0.0.1:18944", "video:0"};
  std::string tracking_preset = "standard";
  std::string backend = "auto";  // auto, cpu, cuda
};

// Names of the tracking presets, in the order the dialog offers them.
std::vector<std::string> tracking_presets();
// The analysis settings of a preset and backend. Throws ft::Error(InvalidArgument) for an
// unknown preset or backend.
AnalysisSettings analysis_settings(const ViewerSettings& settings);

std::string default_viewer_settings_file();  // <config>/viewer.json
// A missing file gives the defaults; a malformed one throws ft::Error(InvalidArgument).
ViewerSettings load_viewer_settings(const std::string& path);
void save_viewer_settings(const ViewerSettings& settings, const std::string& path);  // atomic

}  // namespace ft::ui
