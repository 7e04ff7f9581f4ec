#pragma once
// Follows material points from a reference frame through a clip: frame-to-frame
// fields are composed (each point moved by the field sampled where it now is), and
// every few frames the accumulated positions are re-anchored by tracking directly from
// the reference frame, seeded by them, so that small per-pair errors do not random-walk.
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"
#include "ft/gpu/SpeckleTracker.h"

namespace ft::gpu {

struct DriftControl {
  int anchor_interval = 5;          // frames between direct re-tracks from the reference; 0 = off
  double min_anchor_quality = 0.6;  // ZNCC a direct match needs to replace the accumulated position
  double max_anchor_jump_px = 3.0;  // larger disagreements are taken as false direct matches
};

class LagrangianTracker {
 public:
  LagrangianTracker(SpeckleTracker& tracker, UltrasoundRegion region, DriftControl drift = {});

  void reset(const Frame& reference);
  // Adds the next frame and returns the displacement of every reference grid point
  // from the reference frame to this frame.
  const DisplacementField& add(const Frame& frame);

  const DisplacementField& cumulative() const noexcept { return cumulative_; }
  const DisplacementField& last_pair() const noexcept { return pair_; }
  int frames_added() const noexcept { return frames_added_; }
  double last_anchored_fraction() const noexcept { return anchored_fraction_; }

 private:
  void anchor(const Frame& frame);

  SpeckleTracker& tracker_;
  UltrasoundRegion region_;
  DriftControl drift_;
  Frame reference_;
  Frame previous_;
  DisplacementField pair_;
  DisplacementField cumulative_;
  std::vector<int> invalid_pairs_;  // per point, since its last anchoring
  int pairs_since_anchor_ = 0;
  int frames_added_ = 0;
  double anchored_fraction_ = 0.0;
};

}  // namespace ft::gpu
