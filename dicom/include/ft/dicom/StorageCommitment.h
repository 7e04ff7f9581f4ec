#pragma once
// Storage Commitment Push Model (PS3.4 Annex J): after a C-STORE, ask the PACS to take
// responsibility for the objects (N-ACTION) and wait for its answer, an N-EVENT-REPORT it
// sends on an association of its own to our commitment port. An acknowledged C-STORE only
// says the object arrived; a PACS killed right after it was seen to lose objects it had
// acknowledged. The outbox keeps an object until the PACS has committed it.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ft/dicom/DicomNode.h"
#include "ft/dicom/NetworkSettings.h"

namespace ft::dicom {

struct CommitmentItem {
  std::string sop_class_uid;
  std::string sop_instance_uid;
};

struct CommitmentReport {
  bool offered = true;    // false: the node does not offer Storage Commitment at all
  bool received = false;  // its report came within the timeout
  std::set<std::string> committed;         // SOP Instance UIDs
  std::map<std::string, unsigned> failed;  // SOP Instance UID -> Failure Reason (0x0112: no such object ...)
};

// Listens on settings.commitment_port, asks `node` to commit `items` in one transaction, and
// waits up to settings.timeout_s for its report. Only the node itself (its AE title, from one
// of its host's addresses) may deliver it. Throws ft::Error(Network) when the node cannot be
// reached or refuses the request, ft::Error(InvalidArgument) without a commitment port.
CommitmentReport request_commitment(const DicomNode& node, const std::vector<CommitmentItem>& items,
                                    const NetworkSettings& settings);

// "no such object instance" for 0x0112, and so on (PS3.4 Table J.3-2 / Annex C.14.1.1).
std::string failure_reason_text(unsigned reason);

}  // namespace ft::dicom
