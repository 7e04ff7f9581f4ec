#pragma once
// A Grayscale Softcopy Presentation State for the analysed clip: on the frames where
// each finding applies, the tear outline, the gap caliper and a short text, on a
// FibreTrack graphic layer. Viewers that honour presentation states show them over the
// original pixels, which stay untouched.
#include <string>

#include "ft/core/TearFinding.h"

namespace ft::dicom {

// Returns the presentation state's SOP Instance UID. Throws ft::Error.
std::string write_presentation_state(const std::string& source_clip, const DetectionResult& result,
                                     const std::string& path);

}  // namespace ft::dicom
