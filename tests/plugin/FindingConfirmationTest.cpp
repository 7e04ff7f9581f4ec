// Live findings are shown once two evaluations in a row of one window read them at the same place:
// one evaluation's reading of tracking noise is not a tear on the sonographer's screen.
#include <gtest/gtest.h>

#include "ft/plugin/FindingConfirmation.h"

namespace ft {
namespace {

TearFinding tear_at(double col_px, double row_px) {
  TearFinding f;
  f.centre_col_px = col_px;
  f.centre_row_px = row_px;
  f.centre_x_mm = 0.1 * col_px;
  f.centre_z_mm = 0.1 * row_px;
  f.grade = TearGrade::Partial;
  return f;
}

DetectionResult evaluation_reading(std::vector<TearFinding> findings) {
  DetectionResult r;
  r.mm_per_px_x = r.mm_per_px_y = 0.1;
  r.findings = std::move(findings);
  r.tear_detected = !r.findings.empty();
  r.conclusive = true;
  return r;
}

bool notes_say(const DetectionResult& r, const std::string& text) {
  for (const std::string& n : r.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(FindingConfirmation, ATearIsReportedOnceTheNextEvaluationReadsItAtTheSamePlace) {
  FindingConfirmation confirmation;
  DetectionResult first = evaluation_reading({tear_at(200, 100)});
  confirmation.confirm(first);
  EXPECT_FALSE(first.tear_detected);
  EXPECT_TRUE(first.findings.empty());
  EXPECT_FALSE(first.conclusive) << "a possible tear is no 'no tear'";
  EXPECT_EQ(first.inconclusive_reason, "a possible tear waits for the next frames to confirm it");
  EXPECT_TRUE(notes_say(first, "a possible tear at (20.0, 10.0) mm waits for the next frames")) << "where, in the notes";
  DetectionResult second = evaluation_reading({tear_at(230, 110)});  // 3.2 mm on: the same place
  confirmation.confirm(second);
  ASSERT_TRUE(second.tear_detected);
  ASSERT_EQ(second.findings.size(), 1u);
  EXPECT_EQ(second.findings.front().centre_col_px, 230) << "the newer reading is the one reported";
  EXPECT_TRUE(second.conclusive);
  EXPECT_FALSE(notes_say(second, "waits for the next frames"));
}

TEST(FindingConfirmation, AReadingElsewhereOrAfterAnEvaluationWithoutItConfirmsNothing) {
  FindingConfirmation confirmation;
  DetectionResult first = evaluation_reading({tear_at(200, 100)});
  confirmation.confirm(first);
  // 6 mm away, and a second tear beside the first place: only that one is confirmed.
  DetectionResult second = evaluation_reading({tear_at(260, 100), tear_at(202, 101)});
  confirmation.confirm(second);
  ASSERT_EQ(second.findings.size(), 1u);
  EXPECT_EQ(second.findings.front().centre_col_px, 202);
  EXPECT_TRUE(notes_say(second, "a possible tear at (26.0, 10.0) mm waits"));
  EXPECT_TRUE(second.conclusive) << "a confirmed tear stands beside one waiting";
  // An evaluation that reads nothing breaks the run: a later reading starts again.
  DetectionResult nothing = evaluation_reading({});
  confirmation.confirm(nothing);
  EXPECT_TRUE(nothing.conclusive) << "nothing read, nothing waiting: as the detector said";
  DetectionResult again = evaluation_reading({tear_at(202, 101)});
  confirmation.confirm(again);
  EXPECT_FALSE(again.tear_detected);
}

}  // namespace ft
