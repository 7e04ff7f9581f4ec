#pragma once
// Finding studies and their series on a PACS: C-FIND (Study Root Query/Retrieve) or
// QIDO-RS when the node is a DICOMweb service.
#include <string>
#include <vector>

#include "ft/dicom/StoreScu.h"

namespace ft::dicom {

struct StudyQuery {
  std::string patient_id;    // empty: any; DICOM wildcards (* ?) allowed
  std::string patient_name;
  std::string study_date;    // YYYYMMDD or a range YYYYMMDD-YYYYMMDD; empty: any
  std::string accession_number;
};

struct StudyMatch {
  std::string study_instance_uid;
  std::string patient_name;
  std::string patient_id;
  std::string study_date;
  std::string study_description;
  std::string accession_number;
  std::string modalities;
};

struct SeriesMatch {
  std::string series_instance_uid;
  std::string modality;
  std::string series_number;
  std::string series_description;
  int instances = -1;  // -1: the peer did not say
};

// Throw ft::Error(Network) when the node cannot be reached or refuses the query.
std::vector<StudyMatch> find_studies(const DicomNode& node, const StudyQuery& query, const NetworkSettings& settings = {});
std::vector<SeriesMatch> find_series(const DicomNode& node, const std::string& study_instance_uid,
                                     const NetworkSettings& settings = {});

}  // namespace ft::dicom
