#pragma once
// DICOMweb (PS3.18) as the second transport: STOW-RS to send, QIDO-RS to query, WADO-RS
// to retrieve. The public functions in StoreScu.h, QueryScu.h and RetrieveScu.h call these
// when the node is a URL.
#include <string>
#include <vector>

#include "ft/dicom/QueryScu.h"
#include "ft/dicom/RetrieveScu.h"
#include "ft/dicom/StoreScu.h"

namespace ft::dicom::detail {

void dicomweb_echo(const DicomNode& node, const NetworkSettings& settings);
std::vector<StoreResult> dicomweb_store(const DicomNode& node, const std::vector<std::string>& files,
                                        const NetworkSettings& settings);
std::vector<StudyMatch> dicomweb_find_studies(const DicomNode& node, const StudyQuery& query, const NetworkSettings& settings);
std::vector<SeriesMatch> dicomweb_find_series(const DicomNode& node, const std::string& study_uid,
                                              const NetworkSettings& settings);
RetrieveResult dicomweb_retrieve_study(const DicomNode& node, const std::string& study_uid, const std::string& directory,
                                       const NetworkSettings& settings);

}  // namespace ft::dicom::detail
