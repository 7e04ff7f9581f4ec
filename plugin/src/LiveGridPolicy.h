#pragma once
// How far apart live tracking places its points, window by window, so that every new
// scanner frame is tracked. Tracking costs about in proportion to the number of points;
// on a small computer the analysis grid (AnalysisSettings::grid_mm, 0.5 mm) cannot be
// tracked at 30 frames/s, and a frame skipped is motion lost for good (the next one must
// be matched across twice the motion). So when a window's frames were skipped or lagged, or tracking
// kept the analysis busy most of the time, the next window tracks points sqrt(2) times
// further apart (half the points), never beyond `coarsest_mm`; when a window left room for
// twice the points, the next goes one step back. A window's grid never changes inside it:
// its motion record is one grid.
namespace ft {

class LiveGridPolicy {
 public:
  // Share of a window's time spent tracking above which the next window is coarser (room
  // is left for the detector and the recording) ...
  static constexpr double kBusiestShare = 0.8;
  // ... and below which it is finer: twice the points would still keep it under 0.6, so
  // the grid does not swing back and forth from window to window.
  static constexpr double kFinerBelowShare = 0.3;
  LiveGridPolicy(double asked_grid_mm, double coarsest_mm);

  // At the end of a window: how long tracking its frames took, over how long they came
  // in, how many new frames were skipped meanwhile, and whether frames lagged (waited past
  // the live lag limit while the queue grew: WindowProgress.h), which says the tracking was
  // behind as surely as a skip. Returns the next window's spacing.
  double window_ended(double tracking_ms, double elapsed_ms, long skipped, bool lagged);
  double grid_mm() const noexcept { return grid_mm_; }
  bool at_coarsest() const noexcept { return steps_ == max_steps_; }
  double asked_grid_mm() const noexcept { return asked_mm_; }

 private:
  double asked_mm_;
  int steps_ = 0;      // sqrt(2) steps coarser than asked
  int max_steps_ = 0;
  double grid_mm_;
};

}  // namespace ft
