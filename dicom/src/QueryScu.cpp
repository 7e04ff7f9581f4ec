#include "ft/dicom/QueryScu.h"

#include "DatasetHelpers.h"
#include "DicomWebClient.h"
#include "ScuConnection.h"
#include "dcmtk/dcmnet/scu.h"
#include "ft/core/Error.h"

namespace ft::dicom {
namespace {
using namespace detail;
}  // namespace

std::vector<StudyMatch> find_studies(const DicomNode& node, const StudyQuery& query, const NetworkSettings& settings) {
  if (node.is_dicomweb()) return dicomweb_find_studies(node, query, settings);
  DcmDataset keys;
  put(keys, DCM_QueryRetrieveLevel, "STUDY");
  put(keys, DCM_StudyInstanceUID, "");
  put(keys, DCM_PatientName, query.patient_name);
  put(keys, DCM_PatientID, query.patient_id);
  put(keys, DCM_StudyDate, query.study_date);
  put(keys, DCM_AccessionNumber, query.accession_number);
  put(keys, DCM_StudyDescription, "");
  put(keys, DCM_ModalitiesInStudy, "");
  std::vector<StudyMatch> matches;
  for (const auto& d : find_on_association(node, settings, UID_FINDStudyRootQueryRetrieveInformationModel, "study", keys))
    matches.push_back({get_string(*d, DCM_StudyInstanceUID), get_string(*d, DCM_PatientName), get_string(*d, DCM_PatientID),
                       get_string(*d, DCM_StudyDate), get_string(*d, DCM_StudyDescription),
                       get_string(*d, DCM_AccessionNumber), get_string(*d, DCM_ModalitiesInStudy)});
  return matches;
}

std::vector<SeriesMatch> find_series(const DicomNode& node, const std::string& study_instance_uid,
                                     const NetworkSettings& settings) {
  if (study_instance_uid.empty()) throw Error(ErrorCode::InvalidArgument, "a series query needs the Study Instance UID");
  if (node.is_dicomweb()) return dicomweb_find_series(node, study_instance_uid, settings);
  DcmDataset keys;
  put(keys, DCM_QueryRetrieveLevel, "SERIES");
  put(keys, DCM_StudyInstanceUID, study_instance_uid);
  put(keys, DCM_SeriesInstanceUID, "");
  put(keys, DCM_Modality, "");
  put(keys, DCM_SeriesNumber, "");
  put(keys, DCM_SeriesDescription, "");
  put(keys, DCM_NumberOfSeriesRelatedInstances, "");
  std::vector<SeriesMatch> matches;
  for (const auto& d : find_on_association(node, settings, UID_FINDStudyRootQueryRetrieveInformationModel, "series", keys))
    matches.push_back({get_string(*d, DCM_SeriesInstanceUID), get_string(*d, DCM_Modality), get_string(*d, DCM_SeriesNumber),
                       get_string(*d, DCM_SeriesDescription), int(get_long(*d, DCM_NumberOfSeriesRelatedInstances, -1))});
  return matches;
}

}  // namespace ft::dicom
