#pragma once
// Finding studies on a PACS: C-FIND at study level (Study Root Query/Retrieve).
#include <string>
#include <vector>

#include "ft/dicom/StoreScu.h"

namespace ft::dicom {

struct StudyQuery {
  std::string patient_id;    // empty: any; DICOM wildcards (* ?) allowed
  std::string patient_name;
  std::string study_date;    // YYYYMMDD or a range YYYYMMDD-YYYYMMDD; empty: any
};

struct StudyMatch {
  std::string study_instance_uid;
  std::string patient_name;
  std::string patient_id;
  std::string study_date;
  std::string study_description;
  std::string modalities;
};

// Throws ft::Error(Network) when the node cannot be reached or refuses the query.
std::vector<StudyMatch> find_studies(const DicomNode& node, const StudyQuery& query, const NetworkSettings& settings = {});

}  // namespace ft::dicom
