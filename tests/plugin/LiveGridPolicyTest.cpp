// The spacing of live tracked points, window by window (LiveGridPolicy): coarser while
// frames are skipped or tracking leaves no room, back when there is room for twice the
// points, never beyond the coarsest allowed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>

#include "LiveGridPolicy.h"
#include "WindowProgress.h"

namespace ft {

TEST(LiveGridPolicy, SkippedFramesMakeTheNextWindowCoarserUpToTheLimit) {
  LiveGridPolicy grid(0.5, 1.0);
  EXPECT_DOUBLE_EQ(grid.grid_mm(), 0.5);
  EXPECT_NEAR(grid.window_ended(3000, 3300, 40, false), 0.5 * std::sqrt(2.0), 1e-12) << "half the points";
  EXPECT_NEAR(grid.window_ended(3000, 3300, 10, false), 1.0, 1e-12);
  EXPECT_NEAR(grid.window_ended(3000, 3300, 10, false), 1.0, 1e-12) << "never beyond the coarsest spacing";
  EXPECT_DOUBLE_EQ(grid.asked_grid_mm(), 0.5);
}

TEST(LiveGridPolicy, ABusyWindowWithoutSkipsIsAlsoTooMuch) {
  LiveGridPolicy grid(0.5, 1.0);
  EXPECT_DOUBLE_EQ(grid.window_ended(0.5 * 3300, 3300, 0, false), 0.5) << "half the time tracking: stays";
  EXPECT_GT(grid.window_ended(0.9 * 3300, 3300, 0, false), 0.7) << "90 % of the time tracking: no room for the detector";
}

TEST(LiveGridPolicy, RoomForTwiceThePointsGoesOneStepBackButNotFinerThanAsked) {
  LiveGridPolicy grid(0.5, 1.0);
  grid.window_ended(3300, 3300, 5, false);
  grid.window_ended(3300, 3300, 5, false);
  ASSERT_NEAR(grid.grid_mm(), 1.0, 1e-12);
  EXPECT_NEAR(grid.window_ended(0.5 * 3300, 3300, 0, false), 1.0, 1e-12) << "twice the points would not fit";
  EXPECT_NEAR(grid.window_ended(0.2 * 3300, 3300, 0, false), 0.5 * std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(grid.window_ended(0.2 * 3300, 3300, 0, false), 0.5, 1e-12);
  EXPECT_NEAR(grid.window_ended(0.1 * 3300, 3300, 0, false), 0.5, 1e-12) << "never finer than asked";
}

TEST(LiveGridPolicy, AWindowEndedForLagIsFollowedByACoarserOneHoweverBusy) {
  LiveGridPolicy grid(0.5, 0.71);
  EXPECT_NEAR(grid.window_ended(0.1 * 300, 300, 0, true), 0.5 * std::sqrt(2.0), 1e-12)
      << "ended at its tenth frame for lag, tracking 10 % of the time: still behind";
}

// Judged before each frame of a window (LivePipeline): 150 ms is the live lag limit.
namespace {
WindowProgress progress(long frames_in_window, long judged_frames, double waited_ms, std::size_t queued_fewest,
                        std::size_t queued) {
  WindowProgress p;
  p.frames_in_window = frames_in_window;
  p.judged_frames = judged_frames;
  p.waited_ms = waited_ms;
  p.queued_fewest = queued_fewest;
  p.queued = queued;
  return p;
}
}  // namespace

TEST(WindowProgress, FramesThatWaitWhileTheQueueGrowsAreLagging) {
  const WindowProgress p = progress(12, 100, 200, 1, 4);
  EXPECT_TRUE(window_lagging(p, 150));
  EXPECT_TRUE(window_ends_early(p, 150));
  EXPECT_FALSE(window_lagging(progress(12, 100, 120, 1, 4), 150)) << "within the limit";
}

// Queued while a whole screen's held frames were tracked; the queue was full, and is
// draining: this grid keeps up.
TEST(WindowProgress, ABacklogLeftByTheWindowsFirstFrameDrainingIsNotLagging) {
  EXPECT_FALSE(window_lagging(progress(6, 100, 400, 3, 3), 150));
  WindowProgress p = progress(6, 100, 400, 3, 4);
  EXPECT_FALSE(window_lagging(p, 150)) << "a draining queue rises and falls by one";
  p.skipped = 1;
  EXPECT_TRUE(window_ends_early(p, 150)) << "a skip is behind, however long the wait";
}

// A queue left full by the window's first frame (8 of 8), drained to 1, then growing again
// to 5: lagging, although it never held more than at the start.
TEST(WindowProgress, AQueueGrowingAgainAfterDrainingIsLagging) {
  EXPECT_TRUE(window_lagging(progress(30, 100, 200, 1, 5), 150));
}

// A later window is judged before its first evaluation (10 frames).
TEST(WindowProgress, LagAfterTheJudgedFramesIsNotedButDoesNotEndTheWindow) {
  EXPECT_TRUE(window_lagging(progress(10, 10, 500, 0, 6), 150)) << "the grid policy hears of it";
  EXPECT_FALSE(window_ends_early(progress(10, 10, 500, 0, 6), 150));
  EXPECT_TRUE(window_ends_early(progress(9, 10, 500, 0, 6), 150));
}

// The default limit, 0.71 mm, is one step from 0.5 mm; a spacing asked for at or above it
// (the station's "fast" preset, 0.8 mm) is never made coarser.
TEST(LiveGridPolicy, TheCoarsestSpacingIsInMillimetresNotAFactor) {
  LiveGridPolicy fine(0.5, 0.71);
  EXPECT_NEAR(fine.window_ended(3300, 3300, 50, false), 0.5 * std::sqrt(2.0), 1e-12);
  EXPECT_TRUE(fine.at_coarsest());
  EXPECT_NEAR(fine.window_ended(3300, 3300, 50, false), 0.5 * std::sqrt(2.0), 1e-12);
  LiveGridPolicy fast(0.8, 0.71);
  EXPECT_TRUE(fast.at_coarsest());
  EXPECT_DOUBLE_EQ(fast.window_ended(3300, 3300, 50, false), 0.8);
  LiveGridPolicy none_measured(0.5, 0.71);
  EXPECT_DOUBLE_EQ(none_measured.window_ended(0, 0, 0, false), 0.5) << "a window of no time says nothing";
}

}  // namespace ft
