#include "ft/plugin/LiveTearMonitor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ft/core/FascicleOrientation.h"
#include "ft/core/GapFollower.h"
#include "ft/core/TearDetector.h"
#include "ft/plugin/ImageRegionEstimate.h"

namespace ft {
namespace {

// Frames held to find the moving image before the first is analysed (the pipeline has
// dropped a grabber's repeats: twelve distinct frames), and read again from the end of each
// full window.
constexpr std::size_t kFramesToFindTheImage = 12;
// A new estimate replaces the image area only where an edge moved further than this (the
// sonographer changed depth or layout): the estimate's edges wander by a pixel or two from
// window to window, and each change rebuilds the tracker.
constexpr int kImageMovedPx = 8;

// The frames held to find the image are frames; the window's are shared.
const Frame& deref(const Frame& f) { return f; }
const Frame& deref(const std::shared_ptr<const Frame>& f) { return *f; }

bool moved(const PixelRect& a, const PixelRect& b) {
  return std::abs(a.x0_px - b.x0_px) > kImageMovedPx || std::abs(a.x1_px - b.x1_px) > kImageMovedPx ||
         std::abs(a.y0_px - b.y0_px) > kImageMovedPx || std::abs(a.y1_px - b.y1_px) > kImageMovedPx;
}

}  // namespace

LiveTearMonitor::LiveTearMonitor(UltrasoundRegion region, LiveSettings settings)
    : region_(region), settings_(settings), next_grid_mm_(settings.analysis.grid_mm), grid_mm_(settings.analysis.grid_mm) {
  // Findings only, every few frames: the evidence maps are for review and --explain.
  settings_.analysis.detection.record_evidence = settings.record_evidence;
}

// The same rules as a recorded clip (analyse_clip): the calibration, else the depth scale
// beside the image, else a speckle estimate that is not reported as mm; the tracking sized to
// the image's texture. Read again at every window: the sonographer may change the depth on the
// scanner mid-session. The tracker is made again only when what it tracks with changed.
void LiveTearMonitor::measure_scale(const Frame& frame) {
  const MeasurementScale scale = measurement_scale(frame, region_);
  const bool same_scale = tracker_ && scale.source == scale_.source && analysed_region_.bounds == region_.bounds &&
                          std::abs(scale.mm_per_px() - scale_.mm_per_px()) <= 0.01 * scale_.mm_per_px() &&
                          next_grid_mm_ == grid_mm_;
  read_texture(frame, same_scale);
  const MeasurementScale used = same_scale ? scale_ : scale;
  AnalysisSettings live = settings_.analysis;
  live.grid_mm = next_grid_mm_;
  const AnalysisSettings scaled = settings_at(live, used, texture_);
  // The detection's settings follow the texture alone too (the fascicles' grain); the tracker is
  // rebuilt only when its own parameters change.
  detection_ = scaled.detection;
  detection_.min_judged_strain = std::max(detection_.min_judged_strain, settings_.min_window_strain);
  if (same_scale && scaled.tracking.kernel_mm == tracker_->parameters().kernel_mm &&
      scaled.tracking.forward_backward_lateral_scale == tracker_->parameters().forward_backward_lateral_scale)
    return;
  sized_tracking_note_ = sized_tracking_note(live.tracking, scaled.tracking, used);
  scale_ = used;
  analysed_region_ = with_scale(region_, scale_);
  grid_mm_ = next_grid_mm_;
  // A GPU that failed (or failed its self-test) once this session is not tried again at
  // every change of depth: the session stays on the CPU and keeps saying why.
  if (tracker_ && !tracker_->backend_note().empty()) gpu_note_ = tracker_->backend_note();
  tracker_ = std::make_unique<gpu::SpeckleTracker>(scaled.tracking,
                                                   gpu_note_.empty() ? settings_.analysis.backend : gpu::Backend::Cpu);
  motion_.region = analysed_region_;
  motion_.mm_per_px_x = scale_.mm_per_px_x;
  motion_.mm_per_px_y = scale_.mm_per_px_y;
}

// The image's texture, read at every window. After a change of scale (the depth changed, or the
// first window) the first frame with texture to read decides (the probe may have been in the
// air). After that, a reading that would change whether the image is screen-like is taken only
// when the next window's agrees: one window of a probe half lifted (reverberation lines run side
// to side) does not resize the tracking nor change what a "no tear" concludes. Otherwise the
// texture read stays, and so does the tracker sized to it.
void LiveTearMonitor::read_texture(const Frame& frame, bool same_scale) {
  const TextureLengths now = measure_texture_lengths(frame, region_.bounds);
  if (!same_scale || !texture_.measured()) {
    texture_ = now;
    texture_turning_ = false;
    return;
  }
  if (!now.measured()) return;
  const bool turns = is_screen_like_texture(now, scale_) != is_screen_like_texture(texture_, scale_);
  if (turns && texture_turning_) texture_ = now;
  texture_turning_ = turns && !texture_turning_;
}

// The same rule as analyse_clip: the moving image inside the captured frame (text, scale and
// the scanner's menus around it stay still).
// Reads the last kFramesToFindTheImage of `frames`: a window in which the depth was changed
// would otherwise sum the activity of both layouts.
template <class Frames>
void LiveTearMonitor::find_the_image(const Frames& frames) {
  const Frame& first = deref(frames.front());
  const PixelRect whole{0, 0, first.width_px() - 1, first.height_px() - 1};
  const std::size_t from = frames.size() - std::min(frames.size(), kFramesToFindTheImage);
  const PixelRect found = estimate_image_region(int(frames.size() - from),
                                                [&](int k) { return deref(frames[from + std::size_t(k)]); }, whole);
  const bool first_estimate = region_.bounds == whole;
  // A window with too little motion shows no image: the area found before stays.
  if (found == whole || (!first_estimate && !moved(found, region_.bounds))) return;
  region_.bounds = found;
  region_note_ = "no image region from the source: " + taken_image_area(found);
}

void LiveTearMonitor::restart(const Frame& frame) {
  // The sonographer may change depth or layout on the scanner: the full window shows where
  // the image is now.
  const PixelRect image_before = analysed_region_.bounds;
  const double mm_per_px_before = scale_.mm_per_px();
  if (region_from_ == RegionFrom::Motion && window_.size() >= kFramesToFindTheImage) find_the_image(window_);
  measure_scale(frame);
  end_window_ = false;
  // The places read so far go on into the new window, carried there by this window's motion;
  // not across a change of depth or image area, after which the same pixels are other tissue.
  const bool same_image = analysed_region_.bounds == image_before && scale_.mm_per_px() == mm_per_px_before;
  if (settings_.confirm_findings)
    confirmation_ = confirmation_ && same_image && !motion_.cumulative.empty()
                        ? std::make_shared<FindingConfirmation>(confirmation_, motion_.cumulative.back())
                        : std::make_shared<FindingConfirmation>();
  window_.clear();
  motion_.cumulative.clear();
  lagrangian_ = std::make_unique<gpu::LagrangianTracker>(*tracker_, analysed_region_);
  lagrangian_->reset(frame);
  window_.push_back(std::make_shared<const Frame>(frame));
  motion_.cumulative.push_back(lagrangian_->cumulative());
  window_start_ = frames_seen_;
  // Every evaluation of this window reads the same frames: their fascicles are read once.
  // A new cache: evaluations of the last window may still be reading theirs.
  fascicles_ = std::make_shared<FascicleReadings>();
}

std::optional<DetectionResult> LiveTearMonitor::add_frame(const Frame& frame) {
  std::optional<WindowEvaluation> due = track_frame(frame);
  if (!due) return std::nullopt;
  latest_ = due->run();
  return latest_;
}

std::optional<WindowEvaluation> LiveTearMonitor::track_frame(const Frame& frame) {
  // A source with a calibration (OpenIGTLink's spacing, a grabber's calibration file) gives
  // the image itself; only a whole screen without one is searched.
  if (region_from_ == RegionFrom::NotYetKnown)
    region_from_ = region_.bounds == PixelRect{0, 0, frame.width_px() - 1, frame.height_px() - 1} &&
                           !region_.has_mm_calibration()
                       ? RegionFrom::Motion
                       : RegionFrom::Source;
  if (region_from_ == RegionFrom::Source || lagrangian_) return track(frame);
  // Not one frame is lost to the search: the held frames are tracked once the image is
  // found, and the last evaluation due among them is the one returned (it covers them all).
  first_frames_.push_back(frame);
  if (first_frames_.size() < kFramesToFindTheImage) return std::nullopt;
  find_the_image(first_frames_);
  std::optional<WindowEvaluation> last;
  for (const Frame& held : first_frames_)
    if (std::optional<WindowEvaluation> due = track(held)) last = std::move(due);
  first_frames_.clear();
  return last;
}

std::optional<WindowEvaluation> LiveTearMonitor::track(const Frame& frame) {
  if (window_full()) {
    restart(frame);
  } else {
    window_.push_back(std::make_shared<const Frame>(frame));
    motion_.cumulative.push_back(lagrangian_->add(frame));
  }
  ++frames_seen_;
  if (window_.size() < 3 || !evaluation_due()) return std::nullopt;
  return evaluation();
}

std::optional<WindowEvaluation> LiveTearMonitor::evaluation_at_end() const {
  if (!lagrangian_ || window_.size() < 3 || evaluation_due()) return std::nullopt;  // the last frame's ran
  return evaluation();
}

// Every update_every frames of a window, counted from its first.
bool LiveTearMonitor::evaluation_due() const { return (frames_seen_ - window_start_) % settings_.update_every == 0; }

// From the window frame it was found at to the newest, by its stumps' mean motion: the gap
// between them is fluid or churning echoes, not tracked, and the tissue beside it may be
// sliding (whole-frame px and region mm).
void LiveTearMonitor::move_with_its_stumps(TearFinding& f, const GapFollower& follower, long found_at) const {
  const long at = found_at - window_start_;
  if (at < 0 || at >= long(motion_.cumulative.size())) return;
  double dx_px = 0, dy_px = 0;
  follower.stumps_motion_px(motion_.cumulative[std::size_t(at)], motion_.cumulative.back(), dx_px, dy_px);
  f.centre_col_px += dx_px;
  f.centre_row_px += dy_px;
  f.centre_x_mm += dx_px * motion_.mm_per_px_x;
  f.centre_z_mm += dy_px * motion_.mm_per_px_y;
}

FollowedFindings LiveTearMonitor::findings_on_newest_frame(const DetectionResult& evaluated) const {
  FollowedFindings out;
  out.calibrated = evaluated.calibrated;
  out.mm_per_px_x = evaluated.mm_per_px_x;
  out.mm_per_px_y = evaluated.mm_per_px_y;
  if (!lagrangian_ || motion_.cumulative.empty() || evaluated.motion_frame0 != window_start_) return out;
  out.frame = window_start_ + long(motion_.cumulative.size()) - 1;
  const DisplacementField& field = motion_.cumulative.back();
  for (const TearFinding& found : evaluated.findings) {
    FollowedFinding f{found, found.gap_mm, false};
    if (!found.follower) {
      out.findings.push_back(std::move(f));
      continue;
    }
    // Drawn where its stumps are now, measured or not: a sliding probe carries it.
    f.now.frame = int(out.frame);
    move_with_its_stumps(f.now, *found.follower, found.frame);
    // Not measured on this frame: the gap as found, never as a closed gap (the rest gap the
    // gap-time curve puts on such frames).
    const std::optional<double> opening = found.follower->opening_mm(field);
    if (opening && std::isfinite(*opening)) {
      f.followed = true;
      f.now.gap_mm = found.follower->gap_mm(opening);
      // As the evaluation's: the stumps never retract by less than nothing.
      f.now.retraction_mm = std::max(0.0, 0.5 * (f.now.gap_mm - f.now.gap_rest_mm));
      // Each stump's share as the evaluation measured it at peak evidence.
      const double stumps = found.retraction_left_mm + found.retraction_right_mm;
      const double left_share = std::abs(stumps) > 1e-9 ? found.retraction_left_mm / stumps : 0.5;
      f.now.retraction_left_mm = 2.0 * f.now.retraction_mm * left_share;
      f.now.retraction_right_mm = 2.0 * f.now.retraction_mm * (1.0 - left_share);
    }
    out.findings.push_back(std::move(f));
  }
  return out;
}

WindowEvaluation LiveTearMonitor::evaluation() const {
  WindowEvaluation e;
  e.motion_ = motion_;
  e.frames_.assign(window_.begin(), window_.end());
  e.detection_ = detection_;
  e.fascicles_ = fascicles_;
  e.confirmation_ = confirmation_;
  e.window_start_ = window_start_;
  e.calibrated_ = scale_.trusted();
  if (!region_note_.empty()) e.notes_.push_back(region_note_);
  if (!scale_.note.empty()) e.notes_.push_back(scale_.note);
  if (const std::string note = screen_texture_note(texture_, scale_); !note.empty()) e.notes_.push_back(note);
  if (!sized_tracking_note_.empty()) e.notes_.push_back(sized_tracking_note_);
  e.elongated_texture_ = is_screen_like_texture(texture_, scale_);
  if (grid_mm_ > settings_.analysis.grid_mm * 1.001) {
    char note[200];
    std::snprintf(note, sizeof note,
                  "live tracking: points %.2g mm apart (%.2g mm asked): this computer could not track every "
                  "scanner frame at %.2g mm",
                  grid_mm_, settings_.analysis.grid_mm, settings_.analysis.grid_mm);
    e.notes_.push_back(note);
  }
  if (!tracker_->backend_note().empty()) e.notes_.push_back(tracker_->backend_note());
  else if (!gpu_note_.empty()) e.notes_.push_back(gpu_note_);
  return e;
}

}  // namespace ft
