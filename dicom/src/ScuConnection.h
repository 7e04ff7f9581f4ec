#pragma once
// Opening an association as a service user: our AE title, the peer, timeouts, and one
// clear error when the peer cannot be reached or refuses. Shared by every SCU we run.
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmnet/scu.h"

#include <memory>
#include <vector>

#include "ft/dicom/StoreScu.h"

namespace ft::dicom::detail {

// Presentation contexts must be added before calling. Throws ft::Error(Network).
void open_association(DcmSCU& scu, const DicomNode& node, const NetworkSettings& settings);
// Explicit then Implicit VR Little Endian, after `preferred` when given.
OFList<OFString> uncompressed_after(const std::string& preferred);

// One C-FIND of `sop_class` with `keys` on its own association; returns the identifiers
// of the matches. `service` names the query in errors ("worklist"). Throws ft::Error(Network)
// when the peer refuses the service, the exchange fails, or it ends with a failure status.
std::vector<std::unique_ptr<DcmDataset>> find_on_association(const DicomNode& node, const NetworkSettings& settings,
                                                             const char* sop_class, const std::string& service,
                                                             DcmDataset& keys);

}  // namespace ft::dicom::detail
