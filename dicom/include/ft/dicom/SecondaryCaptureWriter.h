#pragma once
// The analysed clip with the findings burned into its pixels, as a Multi-frame True Color
// Secondary Capture (Burned In Annotation YES) in the source's study, for viewers that ignore
// presentation states. The caller draws (plugin's ExamExport paints the viewer's overlay and
// the decision-support notice); this writes what it drew.
#include <functional>
#include <string>

#include "ft/core/Frame.h"
#include "ft/core/RgbImage.h"
#include "ft/dicom/DicomClipInfo.h"

namespace ft::dicom {

// Gets each source frame, decoded to luminance, and returns it drawn as an RGB picture of
// the same size.
using BurnIn = std::function<RgbImage(const Frame& source_frame, int frame_index)>;

// Whether the clip's frames fit one capture: RGB is three bytes a pixel, and one object's
// pixel data stays under 4 GiB (about 3 400 frames of 720 x 574).
bool burned_in_capture_fits(const DicomClipInfo& source);

// Returns the SOP Instance UID. Throws ft::Error (Internal when a picture's size differs from
// the source's).
std::string write_burned_in_capture(const std::string& source_clip, const BurnIn& burn_in, const std::string& path);

}  // namespace ft::dicom
