#include "WorklistPeer.h"

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

namespace ft::test {

WorklistPeer::WorklistPeer(const TempDir& dir) : port(free_loopback_port()), dir_(dir) {
  std::filesystem::create_directories(dir_.file("worklists/WLM"));
  std::ofstream(dir_.file("worklists/WLM/lockfile"));
}

WorklistPeer::~WorklistPeer() {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

void WorklistPeer::add(const WorklistEntry& e) {
  DcmFileFormat item;
  DcmDataset& d = *item.getDataset();
  d.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
  d.putAndInsertString(DCM_PatientName, e.patient_name.c_str());
  d.putAndInsertString(DCM_PatientID, e.patient_id.c_str());
  d.putAndInsertString(DCM_PatientBirthDate, "19900101");
  d.putAndInsertString(DCM_PatientSex, "F");
  d.putAndInsertString(DCM_AccessionNumber, e.accession.c_str());
  d.putAndInsertString(DCM_StudyInstanceUID, e.study_uid.c_str());
  d.putAndInsertString(DCM_RequestedProcedureID, "RP1");
  d.putAndInsertString(DCM_RequestedProcedureDescription, "Dynamic MSUS thigh");
  d.putAndInsertString(DCM_ReferringPhysicianName, "WHO^DR");
  DcmItem* step = nullptr;
  d.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2);
  step->putAndInsertString(DCM_Modality, e.modality.c_str());
  step->putAndInsertString(DCM_ScheduledStationAETitle, "FIBRETRACK");
  step->putAndInsertString(DCM_ScheduledProcedureStepStartDate, "20261125");
  step->putAndInsertString(DCM_ScheduledProcedureStepStartTime, "093000");
  step->putAndInsertString(DCM_ScheduledProcedureStepDescription, "Rectus femoris under contraction");
  step->putAndInsertString(DCM_ScheduledProcedureStepID, "SPS1");
  step->putAndInsertString(DCM_ScheduledPerformingPhysicianName, "");
  const std::string file = dir_.file("worklists/WLM/item" + std::to_string(++entries_) + ".wl");
  if (item.saveFile(file.c_str(), EXS_LittleEndianExplicit).bad()) throw std::runtime_error("cannot write " + file);
}

void WorklistPeer::start() {
  pid_ = pid_t(std::stol(
      run_command("wlmscpfs -dfp '" + dir_.file("worklists") + "' " + std::to_string(port) + " >/dev/null 2>&1 & echo $!").out));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
}

}  // namespace ft::test
