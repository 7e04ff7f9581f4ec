#pragma once
// Opening an association as a service user: our AE title, the peer, timeouts, and one
// clear error when the peer cannot be reached or refuses. Shared by every SCU we run.
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmnet/scu.h"

#include "ft/dicom/StoreScu.h"

namespace ft::dicom::detail {

// Presentation contexts must be added before calling. Throws ft::Error(Network).
void open_association(DcmSCU& scu, const DicomNode& node, const NetworkSettings& settings);
// Explicit then Implicit VR Little Endian, after `preferred` when given.
OFList<OFString> uncompressed_after(const std::string& preferred);

}  // namespace ft::dicom::detail
