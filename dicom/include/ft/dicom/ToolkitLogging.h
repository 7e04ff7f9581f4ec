#pragma once
// DCMTK logs parser complaints and network steps on its own. Our tools report every
// failure once, as an ft::Error; call this at program start so that DCMTK stays quiet
// unless asked. Its debug level dumps every dataset exchanged, names and birth dates
// included, so that level needs an explicit request: patient data stays out of logs.

namespace ft::dicom {

enum class ToolkitLog {
  Quiet,                     // fatal errors only (our own messages say what went wrong)
  Diagnostics,               // association and DIMSE steps, warnings; no dataset dumps
  DiagnosticsWithPatientData // everything, datasets included: for debugging only
};

void configure_toolkit_logging(ToolkitLog level);

// FIBRETRACK_DEBUG unset: Quiet; "patient-data": DiagnosticsWithPatientData; else Diagnostics.
ToolkitLog toolkit_log_from_environment();

}  // namespace ft::dicom
