#pragma once
// The attribute rules of de-identification, after PS3.15 Table E.1-1, written as an allow-list:
// an attribute is kept only when it is named here, at every depth, so whatever a scanner or an
// earlier tool added (overlays, curves, icons, SR text, Original Attributes, comments, private
// groups, attributes defined after this list was written) is removed without anyone having
// to think of it. Kept are the image and what makes it measurable (pixel description,
// Ultrasound Regions, frame timing) and the identifiers every IOD needs, emptied or replaced.
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include <functional>
#include <string>

namespace ft::dicom::detail {

struct ProfileCounts {
  int removed = 0;
  int emptied = 0;
  int uids_replaced = 0;
};

// Rewrites the data set in place: attributes not on the allow-list removed (whole sequences
// with them), kept sequences filtered item by item, the Type 2 identifiers of the IOD emptied
// (Z), every kept non-standard UID replaced by `new_uid(old)`. Patient Name and ID, and the
// de-identification attributes, are the caller's to write.
ProfileCounts apply_confidentiality_profile(DcmDataset& ds, const std::function<std::string(const std::string&)>& new_uid);

}  // namespace ft::dicom::detail
