#pragma once
// Reading FibreTrack's own TID 1500 measurement reports back, so that a stored analysis
// can be shown over its clip in review without analysing again: per finding the frame,
// centre, gap caliper, gap at peak and rest, retraction, extent, thickness, grade and
// confidence; per layer named for review its place, frame and the words it was reported in
// (as a note). Reports of other vendors are not interpreted.
#include <string>

#include "ft/core/TearFinding.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft::dicom {

struct StoredReport {
  std::string source_sop_instance_uid;  // the clip the measurements were made on
  DetectionResult result;  // findings and layers for review only (no curves; contraction unknown)
};

// Throws ft::Error(CorruptData / Unsupported) when the file is not a FibreTrack report.
StoredReport read_measurement_report(const std::string& path);

// A stored result placed on its clip: the report keeps places in px, so each finding's and
// layer's mm from the image region's corner, the scale, and whether it is calibrated come from
// `region` (the clip's analysis region), as the analysis measured them.
void place_on_region(DetectionResult& stored, const UltrasoundRegion& region);

// The FibreTrack reports for `clip_path` among the DICOM files next to it and one folder
// up (a study folder of the local store): a clip opened from the store finds its report.
std::vector<std::string> find_reports_for(const std::string& clip_path, const std::string& clip_sop_instance_uid);

}  // namespace ft::dicom
