#pragma once
// The analysis of a clip as a DICOM Structured Report following TID 1500 (Measurement
// Report): one measurement group per finding, with the gap, retraction, extent, grade
// and confidence as coded numeric values (UCUM units), the finding's centre and gap
// caliper as spatial coordinates selected from the exact frame of the source clip, and
// the algorithm's name and version. It joins the source clip's study.
#include <string>

#include "ft/core/TearFinding.h"

namespace ft::dicom {

// Returns the SR's SOP Instance UID. `source_clip` is the analysed DICOM file; frame
// numbers of the findings are 0-based clip indices (written 1-based, as DICOM counts).
// Throws ft::Error.
std::string write_measurement_report(const std::string& source_clip, const DetectionResult& result,
                                     const std::string& path);

// Coding scheme of FibreTrack's own concepts (PS3.16 allows private schemes beginning 99).
constexpr const char* kFibreTrackCodingScheme = "99FIBRETRACK";

}  // namespace ft::dicom
