#include "ft/plugin/ClipAnalysis.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "FrameDifference.h"
#include "ft/core/Error.h"
#include "ft/gpu/LagrangianTracker.h"
#include "ft/gpu/SpeckleTracker.h"
#include "ft/plugin/ImageRegionEstimate.h"
#include "ft/plugin/MeasurementScale.h"

namespace ft {

AnalysisSettings settings_at(AnalysisSettings settings, const MeasurementScale& scale, const TextureLengths& texture) {
  settings.tracking.grid_step_px = std::max(2, int(std::lround(settings.grid_mm / scale.mm_per_px())));
  if (!scale.trusted()) {  // the mm scale is a guess: ask for clearer evidence
    settings.detection.min_opening_mm *= 1.5;
    settings.detection.min_evidence_area_mm2 *= 1.5;
  }
  const bool screen_like = is_screen_like_texture(texture, scale);
  if (settings.tracking_sized_to_texture && screen_like) size_tracking_to_texture(settings.tracking, texture, scale);
  // Unless turned off, fascicles are read along such grain (in px, as the lines are laid). Below, the
  // reading keeps its 6 mm lines: it was built on speckle like the presets', and one elongation for
  // the frame over-corrects a beam focused at one depth, whose grain lengthens away from the focus.
  if (settings.fascicles_along_grain && screen_like) settings.detection.fascicle_grain_elongation = texture.elongation();
  return settings;
}

void size_tracking_to_texture(gpu::TrackingParameters& tracking, const TextureLengths& texture,
                              const MeasurementScale& scale) {
  // Our speckle fits about four lengths in the default template (19 px over 3.9-5.9 px); three
  // here. In the tracker's own mm (one scale for both axes): the template is 3 lengths in px.
  tracking.kernel_mm = std::max(tracking.kernel_mm, 3.0 * texture.lateral_px * scale.mm_per_px());
  // In px, as the match sees it (which images are screens is judged in mm, is_screen_like_texture).
  const double across = std::clamp(1.0 + 2.0 * (texture.elongation() - kScreenTextureElongation), 1.0, 3.0);
  tracking.forward_backward_lateral_scale = std::max(tracking.forward_backward_lateral_scale, across);
}

std::string sized_tracking_note(const gpu::TrackingParameters& unsized, const gpu::TrackingParameters& sized,
                                const MeasurementScale& scale) {
  const double mm = scale.mm_per_px();
  // The template as the tracker makes it (kernel_mm rounded to whole px, capped at 33).
  auto side_px = [&](const gpu::TrackingParameters& p) { return 2 * gpu::make_geometry(p, mm, 0, 0).kernel_half_px + 1; };
  const bool larger = side_px(sized) != side_px(unsized);
  const bool looser = sized.forward_backward_lateral_scale != unsized.forward_backward_lateral_scale;
  if (!larger && !looser) return "";
  std::string what;
  if (larger) {
    char area[80];
    if (scale.trusted()) std::snprintf(area, sizeof area, "larger areas (%.1f mm across)", side_px(sized) * mm);
    else std::snprintf(area, sizeof area, "larger areas (%d px across)", side_px(sized));
    what = std::string("matched over ") + area;
  }
  if (looser) what += std::string(larger ? ", and " : "") + "checked less strictly side to side";
  std::string text = "for this smeared image the tracking was adjusted (" + what + ")";
  if (larger) text += ": motion and layers thinner than the matched area are measured less precisely";
  return text;
}

bool is_screen_like_texture(const TextureLengths& texture, const MeasurementScale& scale) {
  return texture.measured() && texture.elongation(scale.mm_per_px_x, scale.mm_per_px_y) >= kScreenTextureElongation;
}

std::string screen_texture_note(const TextureLengths& texture, const MeasurementScale& scale) {
  if (!is_screen_like_texture(texture, scale)) return "";
  const double elongation = texture.elongation(scale.mm_per_px_x, scale.mm_per_px_y);
  char text[400];
  std::snprintf(text, sizeof text,
                "the image's texture runs %.1f times longer side to side than in depth, as in the screen-captured "
                "clips on which little of the muscle could be tracked; if this clip was captured from the scanner's "
                "screen or video output, the scanner's own cine export may track better",
                elongation);
  return text;
}

void limit_conclusion_on_elongated_texture(DetectionResult& result) {
  if (result.tear_detected || !result.conclusive) return;
  result.conclusive = false;
  result.inconclusive_reason =
      "the image is smeared side to side as screen-captured clips are, and on such images the detector misses most tears";
}

std::vector<int> distinct_frames(int frame_count, const FrameAt& frame_at, const PixelRect& region, double threshold) {
  std::vector<int> kept;
  if (frame_count <= 0) return kept;
  std::vector<double> change(std::size_t(frame_count), 0.0);
  Frame previous = frame_at(0);
  for (int k = 1; k < frame_count; ++k) {
    Frame current = frame_at(k);
    change[std::size_t(k)] = mean_abs_difference(previous, current, region, 2);
    previous = std::move(current);
  }
  // Typical change between distinct frames: the upper half of all changes (a clip may
  // hold more repeats than new frames, e.g. 21 frames/s captured at 60).
  std::vector<double> sorted(change.begin() + 1, change.end());
  std::sort(sorted.begin(), sorted.end());
  const double typical = sorted.empty() ? 0.0 : sorted[sorted.size() * 3 / 4];
  kept.push_back(0);
  for (int k = 1; k < frame_count; ++k)
    if (change[std::size_t(k)] > threshold * typical) kept.push_back(k);
  return kept;
}

ClipAnalysis analyse_clip(int frame_count, const FrameAt& frame_at, const UltrasoundRegion& given_region,
                          const AnalysisSettings& settings) {
  ClipAnalysis out;
  if (frame_count <= 0) throw Error(ErrorCode::InvalidArgument, "a clip with no frames cannot be analysed");
  UltrasoundRegion region = given_region;
  out.kept_frames = distinct_frames(frame_count, frame_at, given_region.bounds, settings.repeat_threshold);
  if (int(out.kept_frames.size()) < frame_count)
    out.warnings.push_back(std::to_string(frame_count - int(out.kept_frames.size())) +
                           " frames with no new image content dropped (frame-grabber repeats or still frames)");
  const FrameAt kept_at = [&](int k) { return frame_at(out.kept_frames[std::size_t(k)]); };
  const int n = int(out.kept_frames.size());
  const Frame first = frame_at(0);
  if (region.bounds == PixelRect{0, 0, first.width_px() - 1, first.height_px() - 1}) {
    // No image region given: find the moving image inside the captured screen (after
    // the repeats are gone, which would look still).
    region.bounds = estimate_image_region(n, kept_at, region.bounds);
    if (!(region.bounds == given_region.bounds))
      out.warnings.push_back("no image region in the file: " + taken_image_area(region.bounds));
  }
  out.region = region;

  // The first frame is the first kept one (distinct_frames keeps it): decoded once, read for
  // the scale and the texture.
  out.scale = measurement_scale(first, region);
  if (!out.scale.note.empty()) out.warnings.push_back(out.scale.note);
  const TextureLengths texture = measure_texture_lengths(first, region.bounds);
  if (const std::string note = screen_texture_note(texture, out.scale); !note.empty()) out.warnings.push_back(note);
  const UltrasoundRegion analysed = with_scale(region, out.scale);
  out.motion.region = analysed;
  out.motion.mm_per_px_x = analysed.mm_per_px_x;
  out.motion.mm_per_px_y = analysed.mm_per_px_y;

  const AnalysisSettings scaled = settings_at(settings, out.scale, texture);
  if (const std::string note = sized_tracking_note(settings.tracking, scaled.tracking, out.scale); !note.empty())
    out.warnings.push_back(note);
  gpu::SpeckleTracker tracker(scaled.tracking, settings.backend);
  gpu::LagrangianTracker lagrangian(tracker, analysed);
  lagrangian.reset(kept_at(0));
  out.motion.cumulative.push_back(lagrangian.cumulative());
  const auto t0 = std::chrono::steady_clock::now();
  for (int k = 1; k < n; ++k) out.motion.cumulative.push_back(lagrangian.add(kept_at(k)));
  if (n > 1)
    out.tracking_ms_per_frame =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / double(n - 1);
  // After tracking: a GPU that failed mid-clip handed the rest to the CPU.
  out.backend = gpu::to_string(tracker.backend());
  if (!tracker.backend_note().empty()) out.warnings.push_back(tracker.backend_note());

  out.detection = detect_tears(out.motion, kept_at, scaled.detection);
  out.detection.calibrated = out.scale.trusted();
  if (is_screen_like_texture(texture, out.scale)) limit_conclusion_on_elongated_texture(out.detection);
  // Report frames as the original clip numbers them.
  auto original = [&](int k) { return out.kept_frames[std::size_t(std::clamp(k, 0, n - 1))]; };
  renumber_frames(out.detection.contraction, original);
  for (auto& f : out.detection.findings) f.frame = original(f.frame);
  for (auto& f : out.detection.for_review) f.frame = original(f.frame);
  out.detection.motion_frame0 = original(0);
  note_layers_for_review(out.detection);
  note_tear_ends(out.detection);
  return out;
}

int analysed_index_at(const ClipAnalysis& a, int frame) {
  const auto& kept = a.kept_frames;
  const int k = int(std::upper_bound(kept.begin(), kept.end(), frame) - kept.begin()) - 1;
  return std::clamp(k, 0, std::max(0, std::min(int(kept.size()), a.motion.frame_count()) - 1));
}

}  // namespace ft
