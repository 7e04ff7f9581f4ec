#pragma once
// The graphic annotations of a Grayscale Softcopy Presentation State (ours or another
// viewer's): polylines and text in image pixels, per frame, for the clips it references.
// Display transforms (VOI, shutters, spatial) are not applied.
#include <set>
#include <string>
#include <vector>

namespace ft::dicom {

struct PresentationAnnotation {
  std::vector<int> frames;  // 0-based; empty: every frame
  std::vector<std::pair<double, double>> points;  // a polyline (or one point), frame px
  std::string text;         // a text object, anchored at `points.front()`
};

struct PresentationAnnotations {
  std::set<std::string> referenced_sop_instance_uids;
  std::vector<PresentationAnnotation> annotations;
};

// Throws ft::Error(CorruptData / Unsupported) when the file is not a presentation state.
PresentationAnnotations read_presentation_state(const std::string& path);

// Presentation states near the clip (see find_reports_for) that reference it.
std::vector<std::string> find_presentation_states_for(const std::string& clip_path, const std::string& clip_sop_instance_uid);

}  // namespace ft::dicom
