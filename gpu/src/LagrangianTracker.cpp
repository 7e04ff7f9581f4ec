#include "ft/gpu/LagrangianTracker.h"

#include <cmath>

#include "ft/core/Error.h"
#include "ft/gpu/FieldOperations.h"

namespace ft::gpu {

LagrangianTracker::LagrangianTracker(SpeckleTracker& tracker, UltrasoundRegion region, DriftControl drift)
    : tracker_(tracker), region_(region), drift_(drift) {}

void LagrangianTracker::reset(const Frame& reference) {
  reference_ = reference;
  previous_ = reference;
  cumulative_ = tracker_.empty_field(region_);
  std::fill(cumulative_.valid.begin(), cumulative_.valid.end(), 1);
  std::fill(cumulative_.quality.begin(), cumulative_.quality.end(), 1.0f);
  pair_ = DisplacementField{};
  invalid_pairs_.assign(cumulative_.size(), 0);
  pairs_since_anchor_ = 0;
  frames_added_ = 0;
  anchored_fraction_ = 0.0;
}

const DisplacementField& LagrangianTracker::add(const Frame& frame) {
  if (reference_.empty()) throw Error(ErrorCode::InvalidArgument, "LagrangianTracker: reset() with a reference frame first");
  pair_ = tracker_.track(previous_, frame, region_, pair_.size() ? &pair_ : nullptr);
  for (int r = 0; r < cumulative_.rows; ++r)
    for (int c = 0; c < cumulative_.columns; ++c) {
      const std::size_t i = cumulative_.index(c, r);
      const double x = cumulative_.x_px(c) + cumulative_.dx_px[i], y = cumulative_.y_px(r) + cumulative_.dy_px[i];
      const Displacement d = sample(pair_, x, y);
      cumulative_.dx_px[i] += d.dx_px;
      cumulative_.dy_px[i] += d.dy_px;
      if (!d.valid) ++invalid_pairs_[i];
    }
  ++frames_added_;
  ++pairs_since_anchor_;
  // A point stays trusted while most pairs since its last anchoring matched well; the
  // others were filled from their neighbours and may carry their error.
  for (std::size_t i = 0; i < cumulative_.size(); ++i)
    cumulative_.valid[i] = invalid_pairs_[i] <= std::max(1, pairs_since_anchor_ / 4);
  anchored_fraction_ = 0.0;
  if (drift_.anchor_interval > 0 && frames_added_ % drift_.anchor_interval == 0) anchor(frame);
  previous_ = frame;
  return cumulative_;
}

void LagrangianTracker::anchor(const Frame& frame) {
  const DisplacementField direct = tracker_.track(reference_, frame, region_, &cumulative_);
  if (direct.size() != cumulative_.size()) return;
  std::size_t anchored = 0;
  for (std::size_t i = 0; i < direct.size(); ++i) {
    if (!direct.valid[i] || direct.quality[i] < drift_.min_anchor_quality) continue;
    const double jump = std::hypot(direct.dx_px[i] - cumulative_.dx_px[i], direct.dy_px[i] - cumulative_.dy_px[i]);
    if (jump > drift_.max_anchor_jump_px) continue;
    cumulative_.dx_px[i] = direct.dx_px[i];
    cumulative_.dy_px[i] = direct.dy_px[i];
    cumulative_.valid[i] = 1;
    cumulative_.quality[i] = direct.quality[i];
    invalid_pairs_[i] = 0;
    ++anchored;
  }
  anchored_fraction_ = double(anchored) / double(direct.size());
  pairs_since_anchor_ = 0;
}

}  // namespace ft::gpu
