// A finding as analyze --json writes it: mm only on a trusted scale; what could not be
// measured is null, never a number that reads as measured.
#include <gtest/gtest.h>

#include "ft/plugin/FindingJson.h"

namespace ft {
namespace {

TearFinding measured_finding() {
  TearFinding f;
  f.gap_mm = 5.0;
  f.gap_rest_mm = 1.0;
  f.extent_pct = 60.0;
  f.muscle_thickness_mm = 16.0;
  f.gap_by_frame_mm = {1.0, 5.0};
  return f;
}

}  // namespace

TEST(FindingJson, MmOnlyOnATrustedScaleAndPxAndSharesAlways) {
  MeasurementScale calibrated;
  calibrated.source = ScaleSource::Calibration;
  calibrated.mm_per_px_x = calibrated.mm_per_px_y = 0.1;
  const nlohmann::json in_mm = finding_json(measured_finding(), calibrated);
  EXPECT_DOUBLE_EQ(in_mm["gap_mm"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(in_mm["gap_px"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(in_mm["extent_pct"].get<double>(), 60.0);
  EXPECT_NEAR(in_mm["gap_of_thickness"].get<double>(), 5.0 / 16.0, 0.001);

  MeasurementScale estimated = calibrated;
  estimated.source = ScaleSource::SpeckleEstimate;
  const nlohmann::json in_px = finding_json(measured_finding(), estimated);
  EXPECT_TRUE(in_px["gap_mm"].is_null());
  EXPECT_TRUE(in_px["muscle_thickness_mm"].is_null());
  EXPECT_DOUBLE_EQ(in_px["gap_px"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(in_px["muscle_thickness_px"].get<double>(), 160.0);
}

// A layer for review says it is no finding and where it is: mm only on a trusted scale.
TEST(FindingJson, ALayerForReviewSaysItIsNoFindingAndWhereItIs) {
  TearFinding layer;
  layer.frame = 7;
  layer.centre_col_px = 120.5;
  layer.centre_row_px = 88;
  layer.centre_x_mm = 12.05;
  layer.centre_z_mm = 8.8;
  MeasurementScale calibrated;
  calibrated.source = ScaleSource::Calibration;
  calibrated.mm_per_px_x = calibrated.mm_per_px_y = 0.1;
  const nlohmann::json j = layer_for_review_json(layer, calibrated);
  EXPECT_EQ(j["kind"], "faint_layer");
  EXPECT_EQ(j["for_review_not_a_finding"], true);
  TearFinding within_angle_error = layer;
  within_angle_error.review_reason = ReviewReason::OpeningWithinAngleError;
  EXPECT_EQ(layer_for_review_json(within_angle_error, calibrated)["kind"], "opening_within_angle_error");
  EXPECT_EQ(j["frame"], 7);
  EXPECT_DOUBLE_EQ(j["center_px"][0].get<double>(), 120.5);
  EXPECT_DOUBLE_EQ(j["center_mm"][1].get<double>(), 8.8);
  EXPECT_FALSE(j.contains("gap_mm")) << "nothing measured that would read as a tear's";
  MeasurementScale estimated = calibrated;
  estimated.source = ScaleSource::SpeckleEstimate;
  EXPECT_TRUE(layer_for_review_json(layer, estimated)["center_mm"].is_null());
}

// A frame where the gap could not be read holds the rest gap in the curve: in the JSON it is
// null, not a gap that closed.
TEST(FindingJson, AGapTimeCurveIsNullWhereTheGapWasNotMeasured) {
  MeasurementScale calibrated;
  calibrated.source = ScaleSource::Calibration;
  calibrated.mm_per_px_x = calibrated.mm_per_px_y = 0.1;
  TearFinding f = measured_finding();
  f.gap_by_frame_mm = {1.0, 1.0, 5.0};
  f.gap_measured_by_frame = {1, 0, 1};
  const nlohmann::json j = finding_json(f, calibrated);
  ASSERT_EQ(j["gap_by_analysed_frame_mm"].size(), 3u);
  EXPECT_DOUBLE_EQ(j["gap_by_analysed_frame_mm"][0].get<double>(), 1.0) << "measured at rest: the rest gap is a reading";
  EXPECT_TRUE(j["gap_by_analysed_frame_mm"][1].is_null());
  EXPECT_TRUE(j["gap_by_analysed_frame_px"][1].is_null());
  EXPECT_DOUBLE_EQ(j["gap_by_analysed_frame_px"][2].get<double>(), 50.0);
  f.gap_measured_by_frame.clear();  // a finding read back from a file: every frame measured
  EXPECT_DOUBLE_EQ(finding_json(f, calibrated)["gap_by_analysed_frame_mm"][1].get<double>(), 1.0);
}

// The muscle's thickness could not be measured at the finding (the detector notes it): its
// extent, its thickness and the gap's share of it are unknown — null, not -1 % or 0 mm.
TEST(FindingJson, AnUnmeasuredThicknessLeavesExtentAndSharesNull) {
  TearFinding f = measured_finding();
  f.muscle_thickness_mm = -7.7;  // what a thickness fallback once gave
  f.extent_pct = -1.0;
  MeasurementScale calibrated;
  calibrated.source = ScaleSource::Calibration;
  const nlohmann::json j = finding_json(f, calibrated);
  EXPECT_TRUE(j["extent_pct"].is_null());
  EXPECT_TRUE(j["muscle_thickness_mm"].is_null());
  EXPECT_TRUE(j["muscle_thickness_px"].is_null());
  EXPECT_TRUE(j["gap_of_thickness"].is_null());
  EXPECT_DOUBLE_EQ(j["gap_mm"].get<double>(), 5.0) << "the gap itself was measured";
}

// A partial tear that may be complete says so, and how much beyond it was not followed (a
// share of the thickness, on any scale); one seen whole says neither.
TEST(FindingJson, APartialTearThatMayBeCompleteSaysSo) {
  TearFinding f = measured_finding();
  f.extent_pct = 87.8;
  f.retraction_mm = 1.6;
  f.grade = TearGrade::Partial;
  f.extent_unseen_below_pct = 12.2;
  const nlohmann::json j = finding_json(f, MeasurementScale{});
  EXPECT_EQ(j["grade"], 2);
  EXPECT_EQ(j["may_be_complete"], true);
  EXPECT_EQ(j["grade_text"], "partial tear (may be complete)");
  EXPECT_DOUBLE_EQ(j["extent_unseen_pct"]["deep"].get<double>(), 12.2);
  EXPECT_DOUBLE_EQ(j["extent_unseen_pct"]["superficial"].get<double>(), 0.0);
  f.extent_unseen_below_pct = 0.0;
  const nlohmann::json seen = finding_json(f, MeasurementScale{});
  EXPECT_EQ(seen["may_be_complete"], false);
  EXPECT_EQ(seen["grade_text"], "partial tear");
  EXPECT_EQ(seen["may_be_partial"], false);
}

// A complete grade whose end stopped in muscle that moved without opening may be partial, and
// says how much of the thickness lay beyond that end.
TEST(FindingJson, ACompleteTearThatMayBePartialSaysSo) {
  TearFinding f = measured_finding();
  f.extent_pct = 90.7;
  f.retraction_mm = 1.2;
  f.grade = TearGrade::CompleteWithRetraction;
  f.extent_spared_above_pct = 9.3;
  const nlohmann::json j = finding_json(f, MeasurementScale{});
  EXPECT_EQ(j["grade"], 3);
  EXPECT_EQ(j["may_be_partial"], true);
  EXPECT_EQ(j["may_be_complete"], false);
  EXPECT_EQ(j["grade_text"], "complete tear with retraction (may be partial)");
  EXPECT_DOUBLE_EQ(j["extent_spared_pct"]["superficial"].get<double>(), 9.3);
  EXPECT_DOUBLE_EQ(j["extent_spared_pct"]["deep"].get<double>(), 0.0);
}

TEST(FindingJson, ATinyNegativeValueIsWrittenAsZeroNotMinusZero) {
  // A strain of -0.0001 rounds to zero: the strain-time curve showed it as "-0.0".
  EXPECT_EQ(nlohmann::json(json_rounded(-0.0001)).dump(), "0.0");
  EXPECT_EQ(json_measured(-0.0004).dump(), "0.0");
  EXPECT_EQ(json_measured(-0.0006).dump(), "-0.001");
}

}  // namespace ft
