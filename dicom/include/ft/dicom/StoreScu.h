#pragma once
// Talking to a PACS as a service user: C-ECHO to check a node, C-STORE to send objects
// (STOW-RS when the node is a DICOMweb service). Every SOP class is offered with the
// object's own transfer syntax first, then the uncompressed ones; an object whose syntax
// the peer refused is decompressed before it is sent (see Transcoding.h).
#include <string>
#include <vector>

#include "ft/dicom/DicomNode.h"
#include "ft/dicom/NetworkSettings.h"

namespace ft::dicom {

// Throws ft::Error(Network) with the peer's answer when the node does not reply.
void echo(const DicomNode& node, const NetworkSettings& settings = {});

struct StoreResult {
  std::string file;
  std::string sop_instance_uid;
  bool stored = false;
  unsigned status = 0;   // DIMSE status (0 = success, 0xB000.. warnings)
  std::string message;   // why not, when not stored
  bool transcoded = false;  // sent decompressed: the peer refused the object's own syntax
};

// Sends the files over one association (per SOP class set). Never throws for a single
// refused object: its result says why. Throws ft::Error(Network) when no association.
std::vector<StoreResult> store(const DicomNode& node, const std::vector<std::string>& files,
                               const NetworkSettings& settings = {});

}  // namespace ft::dicom
