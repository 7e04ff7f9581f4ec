#pragma once
// What the review shows over one frame of an analysed clip, composed once for the screen
// (ReviewPanel) and for the burned-in capture (ExamExport), so that an exported capture looks
// like the screen: the strain layer from the clip's rest frame, the arrows at one gain for the
// whole clip, and each finding where its tissue is in that frame, with the gap that frame has.
#include "ft/core/TearFinding.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/plugin/OverlayLayers.h"
#include "ft/plugin/OverlayScene.h"

namespace ft {

constexpr int kTrackFrames = 10;  // analysed frames a track looks back (half a second at 20 fps)

// The least arrow gain over the clip's frames (arrow_gain_for, motion since the rest frame):
// one scale for the clip.
double clip_arrow_gain(const ClipAnalysis& analysis);

// `finding` (measured at its peak frame) as it is in clip frame `frame`: its centre moved with
// its two stumps between the two frames (GapFollower, when the finding was made by this
// analysis), else with the tissue around it (the tracked points within three grid steps, their
// mean motion; where none is tracked in both, it stays: inside a wide gap none is), its gap the gap-time curve's
// at that frame (the rest gap where the curve has none; the gap as found where the curve
// could not read it there; on its own analysed frame, the gap measured, as the report gives it).
TearFinding finding_in_frame(const TearFinding& finding, const ClipAnalysis& analysis, int frame);
// Whether `finding`'s gap was read on clip frame `frame` (its own frame, or a frame its
// gap-time curve could read); where not, it is drawn as found and its label says so.
bool gap_read_in_frame(const TearFinding& finding, const ClipAnalysis& analysis, int frame);

// Where the tissue under each arrow was over the analysed frames before the one shown, up to
// `frames` of them, as a line ending where it is now (one per kArrowSpacingPx, tracked
// throughout, inside the region): how it moved, not only how far it is from rest.
std::vector<OverlayPolyline> tissue_tracks(const ClipAnalysis& analysis, int frame, int frames = kTrackFrames);

// The scene over clip frame `frame`. `layers` holds the viewer's toggles, the user's calipers
// and annotations and the arrows' gain (clip_arrow_gain, found once per clip: it reads every
// frame); the findings' scale is the analysis's.
OverlayScene review_scene(const ClipAnalysis& analysis, int frame, OverlayLayers layers);

}  // namespace ft
