#include "ft/dicom/ToolkitLogging.h"

#include <cstdlib>
#include <string>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/oflog/oflog.h"

namespace ft::dicom {

void configure_toolkit_logging(ToolkitLog level) {
  switch (level) {
    case ToolkitLog::Quiet: OFLog::configure(OFLogger::FATAL_LOG_LEVEL); break;
    // INFO names the services, peers and statuses; DEBUG dumps the query keys we send.
    case ToolkitLog::Diagnostics: OFLog::configure(OFLogger::INFO_LOG_LEVEL); break;
    case ToolkitLog::DiagnosticsWithPatientData: OFLog::configure(OFLogger::DEBUG_LOG_LEVEL); break;
  }
}

ToolkitLog toolkit_log_from_environment() {
  const char* debug = std::getenv("FIBRETRACK_DEBUG");
  if (!debug) return ToolkitLog::Quiet;
  return std::string(debug) == "patient-data" ? ToolkitLog::DiagnosticsWithPatientData : ToolkitLog::Diagnostics;
}

}  // namespace ft::dicom
