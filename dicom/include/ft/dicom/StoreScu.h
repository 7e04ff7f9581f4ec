#pragma once
// Talking to a PACS as a service user: C-ECHO to check a node, C-STORE to send objects.
// Every SOP class we write is offered with its own transfer syntax first, then the
// uncompressed ones, so that a peer refusing the compressed one still gets the object
// (DCMTK converts on the fly where it can).
#include <string>
#include <vector>

#include "ft/dicom/DicomNode.h"

namespace ft::dicom {

struct NetworkSettings {
  std::string local_ae_title = "FIBRETRACK";
  int timeout_s = 10;
};

// Throws ft::Error(Network) with the peer's answer when the node does not reply.
void echo(const DicomNode& node, const NetworkSettings& settings = {});

struct StoreResult {
  std::string file;
  std::string sop_instance_uid;
  bool stored = false;
  unsigned status = 0;   // DIMSE status (0 = success, 0xB000.. warnings)
  std::string message;   // why not, when not stored
};

// Sends the files over one association (per SOP class set). Never throws for a single
// refused object: its result says why. Throws ft::Error(Network) when no association.
std::vector<StoreResult> store(const DicomNode& node, const std::vector<std::string>& files,
                               const NetworkSettings& settings = {});

}  // namespace ft::dicom
