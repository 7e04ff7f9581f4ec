#pragma once
// DICOM files near a clip: its folder and the folders beside it, two levels deep, at most
// 500 files (a clip opened from a home folder must not walk the whole disk). Where a
// clip's report and presentation state are found (the study folder of the local store,
// or the folder its exports went to).
#include <functional>
#include <string>
#include <vector>

namespace ft::dicom::detail {

// Only the files whose meta header names a SOP class `wanted` accepts: read without their
// datasets, so that the clips beside a clip (hundreds of MB each) are not loaded whole to
// find the one report among them, and files that are not DICOM are passed over unparsed.
std::vector<std::string> dicom_files_near(const std::string& clip_path,
                                          const std::function<bool(const std::string& sop_class_uid)>& wanted);

}  // namespace ft::dicom::detail
