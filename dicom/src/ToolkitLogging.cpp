#include "ft/dicom/ToolkitLogging.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/oflog/oflog.h"

namespace ft::dicom {

void configure_toolkit_logging(bool verbose) {
  OFLog::configure(verbose ? OFLogger::INFO_LOG_LEVEL : OFLogger::FATAL_LOG_LEVEL);
}

}  // namespace ft::dicom
