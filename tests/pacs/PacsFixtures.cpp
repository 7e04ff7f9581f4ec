#include "PacsFixtures.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <filesystem>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/DicomClipReader.h"
#include "ft/dicom/MeasurementReportWriter.h"
#include "ft/dicom/PresentationStateWriter.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::test {

ExamOnDisk write_exam(const TempDir& dir, const std::string& folder, const std::string& patient_id) {
  ExamOnDisk exam;
  exam.folder = dir.file(folder);
  std::filesystem::create_directories(exam.folder);
  exam.clip_file = exam.folder + "/clip.dcm";
  const Clip clip = sim::SimulatedExam(sim::make_preset("full_tear", 12, 4)).render_clip();
  dicom::ClipWriteOptions options;
  options.exam.patient_id = patient_id;
  options.exam.patient_name = "TEST^PATIENT";
  dicom::write_ultrasound_clip(clip, options, exam.clip_file);
  DetectionResult result;
  TearFinding f;
  f.frame = 2;
  f.centre_col_px = 160;
  f.centre_row_px = 100;
  f.gap_mm = 4;
  result.findings.push_back(f);
  result.tear_detected = true;
  const dicom::DicomClipInfo info = dicom::read_clip_info(exam.clip_file);
  exam.study_instance_uid = info.study_instance_uid;
  exam.sop_instance_uids = {info.sop_instance_uid,
                            dicom::write_measurement_report(exam.clip_file, result, exam.folder + "/sr.dcm"),
                            dicom::write_presentation_state(exam.clip_file, result, exam.folder + "/pr.dcm")};
  return exam;
}

int max_pixel_difference(const std::string& file_a, const std::string& file_b) {
  dicom::DicomClipReader a(file_a), b(file_b);
  if (a.frame_count() != b.frame_count()) return -1;
  int worst = 0;
  for (int k = 0; k < a.frame_count(); ++k) {
    const Frame fa = a.read_frame(k), fb = b.read_frame(k);
    if (fa.width_px() != fb.width_px() || fa.height_px() != fb.height_px() || fa.depth() != fb.depth()) return -1;
    for (std::size_t i = 0; i < fa.pixel_count(); ++i) {
      const int va = fa.depth() == PixelDepth::Bits8 ? fa.data8()[i] : fa.data16()[i];
      const int vb = fb.depth() == PixelDepth::Bits8 ? fb.data8()[i] : fb.data16()[i];
      worst = std::max(worst, std::abs(va - vb));
    }
  }
  return worst;
}

std::string transfer_syntax_of(const std::string& file) {
  DcmFileFormat f;
  OFString uid;
  if (f.loadFile(file.c_str()).good()) f.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, uid);
  return uid.c_str();
}

StoreScpProcess::StoreScpProcess(const std::string& options, const std::string& output) : port(free_loopback_port()) {
  std::filesystem::create_directories(output);
  pid_ = std::stoi(run_command("storescp " + options + " -od '" + output + "' " + std::to_string(port) + " >/dev/null 2>&1 & echo $!").out);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
}

StoreScpProcess::~StoreScpProcess() { ::kill(pid_t(pid_), SIGKILL); }

CommandResult fibretrack_in(const std::string& config_dir, const std::string& args) {
  return run_command("FIBRETRACK_CONFIG_DIR='" + config_dir + "' '" + cli_path() + "' " + args);
}

// RSA 2048 / SHA-256, as the BCP 195 profile wants.
void make_test_certificates(const TempDir& dir) {
  const std::string d = "'" + dir.path() + "'/";
  std::string script = "set -e; cd " + d + "; openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=FibreTrackTestCA;";
  const std::pair<const char*, const char*> certificates[] = {
      {"server", "subjectAltName=IP:127.0.0.1,DNS:localhost"}, {"client", "subjectAltName=DNS:fibretrack"},
      {"elsewhere", "subjectAltName=DNS:pacs.elsewhere.example"}};
  for (const auto& [who, names] : certificates)
    script += std::string(" printf '") + names + "\\n' > " + who + ".ext; openssl req -newkey rsa:2048 -nodes -keyout " + who +
              ".key -out " + who + ".csr -subj /CN=" + who + "; openssl x509 -req -in " + who +
              ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -out " + who + ".crt -days 2 -sha256 -extfile " + who + ".ext;";
  // A second CA that signed nothing we use: trusting only it must fail.
  script += " openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -days 2 -subj /CN=OtherCA";
  const CommandResult r = run_command("(" + script + ") 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
}

}  // namespace ft::test
