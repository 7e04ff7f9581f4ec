#pragma once
// The DICOM objects that carry an analysis to the archive: the TID 1500 measurement report,
// the presentation state (grayscale clips) and, on request, a true-colour secondary capture
// with the findings burned in as the viewer draws them (OverlayScene, OverlayPainter). Shared by `fibretrack analyze --dicom-out` and the station's export.
#include <string>
#include <vector>

#include "ft/core/TearFinding.h"
#include "ft/plugin/ClipAnalysis.h"

namespace ft {

struct ExportedObject {
  std::string path;
  std::string kind;  // "measurement report", "presentation state", "secondary capture"
};

// Writes into `directory` (created when missing), names from the clip's file name.
// Throws ft::Error (disk full, unreadable clip). The capture paints each frame as the review
// shows it (review_scene: strain layer, arrows, each finding where its tissue is in that frame).
std::vector<ExportedObject> write_exam_objects(const std::string& clip_path, const ClipAnalysis& analysis,
                                               const std::string& directory, bool burn_in);
// Without the analysis (a stored report): the capture shows its findings where they were
// measured, on every frame, as the review shows a stored report.
std::vector<ExportedObject> write_exam_objects(const std::string& clip_path, const DetectionResult& result,
                                               const std::string& directory, bool burn_in);

}  // namespace ft
