#pragma once
// The analysis of one clip, end to end: repeated frames (frame grabbers) dropped,
// speckle tracked from the first kept frame, findings detected. Shared by the command
// line tool, the live pipeline and the station's FibreTrack module.
#include <functional>
#include <string>
#include <vector>

#include "ft/core/MotionRecord.h"
#include "ft/core/TearDetector.h"
#include "ft/core/TearFinding.h"
#include "ft/core/TextureLengths.h"
#include "ft/gpu/TrackingParameters.h"
#include "ft/plugin/MeasurementScale.h"

namespace ft {

struct AnalysisSettings {
  gpu::TrackingParameters tracking;
  gpu::Backend backend = gpu::Backend::Auto;
  DetectionSettings detection;
  double grid_mm = 0.5;          // spacing of tracked points
  double repeat_threshold = 0.2;  // a frame changing less than this share of the clip's typical change is a repeat
  bool tracking_sized_to_texture = true;  // settings_at: on a recorded screen's texture (benchmarks turn it off to compare)
  // settings_at: on a recorded screen's texture, read fascicles along its grain
  // (DetectionSettings::fascicle_grain_elongation): lines of one length read grain there, and the
  // fascicles come out too flat (docs/benchmarks.md, "Real scanner recordings VI" and VII).
  // Benchmarks turn it off to compare.
  bool fascicles_along_grain = true;
};

// `settings` for a clip measured at `scale` whose image has `texture`: tracked points grid_mm
// apart; when the scale is only an estimate, 1.5 times the evidence (opening, area) before a
// tear is called; and on texture as elongated as a recorded screen's (is_screen_like_texture),
// the tracking sized to it (size_tracking_to_texture) and fascicles read along it (each unless turned
// off). Shared by analyse_clip and live monitoring so that both follow one rule.
AnalysisSettings settings_at(AnalysisSettings settings, const MeasurementScale& scale, const TextureLengths& texture = {});

// For the notes, where the image's texture (measured at `scale`: its elongation in mm) is like
// the recorded screens': why so little of the muscle may be tracked, and what may help ("" otherwise).
// Block matches slide along such texture: on the 32 recordings the tracking held 0-2 % of the
// muscle through an active contraction (docs/benchmarks.md, "Real scanner recordings III").
std::string screen_texture_note(const TextureLengths& texture, const MeasurementScale& scale);
// Whether the texture is that elongated (what screen_texture_note and the conclusion's limit ask).
bool is_screen_like_texture(const TextureLengths& texture, const MeasurementScale& scale);

// A block match slides along texture that stays alike far across the image: on the recorded
// screens the default tracking held 0-2 % of the muscle through a maximal isometric contraction.
// There the template is made at least three texture lengths wide (up to the matcher's 33 px), and
// a point may come back from its backward match up to three times as far across as in depth (from
// 1 at the knee, kScreenTextureElongation, to 3 one unit of elongation above, in px as the match
// sees it). On those recordings it held 15-31 %; through the simulator's wide beam it found 10
// of 12 tears against 4 (docs/benchmarks.md, "Real scanner recordings III" and "V"). The template
// is square: it blurs 2.9 mm in depth too. Speckle keeps the defaults.
void size_tracking_to_texture(gpu::TrackingParameters& tracking, const TextureLengths& texture,
                              const MeasurementScale& scale);
// What size_tracking_to_texture changed, for the notes ("" where nothing): `unsized` is the
// tracking asked for, `sized` what settings_at made of it.
std::string sized_tracking_note(const gpu::TrackingParameters& unsized, const gpu::TrackingParameters& sized,
                                const MeasurementScale& scale);

// On texture that elongated (is_screen_like_texture) a "no tear" is not conclusive, however
// much of the muscle was tracked: through the simulator's wide beam, which reads as the recordings
// do, the detector found 4 of 12 tears, 2 of 12 through a screen recording (docs/benchmarks.md,
// "Real scanner recordings IV"). Marks `result` inconclusive, with why; a finding stays one.
void limit_conclusion_on_elongated_texture(DetectionResult& result);

struct ClipAnalysis {
  DetectionResult detection;       // frame indices are those of the original clip
  MotionRecord motion;             // over the kept frames
  std::vector<int> kept_frames;    // original index of each analysed frame
  UltrasoundRegion region;
  MeasurementScale scale;          // where the mm came from (detection.calibrated: whether to report them)
  std::string backend;
  double tracking_ms_per_frame = 0.0;
  std::vector<std::string> warnings;
};

// frame_count frames, decoded on demand by frame_at; region with its calibration (an
// uncalibrated region is measured by the depth scale beside it, else by an estimate from
// the speckle size that is not reported as mm: see MeasurementScale).
ClipAnalysis analyse_clip(int frame_count, const FrameAt& frame_at, const UltrasoundRegion& region,
                          const AnalysisSettings& settings = {});

// Index into `a.motion.cumulative` of what clip frame `frame` shows: the last analysed frame
// at or before it (a grabber's repeat shows the frame it repeats), the first before any.
int analysed_index_at(const ClipAnalysis& a, int frame);

// Indices of frames that differ from the previous kept one (drops grabber repeats).
std::vector<int> distinct_frames(int frame_count, const FrameAt& frame_at, const PixelRect& region, double threshold);

}  // namespace ft
