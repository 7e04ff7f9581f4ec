#pragma once
// Who the exam is of and which study it belongs to: from the worklist when known,
// typed in or simulated otherwise. Written into every object of the exam.
#include <string>

namespace ft::dicom {

struct ExamContext {
  std::string patient_name;        // DICOM PN, e.g. DOE^JANE
  std::string patient_id;
  std::string patient_birth_date;  // YYYYMMDD or empty
  std::string patient_sex;         // M, F, O or empty
  std::string study_instance_uid;  // empty: a new one is made
  std::string study_id;
  std::string accession_number;
  std::string study_description;
  std::string referring_physician;
  std::string study_date;          // YYYYMMDD; empty: today
  std::string study_time;          // HHMMSS; empty: now
};

}  // namespace ft::dicom
