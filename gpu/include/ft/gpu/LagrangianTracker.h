#pragma once
// Follows material points from a reference frame through a clip, the way UltraTrack
// and UltraTimTrack keep hold of fascicles: each new frame is tracked directly from a
// recent KEYFRAME (not from frame 0, which a contracted muscle no longer resembles, and
// not only from the previous frame, whose small errors would random-walk). The
// reference grid's positions in the keyframe plus the keyframe->now field give where
// every point is now. A new keyframe is taken when the tissue has changed too much to
// match the old one reliably, or after max_interval frames. When a frame matches the
// keyframe badly, the frame before it (which matched well) becomes the keyframe and the
// frame is matched again from there, so a fast moment does not cost the points it would
// have lost.
//
// The search for each frame starts from a constant-velocity prediction (the last
// frame's motion added to the last keyframe field), so tissue moving 20 px per frame
// needs only the small fine-level search around the prediction.
//
// Validity means "tracked now": a point is valid in frame k when the keyframe->k match
// around it passed the correlation, outlier and forward-backward checks, it is still
// inside the image region, and it was tracked into the keyframe (a point lost at a
// re-keying has only an interpolated position from then on, and stays invalid).
// Forward-backward consistency (track there, track back, arrive where you started)
// bounds the drift; correlation with a long-gone frame does not.

#include "ft/core/DisplacementField.h"
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"
#include "ft/gpu/SpeckleTracker.h"

namespace ft::gpu {

// Measured on real-magnitude contractions (tests/gpu/RealContractionTrackingTest): a
// keyframe kept for up to 12 frames let the tissue change so much that matches went
// wrong consistently both ways (median error at peak 5 px); every 3 frames, or as soon
// as the match degrades, it stays within 0.7 px (median error at peak) while keeping 40 %
// of the grid (much of the rest has left the view or lies in the bone's shadow).
// Re-keying on the frame before a degraded match rather than on the degraded one keeps
// 46 %, with the mean error at peak down from 1.0 to 0.7 px (median 0.65 -> 0.58 px).
struct KeyframePolicy {
  int max_interval = 3;               // frames a keyframe is kept at most
  double min_median_quality = 0.9;    // ZNCC (median over tracked points) below which the tissue
                                      // no longer looks like the keyframe: re-key
  double min_valid_share = 0.9;       // re-key when tracked points fall below this share of
                                      // those tracked right after the last re-keying
  double forward_backward_px = 1.0;   // a point must return to within this of where it started
};

class LagrangianTracker {
 public:
  LagrangianTracker(SpeckleTracker& tracker, UltrasoundRegion region, KeyframePolicy policy = {});

  void reset(const Frame& reference);
  // Adds the next frame and returns the displacement of every reference grid point
  // from the reference frame to this frame; valid = tracked in this frame.
  const DisplacementField& add(const Frame& frame);

  const DisplacementField& cumulative() const noexcept { return cumulative_; }
  int frames_added() const noexcept { return frames_added_; }
  int keyframes_taken() const noexcept { return keyframes_; }
  // Frames matched a second time from the frame before them (their first match degraded).
  int rematched_frames() const noexcept { return rematched_; }

 private:
  DisplacementField identity_field() const;
  DisplacementField match_from_key(const Frame& frame) const;
  bool degraded(const DisplacementField& now) const;
  void take_keyframe(const Frame& frame);
  void update_cumulative();

  SpeckleTracker& tracker_;
  UltrasoundRegion region_;
  KeyframePolicy policy_;
  Frame key_;                       // the keyframe
  Frame previous_;                  // the last frame added: the keyframe to fall back on when the
                                    // next frame matches the current keyframe badly
  DisplacementField at_key_;        // reference -> keyframe: where each point is there, and
                                    // whether it was tracked into it (its position measured)
  DisplacementField from_key_;      // keyframe -> latest frame, keyframe grid
  DisplacementField velocity_;      // last frame's motion, keyframe grid (prediction)
  DisplacementField cumulative_;    // reference -> latest frame, reference grid
  double key_valid_fraction_ = 1.0;
  int frames_since_key_ = 0;
  int frames_added_ = 0;
  int keyframes_ = 0;
  int rematched_ = 0;
};

}  // namespace ft::gpu
