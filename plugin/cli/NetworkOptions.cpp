#include "NetworkOptions.h"

#include "ft/dicom/ToolkitLogging.h"

namespace ft::cli {

const std::set<std::string>& NetworkOptions::flags() {
  static const std::set<std::string> kFlags{"settings", "aet", "timeout", "tls"};
  return kFlags;
}

std::set<std::string> with_network_flags(std::set<std::string> flags) {
  flags.insert(NetworkOptions::flags().begin(), NetworkOptions::flags().end());
  return flags;
}

NetworkOptions::NetworkOptions(const CommandLine& cl)
    : settings_(dicom::load_settings(cl.value_or("settings", dicom::default_settings_file()))), tls_(cl.has("tls")) {
  settings_.network.local_ae_title = cl.value_or("aet", settings_.network.local_ae_title);
  settings_.network.timeout_s = int(cl.integer_or("timeout", settings_.network.timeout_s));
  // The settings may allow dataset dumps, but only while FIBRETRACK_DEBUG asks for a log.
  if (settings_.log_patient_data && dicom::toolkit_log_from_environment() != dicom::ToolkitLog::Quiet)
    dicom::configure_toolkit_logging(dicom::ToolkitLog::DiagnosticsWithPatientData);
}

dicom::DicomNode NetworkOptions::node(const std::string& text) const {
  dicom::DicomNode n = dicom::resolve_node(text, settings_);
  if (tls_ && !n.is_dicomweb()) n.tls = true;
  return n;
}

}  // namespace ft::cli
