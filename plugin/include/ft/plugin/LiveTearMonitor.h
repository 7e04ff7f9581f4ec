#pragma once
// Tear detection on frames as they arrive. Each frame is tracked once (constant cost);
// findings are re-evaluated every `update_every` frames over the frames since the
// window started, so their latency is bounded by the window, not by the session. When
// the window is full it starts again from the current frame: a contraction longer
// than the window is judged in pieces. An evaluation runs here (add_frame) or is handed to
// another thread (track_frame), and tracking goes on while the detector reads the window. A source that gives no image region (a frame
// grabber without calibration captures the whole screen) has the moving image found in its
// first frames, as a recorded clip does, and again from each full window.
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ft/core/FascicleReadings.h"
#include "ft/core/MotionRecord.h"
#include "ft/core/TearFinding.h"
#include "ft/gpu/LagrangianTracker.h"
#include "ft/gpu/SpeckleTracker.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/plugin/MeasurementScale.h"
#include "ft/plugin/WindowEvaluation.h"

namespace ft {

// One finding of an evaluation as the newest tracked frame shows it (LiveTearMonitor::
// findings_on_newest_frame).
struct FollowedFinding {
  // On that frame: its place moved with its stumps, and when `followed` its gap and retraction
  // read there; a finding with no follower as the evaluation found it.
  TearFinding now;
  double peak_gap_mm = 0.0;  // the gap the evaluation measured (at peak evidence)
  // Its gap read on the frame. False for a finding with no follower (a fluid layer read on the
  // image alone) and on a frame where the deformation of the muscle around the gap could not be
  // measured (too few points, folded or collapsed): its gap is then shown as found, not as closed.
  // Tracking lost at the stumps is not told apart here (nor in the detector's gap-time curve):
  // the tracker's interpolated motion is read as it is.
  bool followed = false;
};

// An evaluation's findings on the newest frame, with the scale they are measured at.
struct FollowedFindings {
  long frame = 0;  // the newest tracked frame, counted as the monitor tracks them (LiveView::processed_index)
  std::vector<FollowedFinding> findings;
  bool calibrated = false;  // as the evaluation's DetectionResult: mm to report, or px
  double mm_per_px_x = 0.0, mm_per_px_y = 0.0;
  bool any_followed() const {
    for (const FollowedFinding& f : findings)
      if (f.followed) return true;
    return false;
  }
};

struct LiveSettings {
  AnalysisSettings analysis;
  int update_every = 10;   // frames between re-evaluations
  int window_frames = 100;  // frames one evaluation looks at, at most (a few contractions)
  // How far apart live tracking may place its points when the computer cannot track every
  // scanner frame at analysis.grid_mm (LivePipeline chooses per window, in sqrt(2) steps
  // from the asked spacing, never beyond this). 0.71 mm is one step from 0.5 mm and the
  // coarsest measured: on the development set 2000-2001 with exam conditions
  // (bench_detection --grid-mm) it kept sensitivity and specificity at 1.00, while 1.0 mm
  // missed two tears of ten. A spacing asked for at or above it is never changed.
  double coarsest_grid_mm = 0.71;
  // A frame that waited longer than this before its tracking began, counted from when its
  // window's first frame had been tracked, while more frames wait than then (WindowProgress.h):
  // early in a window the live view lags the probe, and a new window starts coarser, as it
  // does when a frame is skipped. 150 ms: the frame-in to findings latency asked of live
  // analysis (the wait is part of it).
  double lag_limit_ms = 150;
  // Less fibre shortening than this over a window is no contraction to judge a tear by
  // (DetectionSettings::min_judged_strain; a recorded clip's is the detector's 1 %). A live window
  // begins wherever the last ended: with the muscle relaxed, held in a contraction or moved
  // passively, and its first evaluation reads ten frames. On the 32 recordings of healthy muscle,
  // windows that read 1-4 % shortening read tracking noise as tears evaluation after evaluation (an
  // isometric contraction held, a passive range of motion); the exam's contractions shorten fibres
  // 20-40 %, and the recordings' whole clips read 11.5-40 %. 4 % was set knowing those recordings,
  // with a thin margin: their worst such window read 3.8 %, and one read 4.5-5 % through the
  // real-time pipeline (a passive motion). Through the simulator's wide beam tracking reads a whole
  // contraction's 27-38 % as 4-6 %, so a scanner like it may have most live windows judged "no
  // contraction" (docs/benchmarks.md, "Live monitoring on the real recordings").
  double min_window_strain = 0.04;
  // Findings confirmed by the next evaluation of their window before they are reported
  // (FindingConfirmation). Benchmarks turn it off to compare.
  bool confirm_findings = true;
  // Each evaluation's evidence (the candidates and the maps, as --explain writes them). Off live:
  // the maps cost time every few frames; the benchmarks turn it on to read why a finding was made.
  bool record_evidence = false;
};

class LiveTearMonitor {
 public:
  LiveTearMonitor(UltrasoundRegion region, LiveSettings settings = {});

  // Adds the next frame; returns new findings when an evaluation ran on this frame.
  std::optional<DetectionResult> add_frame(const Frame& frame);
  // Tracks the next frame; returns the evaluation due at it, for the caller to run (on
  // any thread, after the evaluations it returned before). latest() is not updated.
  std::optional<WindowEvaluation> track_frame(const Frame& frame);
  // The evaluation of the window as it stands, when its last frames came after the last one
  // due (a replayed clip that has ended: its final frames are read too); none otherwise.
  std::optional<WindowEvaluation> evaluation_at_end() const;
  const DetectionResult& latest() const noexcept { return latest_; }
  // The findings of `evaluated`, an evaluation of the current window, on the newest tracked
  // frame: each one read there by its follower (GapFollower): the gap and the retraction there,
  // the centre moved with its two stumps, `frame` that frame; or, where it cannot be read there,
  // as the evaluation found it (FollowedFinding::followed). Extent, grade and confidence stay
  // the evaluation's: only an evaluation judges those again. No findings for another window's
  // evaluation (its positions are in that window's first frame).
  FollowedFindings findings_on_newest_frame(const DetectionResult& evaluated) const;
  // Points `grid_mm` apart from the next window on (the current one keeps its grid).
  void set_grid_mm(double grid_mm) noexcept { next_grid_mm_ = grid_mm; }
  // The spacing of the current window's points, mm (as asked until the first frame).
  double grid_mm() const noexcept { return grid_mm_; }
  // Whether the next frame starts a new window (the last chance to set its grid); also true
  // while the first frames are held to find the image.
  bool window_full() const noexcept {
    return !lagrangian_ || end_window_ || int(window_.size()) >= settings_.window_frames;
  }
  // Starts a new window at the next frame (to change the grid early in a window).
  void end_window() noexcept { end_window_ = true; }
  long window_start() const noexcept { return window_start_; }
  long frames_seen() const noexcept { return frames_seen_; }
  // Where the tissue of the window's first frame is now (for the live overlay); an empty
  // field before the first frame is analysed (frames held while the image is looked for).
  const DisplacementField& latest_field() const {
    static const DisplacementField none;  // immutable: the answer for "nothing tracked yet"
    return motion_.cumulative.empty() ? none : motion_.cumulative.back();
  }
  double mm_per_px_x() const noexcept { return motion_.mm_per_px_x; }
  double mm_per_px_y() const noexcept { return motion_.mm_per_px_y; }
  // Where the mm come from (read at the first frame of every window).
  const MeasurementScale& scale() const noexcept { return scale_; }
  // The image area analysed (the source's region, or the moving image found in the frames).
  const UltrasoundRegion& region() const noexcept { return analysed_region_; }
  // What the current window is tracked with (sized to the image's texture, settings_at); the
  // defaults before the first frame is analysed.
  gpu::TrackingParameters tracking() const { return tracker_ ? tracker_->parameters() : gpu::TrackingParameters{}; }
  // What the current window's detection runs with (settings_at: the evidence asked for at this
  // scale, the grain fascicles are read along); the defaults before the first frame is analysed.
  const DetectionSettings& detection() const noexcept { return detection_; }

 private:
  std::optional<WindowEvaluation> track(const Frame& frame);
  WindowEvaluation evaluation() const;
  bool evaluation_due() const;
  void restart(const Frame& frame);
  void measure_scale(const Frame& frame);
  void read_texture(const Frame& frame, bool same_scale);
  void move_with_its_stumps(TearFinding& f, const GapFollower& follower, long found_at) const;
  template <class Frames>
  void find_the_image(const Frames& frames);

  // Whether the source's region is the image, or the whole captured frame (known at the first frame).
  enum class RegionFrom { NotYetKnown, Source, Motion };
  RegionFrom region_from_ = RegionFrom::NotYetKnown;
  std::vector<Frame> first_frames_;  // held until the moving image is found in them
  std::string region_note_;
  UltrasoundRegion region_;
  MeasurementScale scale_;
  // The image's texture (read_texture): the screen-texture note, the conclusion's limit and the
  // tracking's size come from it.
  TextureLengths texture_;
  bool texture_turning_ = false;     // the last window read it screen-like where texture_ is not, or the reverse
  std::string sized_tracking_note_;  // how the tracking was sized to texture_ ("" where it was not)
  UltrasoundRegion analysed_region_;  // region_ with scale_
  DetectionSettings detection_;       // settings_'s, stricter when scale_ is a guess
  LiveSettings settings_;
  double next_grid_mm_;  // for the next window
  double grid_mm_;       // of the current window
  bool end_window_ = false;
  std::unique_ptr<gpu::SpeckleTracker> tracker_;
  std::string gpu_note_;  // why this session left the GPU, once it has
  std::unique_ptr<gpu::LagrangianTracker> lagrangian_;
  std::deque<std::shared_ptr<const Frame>> window_;  // shared with the evaluations of it
  MotionRecord motion_;
  std::shared_ptr<FascicleReadings> fascicles_;  // read on the window's frames, each once
  std::shared_ptr<FindingConfirmation> confirmation_;  // the places read and confirmed, carried window to window
  long window_start_ = 0;  // stream index of the window's first frame
  long frames_seen_ = 0;
  DetectionResult latest_;
};

}  // namespace ft
