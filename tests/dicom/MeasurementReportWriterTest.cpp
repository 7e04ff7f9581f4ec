#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "TestSupport.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmsr/dsrdoc.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/MeasurementReportReader.h"
#include "ft/dicom/MeasurementReportWriter.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {
namespace {

// The report of one finding on a 4-frame simulated clip, checked by dciodvfy (where installed)
// and dumped by dsrdump: its path and the dump.
struct DumpedReport {
  std::string path, dump;
};
DumpedReport report_of(test::TempDir& dir, const DetectionResult& result) {
  const Clip clip = sim::SimulatedExam(sim::make_preset("full_tear", 9, 4)).render_clip();
  write_ultrasound_clip(clip, {}, dir.file("clip.dcm"));
  const std::string sr = dir.file("sr.dcm");
  write_measurement_report(dir.file("clip.dcm"), result, sr);
  EXPECT_EQ(test::dciodvfy_errors(sr), "");
  const test::CommandResult dump = test::run_command("dsrdump '" + sr + "'");
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  return {sr, dump.out};
}

}  // namespace

TEST(MeasurementReportWriter, WritesAValidTid1500ReportReferencingTheExactFrame) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("full_tear", 7, 4)).render_clip();
  ClipWriteOptions o;
  o.exam.patient_name = "DOE^JOHN";
  o.exam.patient_id = "P7";
  write_ultrasound_clip(clip, o, dir.file("clip.dcm"));
  DetectionResult result;
  TearFinding f;
  f.frame = 2;
  f.centre_col_px = 170.5;
  f.centre_row_px = 101.25;
  f.gap_mm = 4.62;
  f.gap_rest_mm = 1.53;
  f.retraction_mm = 1.55;
  f.extent_pct = 97.0;
  f.confidence = 0.93;
  f.grade = TearGrade::CompleteWithRetraction;
  result.findings.push_back(f);
  result.tear_detected = true;
  const std::string sr = dir.file("sr.dcm");
  const std::string uid = write_measurement_report(dir.file("clip.dcm"), result, sr);
  EXPECT_EQ(uid.rfind("2.25.", 0), 0u) << "our UID root";
  const DicomClipInfo clip_info = read_clip_info(dir.file("clip.dcm"));

  EXPECT_EQ(test::dciodvfy_errors(sr), "");
  const test::CommandResult dump = test::run_command("dsrdump '" + sr + "'");
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  const std::string& t = dump.out;
  EXPECT_NE(t.find("\"Imaging Measurement Report\""), std::string::npos);
  EXPECT_NE(t.find("Patient             : DOE^JOHN (#P7)"), std::string::npos) << t;
  EXPECT_NE(t.find("\"Gap along fibres at peak contraction\")=\"4.62\" (mm,UCUM"), std::string::npos) << t;
  EXPECT_NE(t.find("\"Gap along fibres at rest\")=\"1.53\" (mm,UCUM"), std::string::npos);
  EXPECT_NE(t.find("\"Retraction of each stump\")=\"1.55\" (mm,UCUM"), std::string::npos);
  EXPECT_NE(t.find("\"Extent across muscle thickness\")=\"97.00\" (%,UCUM"), std::string::npos);
  EXPECT_NE(t.find("(G3,99FIBRETRACK,\"Complete tear with retraction\")"), std::string::npos);
  EXPECT_NE(t.find("(POINT,170.5/101.25)"), std::string::npos) << t;
  EXPECT_NE(t.find("(USm image,,3)"), std::string::npos) << "frame 2 (0-based) is DICOM frame 3";
  EXPECT_NE(t.find("\"Algorithm Version\""), std::string::npos);
  // The report joins the clip's study and lists the clip as its evidence.
  const test::CommandResult meta = test::run_command("dcmdump +P StudyInstanceUID +P ReferencedSOPInstanceUID '" + sr + "'");
  EXPECT_NE(meta.out.find(clip_info.study_instance_uid), std::string::npos);
  EXPECT_NE(meta.out.find(clip_info.sop_instance_uid), std::string::npos);
}

// Without a calibration or a depth scale the analysis has no mm to trust: the report
// gives the gap as a share of the muscle's thickness and no mm at all, and stays valid.
TEST(MeasurementReportWriter, AnUncalibratedFindingCarriesNoMm) {
  test::TempDir dir;
  DetectionResult result;
  result.calibrated = false;
  result.mm_per_px_x = result.mm_per_px_y = 0.12;  // the speckle estimate the analysis ran at
  TearFinding f;
  f.frame = 1;
  f.gap_mm = 4.0;
  f.gap_rest_mm = 1.5;
  f.retraction_mm = 1.25;
  f.muscle_thickness_mm = 16.0;
  f.extent_pct = 100.0;
  f.confidence = 0.9;
  f.grade = TearGrade::CompleteWithRetraction;
  result.findings.push_back(f);
  result.tear_detected = true;
  const DumpedReport r = report_of(dir, result);
  EXPECT_EQ(r.dump.find("(mm,UCUM"), std::string::npos) << r.dump;
  EXPECT_NE(r.dump.find("\"Gap at peak contraction relative to muscle thickness\")=\"25"), std::string::npos) << r.dump;
  EXPECT_NE(r.dump.find("\"Extent across muscle thickness\")=\"100"), std::string::npos);
}

// A tear whose muscle thickness could not be measured has no extent and no grade number:
// the report leaves the extent out (never a negative share), says "not graded", and reads
// back the same way.
TEST(MeasurementReportWriter, ATearOfUnknownExtentIsNotGraded) {
  test::TempDir dir;
  DetectionResult result;
  result.calibrated = true;
  TearFinding f;
  f.frame = 1;
  f.gap_mm = 4.0;
  f.gap_rest_mm = 1.5;
  f.extent_pct = -1.0;
  f.muscle_thickness_mm = -1.0;
  f.grade = TearGrade::Ungraded;
  result.findings.push_back(f);
  result.tear_detected = true;
  const DumpedReport r = report_of(dir, result);
  EXPECT_EQ(r.dump.find("Extent across muscle thickness"), std::string::npos) << r.dump;
  EXPECT_EQ(r.dump.find("Muscle thickness at the finding"), std::string::npos) << "no thickness was measured";
  EXPECT_NE(r.dump.find("Tear, extent not measured"), std::string::npos) << r.dump;
  const StoredReport back = read_measurement_report(r.path);
  ASSERT_EQ(back.result.findings.size(), 1u);
  EXPECT_EQ(back.result.findings[0].grade, TearGrade::Ungraded);
  EXPECT_LT(back.result.findings[0].extent_pct, 0.0);
  EXPECT_EQ(describe_extent(back.result.findings[0]), "extent unknown");
}

// A partial tear whose end lies in muscle the tracker lost beside the aponeurosis may be
// complete: the report keeps the grade that was seen (G2) and the share beyond it that was not
// tracked, and reads back so, with or without a calibration (an uncalibrated report carries no
// retraction). Without that share nothing is added.
TEST(MeasurementReportWriter, APartialTearThatMayBeCompleteSaysHowMuchWasNotTracked) {
  const auto partial_tear = [](bool calibrated, double unseen_below_pct) {
    DetectionResult result;
    result.calibrated = calibrated;
    TearFinding f;
    f.frame = 1;
    f.gap_mm = 4.8;
    f.gap_rest_mm = 1.1;
    f.retraction_mm = 1.85;
    f.muscle_thickness_mm = 18.0;
    f.extent_pct = 87.8;
    f.extent_unseen_below_pct = unseen_below_pct;
    f.confidence = 0.99;
    f.grade = TearGrade::Partial;
    result.findings.push_back(f);
    result.tear_detected = true;
    return result;
  };
  for (const bool calibrated : {true, false}) {
    SCOPED_TRACE(calibrated ? "calibrated" : "uncalibrated");
    test::TempDir dir;
    const DumpedReport r = report_of(dir, partial_tear(calibrated, 12.2));
    EXPECT_NE(r.dump.find("\"Muscle not tracked between tear and deep aponeurosis\")=\"12.20\" (%,UCUM"),
              std::string::npos) << r.dump;
    EXPECT_EQ(r.dump.find("not tracked between tear and superficial"), std::string::npos) << "nothing lost above it";
    EXPECT_NE(r.dump.find("(G2,99FIBRETRACK,\"Partial tear\")"), std::string::npos);
    StoredReport back = read_measurement_report(r.path);
    ASSERT_EQ(back.result.findings.size(), 1u);
    EXPECT_DOUBLE_EQ(back.result.findings[0].extent_unseen_below_pct, 12.2);
    EXPECT_EQ(describe_grade(back.result.findings[0]), "partial tear (may be complete)");
    // Placed on its clip's region (the review), it says where to look, in mm only where calibrated.
    UltrasoundRegion region;
    region.bounds = {10, 20, 309, 419};
    region.mm_per_px_x = region.mm_per_px_y = 0.1;
    region.units_x = region.units_y = calibrated ? PhysicalUnits::Centimetre : PhysicalUnits::None;
    place_on_region(back.result, region);
    const std::vector<std::string>& notes = back.result.notes;
    const std::string note = describe_unseen_end(back.result.findings[0], back.result);
    EXPECT_NE(std::find(notes.begin(), notes.end(), note), notes.end());
    EXPECT_NE(note.find(calibrated ? "the last 2.2 mm of muscle before the deep aponeurosis" : "the last 12 % of the thickness"),
              std::string::npos) << note;
  }
  test::TempDir dir;
  EXPECT_EQ(report_of(dir, partial_tear(true, 0.0)).dump.find("not tracked between tear"), std::string::npos);
}

// A report with no finding says whether that "no tear" rests on enough: the Comment is all a
// reader in PACS sees. An inconclusive one says why, and reads back as such; a conclusive one, and
// every report written before, reads back conclusive.
TEST(MeasurementReportWriter, AReportWithNoFindingSaysWhenTheResultIsInconclusive) {
  for (const bool conclusive : {true, false}) {
    SCOPED_TRACE(conclusive ? "conclusive" : "inconclusive");
    test::TempDir dir;
    DetectionResult result;
    result.conclusive = conclusive;
    if (!conclusive) result.inconclusive_reason = "too little tissue tracked to rule a tear out";
    const DumpedReport r = report_of(dir, result);
    const test::CommandResult whole = test::run_command("dsrdump +Pl '" + r.path + "'");  // the Comment unshortened
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    if (conclusive)
      EXPECT_NE(whole.out.find("=\"No muscle fibre discontinuity opened under contraction.\""), std::string::npos) << whole.out;
    else
      EXPECT_NE(whole.out.find("=\"Inconclusive, a tear cannot be ruled out: too little tissue tracked to rule a tear out.\""),
                std::string::npos)
          << whole.out;
    EXPECT_EQ(r.dump.find("Inconclusive") != std::string::npos, !conclusive) << "the verdict first, in the shortened dump too";
    const StoredReport back = read_measurement_report(r.path);
    EXPECT_FALSE(back.result.tear_detected);
    EXPECT_EQ(back.result.conclusive, conclusive);
    EXPECT_EQ(describe_verdict(back.result), conclusive ? "no tear found" : "inconclusive: too little tissue tracked to rule a tear out");
  }
}

// A complete grade whose end stopped short of the fascia in muscle that moved without opening:
// the report keeps G3 and the share beyond the end (M012), and reads back as "may be partial"
// with the note that says where to look.
namespace {
// A calibrated result of one tear of `extent_pct` and `grade` across an 18 mm muscle; the
// caller sets the shares beyond its ends.
DetectionResult one_tear(double extent_pct, TearGrade grade, const std::function<void(TearFinding&)>& beyond_ends) {
  DetectionResult result;
  result.calibrated = true;
  TearFinding f;
  f.frame = 1;
  f.gap_mm = 4.1;
  f.gap_rest_mm = 1.7;
  f.retraction_mm = 1.2;
  f.muscle_thickness_mm = 18.0;
  f.extent_pct = extent_pct;
  f.confidence = 0.99;
  f.grade = grade;
  beyond_ends(f);
  result.findings.push_back(f);
  result.tear_detected = true;
  return result;
}
}  // namespace

TEST(MeasurementReportWriter, ACompleteTearThatMayBePartialSaysHowMuchMuscleMovedWithoutOpening) {
  test::TempDir dir;
  const DumpedReport r = report_of(dir, one_tear(90.7, TearGrade::CompleteWithRetraction,
                                                 [](TearFinding& f) { f.extent_spared_above_pct = 9.3; }));
  EXPECT_NE(r.dump.find("\"Tear end to superficial aponeurosis, tracked part unopened\")=\"9.30\" (%,UCUM"),
            std::string::npos) << r.dump;
  EXPECT_EQ(r.dump.find("Tear end to deep aponeurosis"), std::string::npos) << "the tear reaches the deep aponeurosis";
  StoredReport back = read_measurement_report(r.path);
  ASSERT_EQ(back.result.findings.size(), 1u);
  EXPECT_DOUBLE_EQ(back.result.findings[0].extent_spared_above_pct, 9.3);
  EXPECT_EQ(back.result.findings[0].grade, TearGrade::CompleteWithRetraction);
  EXPECT_EQ(describe_grade(back.result.findings[0]), "complete tear with retraction (may be partial)");
  UltrasoundRegion region;
  region.bounds = {10, 20, 309, 419};
  region.mm_per_px_x = region.mm_per_px_y = 0.1;
  region.units_x = region.units_y = PhysicalUnits::Centimetre;
  place_on_region(back.result, region);
  const std::vector<std::string>& notes = back.result.notes;
  EXPECT_NE(std::find(notes.begin(), notes.end(), describe_spared_end(back.result.findings[0], back.result)), notes.end());
}

// Every measurement of the muscle beyond a tear's ends at once: each concept's meaning fits its
// LO (64 characters; dciodvfy checks every report written here). "Muscle before the superficial
// aponeurosis not tracked beyond the tear" (69) was written so, unchecked, until now.
TEST(MeasurementReportWriter, EveryShareBeyondATearsEndsIsAValidConcept) {
  const DetectionResult result = one_tear(70.0, TearGrade::Partial, [](TearFinding& f) {
    f.extent_unseen_above_pct = 8.0;
    f.extent_unseen_below_pct = 7.0;
    f.extent_spared_above_pct = 9.0;
    f.extent_spared_below_pct = 6.0;
  });
  test::TempDir dir;
  const StoredReport back = read_measurement_report(report_of(dir, result).path);
  ASSERT_EQ(back.result.findings.size(), 1u);
  const TearFinding& b = back.result.findings[0];
  EXPECT_DOUBLE_EQ(b.extent_unseen_above_pct, 8.0);
  EXPECT_DOUBLE_EQ(b.extent_unseen_below_pct, 7.0);
  EXPECT_DOUBLE_EQ(b.extent_spared_above_pct, 9.0);
  EXPECT_DOUBLE_EQ(b.extent_spared_below_pct, 6.0);
}

TEST(MeasurementReportWriter, NoFindingIsReportedAsSuch) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("intact", 8, 3)).render_clip();
  write_ultrasound_clip(clip, {}, dir.file("clip.dcm"));
  DetectionResult clean;
  clean.conclusive = true;  // a "no tear" that rests on enough (else the Comment says inconclusive)
  write_measurement_report(dir.file("clip.dcm"), clean, dir.file("sr.dcm"));
  EXPECT_EQ(test::dciodvfy_errors(dir.file("sr.dcm")), "") << "a negative report is as valid as a positive one";
  const test::CommandResult dump = test::run_command("dsrdump '" + dir.file("sr.dcm") + "'");
  EXPECT_NE(dump.out.find("\"Comment\")=\"No muscle fibre"), std::string::npos) << dump.out;  // dsrdump shortens text
}

// A layer named for review is no finding: it goes under "Qualitative Evaluations" in the words
// the user was shown, with its place on its frame, and never into a measurement group a PACS
// reader would count as a finding. It reads back as a layer for review, the finding as one finding.
TEST(MeasurementReportWriter, ALayerForReviewIsReportedAsAQualitativeEvaluationNotAFinding) {
  test::TempDir dir;
  DetectionResult result;
  result.calibrated = true;
  result.mm_per_px_x = result.mm_per_px_y = 0.1;
  TearFinding f;
  f.frame = 1;
  f.centre_col_px = 120;
  f.centre_row_px = 80;
  f.gap_mm = 4.0;
  f.extent_pct = 100.0;
  f.grade = TearGrade::CompleteWithRetraction;
  result.findings.push_back(f);
  result.tear_detected = true;
  TearFinding layer;
  layer.frame = 2;
  layer.centre_col_px = 60.5;
  layer.centre_row_px = 140.25;
  layer.centre_x_mm = 6.0;
  layer.centre_z_mm = 9.5;
  result.for_review.push_back(layer);
  const DumpedReport r = report_of(dir, result);
  const std::string& t = r.dump;
  const std::size_t evaluations = t.find("\"Qualitative Evaluations\"");
  ASSERT_NE(evaluations, std::string::npos) << t;
  EXPECT_LT(t.find("\"Measurement Group\""), evaluations) << "the finding among the measurements, before";
  EXPECT_EQ(t.find("\"Measurement Group\"", evaluations), std::string::npos) << "the layer in no measurement group";
  EXPECT_NE(t.find("\"Layer for review, not a finding\")=\"for review, not a finding", evaluations), std::string::npos) << t;
  EXPECT_NE(t.find("(POINT,60.5/140.25)", evaluations), std::string::npos) << t;
  EXPECT_NE(t.find("(USm image,,3)", evaluations), std::string::npos) << "frame 2 (0-based) is DICOM frame 3";

  const StoredReport back = read_measurement_report(r.path);
  ASSERT_EQ(back.result.findings.size(), 1u) << "the layer is no finding";
  EXPECT_DOUBLE_EQ(back.result.findings[0].centre_col_px, 120.0) << "its point not overwritten by the layer's";
  EXPECT_EQ(back.result.findings[0].frame, 1);
  ASSERT_EQ(back.result.for_review.size(), 1u);
  EXPECT_DOUBLE_EQ(back.result.for_review[0].centre_col_px, 60.5);
  EXPECT_DOUBLE_EQ(back.result.for_review[0].centre_row_px, 140.25);
  EXPECT_EQ(back.result.for_review[0].frame, 2);
  ASSERT_FALSE(back.result.notes.empty());
  EXPECT_EQ(back.result.notes.front(), describe_layer_for_review(layer, result)) << "as the user was shown it";
  EXPECT_EQ(back.result.for_review[0].review_reason, ReviewReason::FaintLayer);

  // A layer named for review because it widens only within the fibres' angle error reads back so:
  // the viewer labels it by its reason.
  result.for_review[0].review_reason = ReviewReason::OpeningWithinAngleError;
  test::TempDir other;
  const StoredReport angle = read_measurement_report(report_of(other, result).path);
  ASSERT_EQ(angle.result.for_review.size(), 1u);
  EXPECT_EQ(angle.result.for_review[0].review_reason, ReviewReason::OpeningWithinAngleError);
  EXPECT_NE(angle.result.notes.front().find(why_only_for_review(ReviewReason::OpeningWithinAngleError)), std::string::npos);
}

// Another vendor's (or a later version's) item after the measurement groups, with a place of its
// own, is not taken for the last finding's: the reader leaves a group at the next container.
TEST(MeasurementReportReader, TakesNothingOutsideAFindingsGroupForTheFinding) {
  test::TempDir dir;
  DetectionResult result;
  TearFinding f;
  f.frame = 1;
  f.centre_col_px = 120;
  f.centre_row_px = 80;
  f.gap_mm = 4.0;
  f.grade = TearGrade::Partial;
  result.findings.push_back(f);
  result.tear_detected = true;
  result.for_review.push_back(f);  // a Qualitative Evaluations container to add to
  const DumpedReport r = report_of(dir, result);
  DcmFileFormat file;
  ASSERT_TRUE(file.loadFile(r.path.c_str()).good());
  DSRDocument doc;
  ASSERT_TRUE(doc.read(*file.getDataset()).good());
  DSRDocumentTree& tree = doc.getTree();
  ASSERT_GT(tree.gotoNamedNode(DSRCodedEntryValue("C0034375", "UMLS", "Qualitative Evaluations")), 0u);
  // Before our layer: an evaluation coded by someone else, inferred from a point on frame 4.
  ASSERT_GT(tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Code, DSRTypes::AM_belowCurrentBeforeFirstChild), 0u);
  ASSERT_TRUE(tree.getCurrentContentItem().setConceptName(DSRCodedEntryValue("121071", "DCM", "Finding")).good());
  ASSERT_TRUE(tree.getCurrentContentItem().setCodeValue(DSRCodedEntryValue("X1", "99OTHER", "Something else")).good());
  ASSERT_TRUE(tree.addChildContentItem(DSRTypes::RT_inferredFrom, DSRTypes::VT_SCoord,
                                       DSRCodedEntryValue("111030", "DCM", "Image Region")).good());
  DSRSpatialCoordinatesValue point(DSRTypes::GT_Point);
  point.getGraphicDataList().addItem(5.0f, 6.0f);
  ASSERT_TRUE(tree.getCurrentContentItem().setSpatialCoordinates(point).good());
  ASSERT_TRUE(tree.addChildContentItem(DSRTypes::RT_selectedFrom, DSRTypes::VT_Image,
                                       DSRCodedEntryValue("121112", "DCM", "Source of Measurement")).good());
  const DicomClipInfo clip = read_clip_info(dir.file("clip.dcm"));
  DSRImageReferenceValue image(clip.sop_class_uid.c_str(), clip.sop_instance_uid.c_str());
  image.getFrameList().addItem(4);
  ASSERT_TRUE(tree.getCurrentContentItem().setImageReference(image).good());
  DcmFileFormat changed;
  ASSERT_TRUE(doc.write(*changed.getDataset()).good());
  ASSERT_TRUE(changed.saveFile(r.path.c_str(), EXS_LittleEndianExplicit).good());

  const StoredReport back = read_measurement_report(r.path);
  ASSERT_EQ(back.result.findings.size(), 1u);
  EXPECT_DOUBLE_EQ(back.result.findings[0].centre_col_px, 120.0) << "not the other item's point";
  EXPECT_EQ(back.result.findings[0].frame, 1) << "nor its frame";
  EXPECT_EQ(back.result.for_review.size(), 1u);
}

}  // namespace ft::dicom
