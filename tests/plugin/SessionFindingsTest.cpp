// A live session keeps the strongest reading of each place: a complete tear found over a
// whole window still shows when the next window's first evaluations read it as partial.
#include <gtest/gtest.h>

#include "ft/plugin/SessionFindings.h"

namespace ft {
namespace {

TearFinding tear(double col_px, double row_px, TearGrade grade, double confidence, int frame) {
  TearFinding f;
  f.centre_col_px = col_px;
  f.centre_row_px = row_px;
  f.grade = grade;
  f.confidence = confidence;
  f.frame = frame;
  return f;
}

DetectionResult result_of(std::vector<TearFinding> findings, double mm_per_px = 0.1) {
  DetectionResult r;
  r.mm_per_px_x = r.mm_per_px_y = mm_per_px;
  r.findings = std::move(findings);
  r.tear_detected = !r.findings.empty();
  return r;
}

}  // namespace

TEST(SessionFindings, TheStrongestReadingOfAPlaceStaysWhenTheNextWindowReadsItWeaker) {
  SessionFindings session;
  session.add(result_of({tear(200, 100, TearGrade::Partial, 0.6, 40)}));
  session.add(result_of({tear(203, 102, TearGrade::CompleteWithRetraction, 0.9, 95)}));  // 0.36 mm away: the same place
  const DetectionResult next_window = result_of({tear(201, 100, TearGrade::Partial, 0.7, 103)});
  session.add(next_window);
  ASSERT_EQ(session.strongest().size(), 1u);
  EXPECT_EQ(session.strongest().front().grade, TearGrade::CompleteWithRetraction);
  EXPECT_EQ(session.strongest().front().frame, 95);
  // The panel shows the window's partial reading and, beside it, the session's complete one.
  ASSERT_EQ(session.stronger_than(next_window).size(), 1u);
  EXPECT_EQ(session.stronger_than(next_window).front().frame, 95);
  // Nothing found now: still there. Read as strongly again: nothing to add.
  EXPECT_EQ(session.stronger_than(result_of({})).size(), 1u);
  EXPECT_TRUE(session.stronger_than(result_of({tear(200, 101, TearGrade::CompleteWithRetraction, 0.95, 130)})).empty());
  EXPECT_TRUE(session.stronger_than(result_of({tear(200, 101, TearGrade::CompleteWithRetraction, 0.85, 130)})).empty())
      << "the same grade a little less sure is the same reading: not listed twice";
}

TEST(SessionFindings, PlacesFurtherApartThanTheToleranceAreKeptApart) {
  SessionFindings session(5.0);
  session.add(result_of({tear(200, 100, TearGrade::Partial, 0.6, 10), tear(260, 100, TearGrade::Minimal, 0.5, 10)}));  // 6 mm apart
  session.add(result_of({tear(249, 100, TearGrade::CompleteWithRetraction, 0.8, 30)}));  // 4.9 mm from the first, 1.1 from the second
  // It joins the first place it reaches, in the order found, and moves it to 249: 1.1 mm from the
  // second, which is then the same place, weaker, and goes (one tear is not listed twice).
  const auto kept = session.strongest();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].grade, TearGrade::CompleteWithRetraction);
  EXPECT_EQ(kept[0].centre_col_px, 249);
  // Where the place it comes near reads stronger, that reading is the one kept.
  SessionFindings both(5.0);
  both.add(result_of({tear(200, 100, TearGrade::Partial, 0.6, 10), tear(260, 100, TearGrade::CompleteWithRetraction, 0.9, 10)}));
  both.add(result_of({tear(249, 100, TearGrade::Partial, 0.8, 30)}));  // joins the first (4.9 mm), moves it 1.1 mm from the second
  ASSERT_EQ(both.strongest().size(), 1u);
  EXPECT_EQ(both.strongest()[0].grade, TearGrade::CompleteWithRetraction);
  EXPECT_EQ(both.strongest()[0].centre_col_px, 260);
  // The scale is the finders': at 0.2 mm/px the same 60 px are 12 mm.
  SessionFindings coarse(5.0);
  coarse.add(result_of({tear(200, 100, TearGrade::Partial, 0.6, 10)}, 0.2));
  coarse.add(result_of({tear(224, 100, TearGrade::Partial, 0.5, 20)}, 0.2));  // 4.8 mm: weaker, the place stays at 200
  coarse.add(result_of({tear(226, 100, TearGrade::Partial, 0.7, 20)}, 0.2));  // 5.2 mm from it: a place of its own
  EXPECT_EQ(coarse.strongest().size(), 2u);
  coarse.clear();
  EXPECT_TRUE(coarse.strongest().empty());
}

TEST(SessionFindings, GradeComesBeforeConfidence) {
  EXPECT_TRUE(stronger(tear(0, 0, TearGrade::CompleteWithRetraction, 0.5, 0), tear(0, 0, TearGrade::Partial, 0.99, 0)));
  EXPECT_TRUE(stronger(tear(0, 0, TearGrade::Partial, 0.5, 0), tear(0, 0, TearGrade::Ungraded, 0.99, 0)));
  EXPECT_TRUE(stronger(tear(0, 0, TearGrade::Ungraded, 0.5, 0), tear(0, 0, TearGrade::Minimal, 0.99, 0)));
  EXPECT_TRUE(stronger(tear(0, 0, TearGrade::Partial, 0.8, 0), tear(0, 0, TearGrade::Partial, 0.7, 0)));
  EXPECT_FALSE(stronger(tear(0, 0, TearGrade::Partial, 0.7, 0), tear(0, 0, TearGrade::Partial, 0.7, 0)));
}

// A partial reading that may be complete (its end in muscle the tracker lost beside the
// aponeurosis) outranks a plain partial one of the same place, whatever the confidence: a later
// window that happened to track that muscle better must not hide the doubt, nor show it as news.
TEST(SessionFindings, APartialTearThatMayBeCompleteOutranksAPlainPartialReading) {
  TearFinding doubtful = tear(200, 100, TearGrade::Partial, 0.6, 40);
  doubtful.extent_pct = 88.0;
  doubtful.extent_unseen_below_pct = 12.0;
  ASSERT_TRUE(may_be_complete(doubtful));
  TearFinding plain = tear(201, 100, TearGrade::Partial, 0.9, 103);
  plain.extent_pct = 88.0;
  EXPECT_TRUE(stronger(doubtful, plain));
  EXPECT_TRUE(stronger(tear(0, 0, TearGrade::CompleteWithRetraction, 0.5, 0), doubtful));
  SessionFindings session;
  session.add(result_of({doubtful}));
  const DetectionResult next_window = result_of({plain});
  session.add(next_window);
  ASSERT_EQ(session.strongest().size(), 1u);
  EXPECT_TRUE(may_be_complete(session.strongest().front()));
  ASSERT_EQ(session.stronger_than(next_window).size(), 1u);
  EXPECT_EQ(session.stronger_than(next_window).front().frame, 40);
}

}  // namespace ft
