#pragma once
// Starting an exam from the modality worklist: C-FIND on the Modality Worklist model,
// and the patient and study identifiers of the chosen entry for the recorded clip.
#include <string>
#include <vector>

#include "ft/dicom/ExamContext.h"
#include "ft/dicom/StoreScu.h"

namespace ft::dicom {

struct WorklistItem {
  ExamContext exam;                 // patient, study UID, accession, study description
  std::string scheduled_date;       // Scheduled Procedure Step Start Date
  std::string scheduled_time;
  std::string modality;
  std::string station_ae_title;
  std::string step_description;
  std::string step_id;
  std::string requested_procedure_id;
};

struct WorklistQuery {
  std::string modality = "US";
  std::string date;             // YYYYMMDD or range; empty: any
  std::string station_ae_title;  // empty: any
};

// Throws ft::Error(Network) when the worklist server cannot be reached or refuses.
std::vector<WorklistItem> find_worklist(const DicomNode& node, const WorklistQuery& query,
                                        const NetworkSettings& settings = {});

}  // namespace ft::dicom
