#pragma once
// How the live analysis's current window is going, judged before each frame it tracks
// (LivePipeline): whether it fell behind the scanner early enough that a new window should
// start coarser now (LiveGridPolicy) rather than skip or lag for the rest of this one.
#include <cstddef>

namespace ft {

struct WindowProgress {
  long frames_in_window = 0;        // tracked in it so far
  long judged_frames = 0;           // it may end early while frames_in_window is below this
  long skipped = 0;                 // new frames skipped since it began
  double waited_ms = 0;             // the frame about to be tracked: its wait, counted from
                                    // when the window's first frame had been tracked
  std::size_t queued = 0;           // frames waiting now
  std::size_t queued_at_begin = 0;  // frames waiting when its first frame had been tracked
};

enum class WindowBehind { No, Skipping, Lagging };

// Skipping: a new frame was skipped. Lagging: the frame waited longer than lag_limit_ms
// while more frames wait than when the window began. Waiting alone does not say the grid
// is too fine: the frames that queued behind the window's first frame (building its
// tracker, a whole screen's held frames and image search) drain at any speed, each
// waiting for those before it; a queue that grows says the tracking is slower than the
// scanner. (A queue already full cannot grow: its next overflow is a skip.)
inline WindowBehind window_behind(const WindowProgress& p, double lag_limit_ms) {
  if (p.frames_in_window >= p.judged_frames) return WindowBehind::No;
  if (p.skipped > 0) return WindowBehind::Skipping;
  if (p.waited_ms > lag_limit_ms && p.queued > p.queued_at_begin) return WindowBehind::Lagging;
  return WindowBehind::No;
}

}  // namespace ft
