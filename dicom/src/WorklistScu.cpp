#include "ft/dicom/WorklistScu.h"

#include "DatasetHelpers.h"
#include "ScuConnection.h"
#include "dcmtk/dcmnet/scu.h"
#include "ft/core/Error.h"

namespace ft::dicom {
namespace {
using namespace detail;
}  // namespace

std::vector<WorklistItem> find_worklist(const DicomNode& node, const WorklistQuery& query,
                                        const NetworkSettings& settings) {
  if (node.is_dicomweb())
    throw Error(ErrorCode::InvalidArgument, "the modality worklist is a DIMSE service; give the worklist server as AET@host:port");
  DcmDataset keys;
  for (const DcmTagKey& tag : {DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate, DCM_PatientSex, DCM_AccessionNumber,
                               DCM_StudyInstanceUID, DCM_RequestedProcedureID, DCM_RequestedProcedureDescription,
                               DCM_ReferringPhysicianName})
    put(keys, tag, "");
  DcmItem* step = nullptr;
  keys.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
  put(*step, DCM_Modality, query.modality);
  put(*step, DCM_ScheduledStationAETitle, query.station_ae_title);
  put(*step, DCM_ScheduledProcedureStepStartDate, query.date);
  put(*step, DCM_ScheduledProcedureStepStartTime, "");
  put(*step, DCM_ScheduledProcedureStepDescription, "");
  put(*step, DCM_ScheduledProcedureStepID, "");
  std::vector<WorklistItem> items;
  for (const auto& match : find_on_association(node, settings, UID_FINDModalityWorklistInformationModel, "worklist", keys)) {
    DcmDataset& d = *match;
    WorklistItem w;
    w.exam.patient_name = get_string(d, DCM_PatientName);
    w.exam.patient_id = get_string(d, DCM_PatientID);
    w.exam.patient_birth_date = get_string(d, DCM_PatientBirthDate);
    w.exam.patient_sex = get_string(d, DCM_PatientSex);
    w.exam.accession_number = get_string(d, DCM_AccessionNumber);
    w.exam.study_instance_uid = get_string(d, DCM_StudyInstanceUID);
    w.exam.study_description = get_string(d, DCM_RequestedProcedureDescription);
    w.exam.referring_physician = get_string(d, DCM_ReferringPhysicianName);
    w.requested_procedure_id = get_string(d, DCM_RequestedProcedureID);
    DcmItem* s = nullptr;
    if (d.findAndGetSequenceItem(DCM_ScheduledProcedureStepSequence, s, 0).good() && s) {
      w.modality = get_string(*s, DCM_Modality);
      w.station_ae_title = get_string(*s, DCM_ScheduledStationAETitle);
      w.scheduled_date = get_string(*s, DCM_ScheduledProcedureStepStartDate);
      w.scheduled_time = get_string(*s, DCM_ScheduledProcedureStepStartTime);
      w.step_description = get_string(*s, DCM_ScheduledProcedureStepDescription);
      w.step_id = get_string(*s, DCM_ScheduledProcedureStepID);
    }
    items.push_back(w);
  }
  return items;
}

}  // namespace ft::dicom
