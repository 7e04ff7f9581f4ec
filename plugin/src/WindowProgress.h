#pragma once
// How the live analysis's current window is going, judged before each frame it tracks
// (LivePipeline): whether the tracking is behind the scanner (frames skipped, or lagging),
// and whether that comes early enough in the window that a new one should start coarser
// now (LiveGridPolicy) rather than skip or lag for the rest of this one.
#include <cstddef>

namespace ft {

struct WindowProgress {
  long frames_in_window = 0;     // tracked in it so far
  long judged_frames = 0;        // it may end early while frames_in_window is below this
  long skipped = 0;              // new frames skipped since it began
  double waited_ms = 0;          // the frame about to be tracked: its wait, counted from
                                 // when the window's first frame had been tracked
  std::size_t queued = 0;        // frames waiting now (the one about to be tracked taken out)
  std::size_t queued_fewest = 0; // the fewest waiting at any judgement since the window began
};

// The frame waited longer than lag_limit_ms while the queue grew by two or more from its
// lowest in this window. Waiting alone does not say the grid is too fine: the frames that
// queued behind the window's first frame (building its tracker; a whole screen's held
// frames and image search) drain at any speed, each waiting for those before it, and may
// leave the queue full. A queue that grows again from its lowest says the tracking is
// slower than the scanner. (Two, not one: a queue that drains rises and falls by one.)
inline bool window_lagging(const WindowProgress& p, double lag_limit_ms) {
  return p.waited_ms > lag_limit_ms && p.queued >= p.queued_fewest + 2;
}

// Whether to end the window now: behind (a skip, or lagging) within its judged frames.
inline bool window_ends_early(const WindowProgress& p, double lag_limit_ms) {
  return p.frames_in_window < p.judged_frames && (p.skipped > 0 || window_lagging(p, lag_limit_ms));
}

}  // namespace ft
