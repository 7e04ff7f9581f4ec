#pragma once
// DICOM files near a clip: its folder and the folders beside it, two levels deep, at most
// 500 files (a clip opened from a home folder must not walk the whole disk). Where a
// clip's report and presentation state are found (the study folder of the local store,
// or the folder its exports went to).
#include <functional>
#include <string>
#include <vector>

namespace ft::dicom::detail {

// Only the files whose SOP class `wanted` accepts, read from their heads (the meta header, or a
// header-less data set up to its SOP Class UID): the clips beside a clip are not parsed through
// to find the one report among them (each was parsed whole, its pixel data left on disk), and
// files that are not DICOM are passed over unparsed (their parse errors filled the log).
std::vector<std::string> dicom_files_near(const std::string& clip_path,
                                          const std::function<bool(const std::string& sop_class_uid)>& wanted);

}  // namespace ft::dicom::detail
