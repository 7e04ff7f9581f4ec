#pragma once
// The network part of FibreTrack's settings file (JSON): our AE title, timeouts, TLS
// certificates, named remote nodes, and where the outbox and the local study store live.
// The CLI and the station read the same file, so a PACS administrator configures a node
// once. Example in docs/conformance.md.
#include <map>
#include <string>

#include "ft/dicom/DicomNode.h"
#include "ft/dicom/NetworkSettings.h"

namespace ft::dicom {

struct DicomSettings {
  NetworkSettings network;
  std::map<std::string, DicomNode> nodes;  // by name
  std::string outbox_directory;            // <config>/outbox by default
  std::string study_store_directory;       // <config>/studies by default
  bool log_patient_data = false;           // DCMTK's dataset dumps in the log; off unless debugging
};

// $FIBRETRACK_CONFIG_DIR, else $XDG_CONFIG_HOME/fibretrack, else ~/.config/fibretrack.
std::string default_config_directory();
std::string default_settings_file();  // <config>/settings.json

// A missing file gives the defaults; a malformed one throws ft::Error(InvalidArgument)
// naming the file and the key. Relative certificate paths are relative to the file.
DicomSettings load_settings(const std::string& path);
// Written atomically (temporary file, then rename). Throws ft::Error(Io).
void save_settings(const DicomSettings& settings, const std::string& path);

// A node name from `settings`, AET@host:port, or a DICOMweb URL.
DicomNode resolve_node(const std::string& text, const DicomSettings& settings);

}  // namespace ft::dicom
