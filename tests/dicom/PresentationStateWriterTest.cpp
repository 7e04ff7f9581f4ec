#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "TestSupport.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/core/Error.h"
#include "ft/dicom/PresentationStateReader.h"
#include "ft/dicom/PresentationStateWriter.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {

namespace {

// A 5-frame simulated tear written to dir/clip.dcm, and a partial tear found on its frame 3.
DetectionResult partial_tear_on_a_clip(test::TempDir& dir) {
  const Clip clip = sim::SimulatedExam(sim::make_preset("full_tear", 9, 5)).render_clip();
  write_ultrasound_clip(clip, {}, dir.file("clip.dcm"));
  DetectionResult result;
  TearFinding f;
  f.frame = 3;
  f.centre_col_px = 160;
  f.centre_row_px = 100;
  f.gap_mm = 4.0;
  f.extent_pct = 80;
  f.muscle_thickness_mm = 11;
  f.grade = TearGrade::Partial;
  f.confidence = 0.9;
  result.findings.push_back(f);
  result.tear_detected = true;
  return result;
}

}  // namespace

TEST(PresentationStateWriter, AnnotatesTheFindingsFrameAndPassesTheValidators) {
  test::TempDir dir;
  const DetectionResult result = partial_tear_on_a_clip(dir);
  const std::string pr = dir.file("pr.dcm");
  write_presentation_state(dir.file("clip.dcm"), result, pr);
  EXPECT_EQ(test::dciodvfy_errors(pr), "");
  const test::CommandResult check = test::run_command("dcmpschk '" + pr + "'");
  EXPECT_NE((check.out + check.err).find("Test passed"), std::string::npos) << check.out << check.err;
  const test::CommandResult dump = test::run_command("dcmdump '" + pr + "'");
  const DicomClipInfo clip_info = read_clip_info(dir.file("clip.dcm"));
  EXPECT_NE(dump.out.find(clip_info.sop_instance_uid), std::string::npos);
  EXPECT_NE(dump.out.find("IS [4]"), std::string::npos) << "finding frame 3 (0-based) is DICOM frame 4";
  EXPECT_NE(dump.out.find("partial tear: gap 4.0 mm"), std::string::npos);
  // Read back: it references the clip; outline and caliper on frame 3, the notice on all.
  const PresentationAnnotations back = read_presentation_state(pr);
  EXPECT_EQ(back.referenced_sop_instance_uids.count(clip_info.sop_instance_uid), 1u);
  int on_frame = 0, everywhere = 0;
  for (const auto& a : back.annotations) {
    if (a.frames == std::vector<int>{3}) ++on_frame;
    if (a.frames.empty()) ++everywhere;
  }
  EXPECT_GE(on_frame, 3) << "outline, caliper, label";
  EXPECT_GE(everywhere, 1) << "the decision-support notice";
  EXPECT_THROW(read_presentation_state(dir.file("clip.dcm")), Error);
  EXPECT_NE(dump.out.find("POLYLINE"), std::string::npos);
  EXPECT_NE(dump.out.find("decision support"), std::string::npos);
}

// The notice on every frame is what a PACS user sees over the clip: a "no tear" that rests on too
// little says it is inconclusive, and why; one that rests on enough says no discontinuity was found.
TEST(PresentationStateWriter, TheNoticeSaysWhenNoTearIsInconclusive) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("intact", 9, 3)).render_clip();
  write_ultrasound_clip(clip, {}, dir.file("clip.dcm"));
  for (const bool conclusive : {true, false}) {
    SCOPED_TRACE(conclusive ? "conclusive" : "inconclusive");
    DetectionResult result;
    result.conclusive = conclusive;
    if (!conclusive) result.inconclusive_reason = "too little tissue tracked to rule a tear out";
    const std::string pr = dir.file(conclusive ? "pr1.dcm" : "pr2.dcm");
    write_presentation_state(dir.file("clip.dcm"), result, pr);
    EXPECT_EQ(test::dciodvfy_errors(pr), "");
    std::string everywhere;
    for (const auto& a : read_presentation_state(pr).annotations)
      if (a.frames.empty()) everywhere += a.text + "\n";
    EXPECT_EQ(everywhere.find("no fibre discontinuity found") != std::string::npos, conclusive) << everywhere;
    EXPECT_EQ(everywhere.find("inconclusive: too little tissue tracked to rule a tear out") != std::string::npos, !conclusive)
        << everywhere;
  }
  // A notice longer than a Short Text (1024 characters) is cut there, and the object stays valid.
  DetectionResult wordy;
  wordy.conclusive = false;
  wordy.inconclusive_reason = std::string(1500, 'x');
  const std::string pr = dir.file("pr3.dcm");
  write_presentation_state(dir.file("clip.dcm"), wordy, pr);
  EXPECT_EQ(test::dciodvfy_errors(pr), "");
  for (const auto& a : read_presentation_state(pr).annotations)
    if (a.frames.empty()) {
      EXPECT_LE(a.text.size(), 1024u);
      EXPECT_EQ(a.text.substr(a.text.size() - 4), " ...");
    }
}

// A layer named for review is marked on its own frame by a ring and a label that says it is no
// finding, so that a physician reading the clip from PACS meets it where the viewer showed it;
// the notice on every frame says one is marked. Both validators pass.
TEST(PresentationStateWriter, MarksALayerForReviewOnItsFrameAsNoFinding) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("intact", 9, 5)).render_clip();
  write_ultrasound_clip(clip, {}, dir.file("clip.dcm"));
  DetectionResult result;
  TearFinding layer;
  layer.frame = 2;
  layer.centre_col_px = 150;
  layer.centre_row_px = 90;
  result.for_review.push_back(layer);
  const std::string pr = dir.file("pr.dcm");
  write_presentation_state(dir.file("clip.dcm"), result, pr);
  EXPECT_EQ(test::dciodvfy_errors(pr), "");
  const test::CommandResult check = test::run_command("dcmpschk '" + pr + "'");
  EXPECT_NE((check.out + check.err).find("Test passed"), std::string::npos) << check.out << check.err;
  const PresentationAnnotations back = read_presentation_state(pr);
  const PresentationAnnotation* ring = nullptr;
  const PresentationAnnotation* words = nullptr;
  bool notice = false;
  for (const auto& a : back.annotations) {
    if (a.frames == std::vector<int>{2} && a.text.empty()) ring = &a;
    if (a.frames == std::vector<int>{2} && a.text.find("not a finding") != std::string::npos) words = &a;
    if (a.frames.empty() && a.text.find("for review (not a finding) marked on frame 3") != std::string::npos) notice = true;
  }
  ASSERT_NE(ring, nullptr) << "a ring on frame 3";
  ASSERT_NE(words, nullptr) << "its label on frame 3";
  EXPECT_TRUE(notice) << "the notice on every frame names it";
  double min_px = 1e9, max_px = 0;  // every ring point about the same distance from the layer
  for (const auto& [x, y] : ring->points) {
    const double d = std::hypot(x - 150, y - 90);
    min_px = std::min(min_px, d);
    max_px = std::max(max_px, d);
  }
  const UltrasoundRegion region = read_clip_info(dir.file("clip.dcm")).analysis_region();
  EXPECT_NEAR(min_px, 4.0 / (0.5 * (region.mm_per_px_x + region.mm_per_px_y)), 0.5) << "4 mm around the layer";
  EXPECT_LT(max_px - min_px, 0.5);
  EXPECT_NE(words->text.find("(frame 3)"), std::string::npos) << words->text;
  // On a layer of its own, apart from the findings', so that a viewer shows and hides it apart.
  const test::CommandResult dump = test::run_command("dcmdump +P GraphicLayer +P 0070,0401 '" + pr + "'");
  EXPECT_NE(dump.out.find("FT_REVIEW"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("45534\\42362\\52298"), std::string::npos) << "orange, as CIELab: " << dump.out;
  EXPECT_EQ(test::run_command("dciodvfy '" + pr + "' 2>&1").out.find("Retired attribute"), std::string::npos);
}

// With a finding too, the notice on every frame still names the frame where a layer is marked
// (a mark on one frame flashes by in cine).
TEST(PresentationStateWriter, TheNoticeNamesTheLayersFrameBesideAFinding) {
  test::TempDir dir;
  DetectionResult result = partial_tear_on_a_clip(dir);
  TearFinding layer = result.findings.front();
  layer.frame = 1;
  layer.centre_col_px = 60;
  result.for_review.push_back(layer);
  const std::string pr = dir.file("pr.dcm");
  write_presentation_state(dir.file("clip.dcm"), result, pr);
  EXPECT_EQ(test::dciodvfy_errors(pr), "");
  bool named = false;
  for (const auto& a : read_presentation_state(pr).annotations)
    named |= a.frames.empty() && a.text.find("decision support") != std::string::npos &&
             a.text.find("marked on frame 2") != std::string::npos;
  EXPECT_TRUE(named);
}

}  // namespace ft::dicom
