#pragma once
// How we present ourselves on the network: our AE title, timeouts, and the certificates
// for DICOM TLS (PS3.15 Annex B, BCP 195 profile).
#include <string>
#include <vector>

namespace ft::dicom {

struct TlsSettings {
  std::string certificate_pem;               // our certificate
  std::string private_key_pem;               // its key (unencrypted PEM)
  std::vector<std::string> trusted_pem;      // CA or peer certificates we accept
  bool verify_peer = true;                   // refuse a peer whose certificate we do not trust
};

struct NetworkSettings {
  std::string local_ae_title = "FIBRETRACK";
  int timeout_s = 10;
  int retrieve_port = 0;  // where we listen for C-MOVE; 0: retrieve with C-GET
  // Where a PACS sends its Storage Commitment reports (the port it knows for our AE title).
  // Set: the outbox keeps every object sent over DIMSE until the PACS has committed it (a
  // node that does not offer the service: until its C-STORE is acknowledged). 0: not asked.
  int commitment_port = 0;
  // Most matches one query may return (C-FIND, QIDO-RS). More: the query is cancelled
  // (C-CANCEL) and refused with a request to narrow it, so that a careless wildcard neither
  // holds a whole archive's answers in memory nor shows a list nobody can read.
  int max_query_matches = 1000;
  // Other senders (AET@host) accepted during a C-MOVE besides the node retrieved from: a PACS
  // cluster or an archive that stores from another AE title or host than the one queried.
  std::vector<std::string> move_sources;
  TlsSettings tls;
};

}  // namespace ft::dicom
