// Live findings are shown once two evaluations in a row read them at the same place (where the
// tissue was in the window's first frame), and from then on wherever the session confirmed one:
// one evaluation's reading of tracking noise is not a tear on the sonographer's screen.
#include <gtest/gtest.h>

#include "ft/plugin/FindingConfirmation.h"

namespace ft {
namespace {

constexpr double kMmPerPx = 0.1;

TearFinding tear_at(double col_px, double row_px, int frame) {
  TearFinding f;
  f.centre_col_px = col_px;
  f.centre_row_px = row_px;
  f.centre_x_mm = kMmPerPx * col_px;
  f.centre_z_mm = kMmPerPx * row_px;
  f.grade = TearGrade::Partial;
  f.frame = frame;
  return f;
}

DetectionResult evaluation_reading(std::vector<TearFinding> findings) {
  DetectionResult r;
  r.mm_per_px_x = r.mm_per_px_y = kMmPerPx;
  r.findings = std::move(findings);
  r.tear_detected = !r.findings.empty();
  r.conclusive = true;
  return r;
}

// A window of `frames` frames over a 500 x 300 px image whose tissue moves `shift_px` to the
// right from each frame to the next.
MotionRecord window_moving(int frames, double shift_px) {
  MotionRecord m;
  for (int k = 0; k < frames; ++k) {
    DisplacementField u(26, 16, 0, 0, 20);
    std::fill(u.dx_px.begin(), u.dx_px.end(), float(k * shift_px));
    std::fill(u.valid.begin(), u.valid.end(), std::uint8_t(1));
    m.cumulative.push_back(u);
  }
  return m;
}

bool notes_say(const DetectionResult& r, const std::string& text) {
  for (const std::string& n : r.notes)
    if (n.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(FindingConfirmation, ATearIsReportedOnceTheNextEvaluationReadsItAtTheSamePlace) {
  const MotionRecord still = window_moving(30, 0.0);
  FindingConfirmation confirmation;
  DetectionResult first = evaluation_reading({tear_at(200, 100, 9)});
  confirmation.confirm(first, still, 0);
  EXPECT_FALSE(first.tear_detected);
  EXPECT_TRUE(first.findings.empty());
  EXPECT_FALSE(first.conclusive) << "a possible tear is no 'no tear'";
  EXPECT_EQ(first.inconclusive_reason, "a possible tear waits for the next frames to confirm it");
  EXPECT_TRUE(notes_say(first, "a possible tear at (20.0, 10.0) mm waits for the next frames")) << "where, in the notes";
  DetectionResult second = evaluation_reading({tear_at(230, 110, 19)});  // 3.2 mm on: the same place
  confirmation.confirm(second, still, 0);
  ASSERT_TRUE(second.tear_detected);
  ASSERT_EQ(second.findings.size(), 1u);
  EXPECT_EQ(second.findings.front().centre_col_px, 230) << "the newer reading is the one reported";
  EXPECT_TRUE(second.conclusive);
  EXPECT_FALSE(notes_say(second, "waits for the next frames"));
  // Without a scale the note gives pixels, as every other view does.
  DetectionResult elsewhere = evaluation_reading({tear_at(400, 200, 29)});
  elsewhere.calibrated = false;
  confirmation.confirm(elsewhere, still, 0);
  EXPECT_TRUE(notes_say(elsewhere, "a possible tear at pixel (400, 200) waits"));
}

TEST(FindingConfirmation, AReadingElsewhereConfirmsNothingAndAConfirmedPlaceStaysConfirmed) {
  const MotionRecord still = window_moving(60, 0.0);
  FindingConfirmation confirmation;
  DetectionResult first = evaluation_reading({tear_at(200, 100, 9)});
  confirmation.confirm(first, still, 0);
  // 6 mm away, and a second tear beside the first place: only that one is confirmed.
  DetectionResult second = evaluation_reading({tear_at(260, 100, 19), tear_at(202, 101, 19)});
  confirmation.confirm(second, still, 0);
  ASSERT_EQ(second.findings.size(), 1u);
  EXPECT_EQ(second.findings.front().centre_col_px, 202);
  EXPECT_TRUE(second.conclusive) << "a confirmed tear stands beside one waiting";
  // An evaluation that reads nothing says what the detector said; the place confirmed stays so.
  DetectionResult nothing = evaluation_reading({});
  confirmation.confirm(nothing, still, 0);
  EXPECT_TRUE(nothing.conclusive);
  DetectionResult again = evaluation_reading({tear_at(203, 100, 39)});
  confirmation.confirm(again, still, 0);
  EXPECT_TRUE(again.tear_detected) << "read again where the session confirmed a tear: no second wait";
  // The place read once at 6 mm, not read by the evaluation just before: it waits again.
  DetectionResult once_more = evaluation_reading({tear_at(260, 100, 49)});
  confirmation.confirm(once_more, still, 0);
  EXPECT_FALSE(once_more.tear_detected);
}

// A contracting muscle carries a tear several mm between two evaluations (each finds it on its own
// peak frame): its places are compared where the tissue was in the window's first frame.
TEST(FindingConfirmation, ATearCarriedByTheMuscleIsTheSamePlace) {
  const MotionRecord moving = window_moving(30, 4.0);  // 0.4 mm a frame: 8 mm between frames 9 and 29
  FindingConfirmation confirmation;
  DetectionResult first = evaluation_reading({tear_at(236, 100, 9)});  // first frame: x 200
  confirmation.confirm(first, moving, 0);
  DetectionResult second = evaluation_reading({tear_at(316, 100, 29)});  // first frame: x 200
  confirmation.confirm(second, moving, 0);
  EXPECT_TRUE(second.tear_detected) << "8 mm apart on their frames, the same tissue";
  // Frames numbered as the stream counts them: a window starting at frame 100.
  FindingConfirmation later;
  DetectionResult a = evaluation_reading({tear_at(236, 100, 109)});
  later.confirm(a, moving, 100);
  DetectionResult b = evaluation_reading({tear_at(316, 100, 129)});
  later.confirm(b, moving, 100);
  EXPECT_TRUE(b.tear_detected);
}

// A tear first read at a window's end is confirmed by the next window's first evaluation: the
// places go on, carried by the last window's motion to the next window's first frame.
TEST(FindingConfirmation, APlaceReadAtAWindowsEndIsConfirmedInTheNext) {
  const MotionRecord first_window = window_moving(100, 0.6);  // its last frame: 59.4 px on
  auto before = std::make_shared<FindingConfirmation>();
  DetectionResult last_of_first = evaluation_reading({tear_at(259, 100, 99)});  // first frame: x 200
  before->confirm(last_of_first, first_window, 0);
  EXPECT_FALSE(last_of_first.tear_detected);
  FindingConfirmation next(before, first_window.cumulative.back());
  const MotionRecord second_window = window_moving(20, 0.0);
  DetectionResult first_of_next = evaluation_reading({tear_at(260, 100, 109)});
  next.confirm(first_of_next, second_window, 100);
  EXPECT_TRUE(first_of_next.tear_detected);
  // Carried without the motion, the place would have stayed where the tissue was in the last
  // window's first frame (x 200), 6 mm from where the next window reads it.
  auto unmoved = std::make_shared<FindingConfirmation>();
  DetectionResult at_end = evaluation_reading({tear_at(259, 100, 99)});
  unmoved->confirm(at_end, first_window, 0);
  FindingConfirmation next_unmoved(unmoved, DisplacementField{});
  DetectionResult there = evaluation_reading({tear_at(260, 100, 109)});
  next_unmoved.confirm(there, second_window, 100);
  EXPECT_FALSE(there.tear_detected);
}

}  // namespace ft
