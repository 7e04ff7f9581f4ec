#pragma once
// A DICOM network peer (a PACS, a workstation): AE title, host and port, written
// AET@host:port on the command line.
#include <string>

namespace ft::dicom {

struct DicomNode {
  std::string ae_title;
  std::string host;
  int port = 104;
  std::string text() const { return ae_title + "@" + host + ":" + std::to_string(port); }
};

// Parses AET@host:port. Throws ft::Error(InvalidArgument) naming what is wrong.
DicomNode parse_node(const std::string& text);

}  // namespace ft::dicom
