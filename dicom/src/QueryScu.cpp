#include "ft/dicom/QueryScu.h"

#include "DatasetHelpers.h"
#include "ScuConnection.h"
#include "dcmtk/dcmnet/scu.h"
#include "ft/core/Error.h"

namespace ft::dicom {
namespace {
using namespace detail;
}  // namespace

std::vector<StudyMatch> find_studies(const DicomNode& node, const StudyQuery& query, const NetworkSettings& settings) {
  DcmDataset keys;
  put(keys, DCM_QueryRetrieveLevel, "STUDY");
  put(keys, DCM_StudyInstanceUID, "");
  put(keys, DCM_PatientName, query.patient_name);
  put(keys, DCM_PatientID, query.patient_id);
  put(keys, DCM_StudyDate, query.study_date);
  put(keys, DCM_StudyDescription, "");
  put(keys, DCM_ModalitiesInStudy, "");
  std::vector<StudyMatch> matches;
  for (const auto& d : find_on_association(node, settings, UID_FINDStudyRootQueryRetrieveInformationModel, "study", keys))
    matches.push_back({get_string(*d, DCM_StudyInstanceUID), get_string(*d, DCM_PatientName), get_string(*d, DCM_PatientID),
                       get_string(*d, DCM_StudyDate), get_string(*d, DCM_StudyDescription),
                       get_string(*d, DCM_ModalitiesInStudy)});
  return matches;
}

}  // namespace ft::dicom
