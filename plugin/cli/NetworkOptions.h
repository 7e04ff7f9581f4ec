#pragma once
// What every network subcommand shares: the settings file (--settings, else the default),
// our AE title and timeout overrides, and turning NODE arguments into nodes.
#include <set>
#include <string>

#include "CommandLine.h"
#include "ft/dicom/DicomSettings.h"

namespace ft::cli {

class NetworkOptions {
 public:
  // The flags this reads, for reject_unknown().
  static const std::set<std::string>& flags();
  explicit NetworkOptions(const CommandLine& cl);

  const dicom::DicomSettings& settings() const { return settings_; }
  const dicom::NetworkSettings& network() const { return settings_.network; }
  // A settings name, AET@host:port or a DICOMweb URL; --tls turns TLS on for a typed node.
  dicom::DicomNode node(const std::string& text) const;

 private:
  dicom::DicomSettings settings_;
  bool tls_ = false;
};

// `flags` plus the shared network flags.
std::set<std::string> with_network_flags(std::set<std::string> flags);

}  // namespace ft::cli
