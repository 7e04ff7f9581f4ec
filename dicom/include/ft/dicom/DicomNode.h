#pragma once
// A peer on the network: a DICOM node (AE title, host, port, optionally over TLS) or a
// DICOMweb service (its base URL). On the command line a node is written
// AET@host:port, http(s)://host/dicom-web, or a name from the settings file.
#include <string>

namespace ft::dicom {

struct DicomNode {
  std::string name;  // the settings name it was chosen by; empty when typed in
  std::string ae_title;
  std::string host;
  int port = 104;
  bool tls = false;
  // The name the peer's TLS certificate must carry; empty: `host` (a node configured by
  // address or short name whose certificate names its full domain name sets it).
  std::string tls_name;
  std::string dicomweb_url;  // non-empty: a DICOMweb service (STOW/QIDO/WADO-RS)

  bool is_dicomweb() const { return !dicomweb_url.empty(); }
  // AET@host:port (TLS marked) or the URL: for messages and the outbox listing.
  std::string text() const;
};

// An http(s) URL without its user:password@ (for messages, logs and anything written to disk).
std::string url_without_credentials(const std::string& url);

// Parses AET@host:port or an http(s) URL. Throws ft::Error(InvalidArgument) naming what
// is wrong.
DicomNode parse_node(const std::string& text);

}  // namespace ft::dicom
