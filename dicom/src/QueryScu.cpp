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
  DcmSCU scu;
  scu.addPresentationContext(UID_FINDStudyRootQueryRetrieveInformationModel, uncompressed_after(""));
  open_association(scu, node, settings);
  OFCondition c;
  const T_ASC_PresentationContextID id = scu.findAnyPresentationContextID(UID_FINDStudyRootQueryRetrieveInformationModel, "");
  if (id == 0) {
    scu.releaseAssociation();
    throw Error(ErrorCode::Network, node.text() + " does not offer study-root C-FIND");
  }
  DcmDataset keys;
  put(keys, DCM_QueryRetrieveLevel, "STUDY");
  put(keys, DCM_StudyInstanceUID, "");
  put(keys, DCM_PatientName, query.patient_name);
  put(keys, DCM_PatientID, query.patient_id);
  put(keys, DCM_StudyDate, query.study_date);
  put(keys, DCM_StudyDescription, "");
  put(keys, DCM_ModalitiesInStudy, "");
  OFList<QRResponse*> responses;
  c = scu.sendFINDRequest(id, &keys, &responses);
  scu.releaseAssociation();
  std::vector<StudyMatch> matches;
  Uint16 final_status = 0;
  for (QRResponse* r : responses) {
    final_status = r->m_status;
    if (r->m_dataset && (r->m_status == 0xFF00 || r->m_status == 0xFF01)) {
      DcmDataset& d = *r->m_dataset;
      matches.push_back({get_string(d, DCM_StudyInstanceUID), get_string(d, DCM_PatientName), get_string(d, DCM_PatientID),
                         get_string(d, DCM_StudyDate), get_string(d, DCM_StudyDescription),
                         get_string(d, DCM_ModalitiesInStudy)});
    }
    delete r;
  }
  if (c.bad())
    throw Error(ErrorCode::Network, "C-FIND to " + node.text() + " failed: " + c.text() +
                                        " (does the PACS know our AE title " + settings.local_ae_title + "?)");
  if (final_status != 0 && final_status != 0xFF00 && final_status != 0xFF01) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04X", final_status);
    throw Error(ErrorCode::Network, node.text() + " answered the query with status 0x" + buf);
  }
  return matches;
}

}  // namespace ft::dicom
