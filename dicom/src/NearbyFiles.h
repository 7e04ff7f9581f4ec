#pragma once
// DICOM files near a clip: its folder and the folders beside it, two levels deep, at most
// 500 files (a clip opened from a home folder must not walk the whole disk). Where a
// clip's report and presentation state are found (the study folder of the local store,
// or the folder its exports went to).
#include <string>
#include <vector>

namespace ft::dicom::detail {

std::vector<std::string> dicom_files_near(const std::string& clip_path);

}  // namespace ft::dicom::detail
