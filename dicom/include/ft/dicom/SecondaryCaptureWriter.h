#pragma once
// The analysed clip with the findings burned into its pixels, as a Multi-frame
// Grayscale Byte Secondary Capture (Burned In Annotation YES), for viewers that ignore
// presentation states. Outline, caliper and text are drawn on the frames of each
// finding; the decision-support notice on every frame.
#include <string>

#include "ft/core/TearFinding.h"

namespace ft::dicom {

// Returns the SOP Instance UID. The source is decoded to 8-bit luminance. Throws ft::Error.
std::string write_burned_in_capture(const std::string& source_clip, const DetectionResult& result,
                                    const std::string& path);

}  // namespace ft::dicom
