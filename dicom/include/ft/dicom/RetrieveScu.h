#pragma once
// Pulling a study back from a PACS for review: C-MOVE to our own storage SCP when a
// retrieve port is configured (the PACS must know our AE title and port), C-GET on the
// same association otherwise, or WADO-RS for a DICOMweb node. The files land in a folder;
// the caller imports them into the local StudyStore.
#include <string>
#include <vector>

#include "ft/dicom/DicomNode.h"
#include "ft/dicom/NetworkSettings.h"

namespace ft::dicom {

struct RetrieveResult {
  std::string method;               // "C-MOVE", "C-GET", "WADO-RS"
  std::vector<std::string> files;   // what arrived, in `directory`
  int failed = 0;                   // sub-operations the peer reported as failed
  int warnings = 0;
};

// Throws ft::Error(Network) when the node cannot be reached, refuses, or reports that the
// retrieve failed as a whole; failed single objects are counted in the result.
RetrieveResult retrieve_study(const DicomNode& node, const std::string& study_instance_uid, const std::string& directory,
                              const NetworkSettings& settings = {});

}  // namespace ft::dicom
