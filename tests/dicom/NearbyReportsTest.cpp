// A clip's stored report and presentation state are found beside it (the study folder of the
// local store, or the folder its exports went to) without loading the clips around it: the
// files are picked by the SOP class in their meta header.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "NearbyFiles.h"
#include "TestSupport.h"
#include "dcmtk/dcmdata/dcuid.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/MeasurementReportReader.h"
#include "ft/dicom/MeasurementReportWriter.h"
#include "ft/dicom/PresentationStateReader.h"
#include "ft/dicom/PresentationStateWriter.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {
namespace {

DetectionResult one_finding() {
  DetectionResult result;
  TearFinding f;
  f.frame = 2;
  f.centre_col_px = 120;
  f.centre_row_px = 80;
  f.gap_mm = 4.0;
  f.confidence = 0.9;
  f.grade = TearGrade::CompleteWithRetraction;
  result.findings.push_back(f);
  result.tear_detected = true;
  return result;
}

}  // namespace

TEST(NearbyFiles, AClipsReportAndStateAreFoundByTheirHeadsAmongOtherClips) {
  test::TempDir dir;
  namespace fs = std::filesystem;
  const std::string study = dir.file("study");
  for (const char* folder : {"/series1", "/series2", "/reports"}) fs::create_directories(study + folder);
  const std::string clip = study + "/series1/clip.dcm", other = study + "/series2/other.dcm";
  write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("full_tear", 3, 4)).render_clip(), {}, clip);
  write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 4, 4)).render_clip(), {}, other);
  write_measurement_report(clip, one_finding(), study + "/reports/sr.dcm");
  write_presentation_state(clip, one_finding(), study + "/reports/pr.dcm");
  write_measurement_report(other, one_finding(), study + "/reports/other-sr.dcm");
  std::ofstream(study + "/series1/notes.dcm") << "not DICOM at all";
  // A presentation state stored as a bare data set (no preamble or meta header), as older
  // archives keep them: found by the data set's own SOP Class UID.
  write_presentation_state(other, one_finding(), study + "/reports/other-pr-full.dcm");
  ASSERT_EQ(test::run_command("dcmconv -F '" + study + "/reports/other-pr-full.dcm' '" + study + "/reports/other-pr.dcm'").exit_code, 0);
  std::filesystem::remove(study + "/reports/other-pr-full.dcm");
  const std::string uid = read_clip_info(clip).sop_instance_uid;

  EXPECT_EQ(find_reports_for(clip, uid), std::vector<std::string>{study + "/reports/sr.dcm"});
  EXPECT_EQ(find_presentation_states_for(clip, uid), std::vector<std::string>{study + "/reports/pr.dcm"});

  // Each file is asked about by the SOP class its meta header names, and only the wanted ones
  // come back: the other clip is never opened as a report.
  std::map<std::string, int> asked;
  const auto reports = detail::dicom_files_near(clip, [&](const std::string& sop_class) {
    ++asked[sop_class];
    return sop_class == UID_ComprehensiveSRStorage || sop_class == UID_EnhancedSRStorage;
  });
  EXPECT_EQ(reports.size(), 2u) << "both reports, the other clip's too (its reference is read later)";
  EXPECT_EQ(asked[UID_UltrasoundMultiframeImageStorage], 1) << "the other clip; the clip itself is not asked about";
  EXPECT_EQ(asked[UID_GrayscaleSoftcopyPresentationStateStorage], 2) << "the clip's, and the bare data set's";
  EXPECT_EQ(asked[""], 1) << "the file that is not DICOM: no meta header, no SOP class";
  EXPECT_TRUE(detail::dicom_files_near(clip, [](const std::string&) { return false; }).empty());
}

}  // namespace ft::dicom
