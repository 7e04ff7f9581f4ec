#include "ft/gpu/LagrangianTracker.h"

#include <algorithm>
#include <cmath>

#include "ft/core/Error.h"
#include "ft/gpu/FieldOperations.h"

namespace ft::gpu {
namespace {

double median_quality(const DisplacementField& f) {
  std::vector<float> q;
  for (std::size_t i = 0; i < f.size(); ++i)
    if (f.valid[i]) q.push_back(f.quality[i]);
  if (q.empty()) return 0.0;
  std::nth_element(q.begin(), q.begin() + long(q.size() / 2), q.end());
  return q[q.size() / 2];
}

bool inside(const PixelRect& r, double x, double y) { return x >= r.x0_px && y >= r.y0_px && x <= r.x1_px && y <= r.y1_px; }

// Where a grid field is defined (its outer points), frame px.
bool on_grid(const DisplacementField& f, double x, double y) {
  return x >= f.x_px(0) && y >= f.y_px(0) && x <= f.x_px(f.columns - 1) && y <= f.y_px(f.rows - 1);
}

// The motion `field` (keyframe grid, keyframe coordinates) re-expressed on the same grid
// laid over frame `moved` coordinates: for each node p, the material that is at p now came
// from q with q + moved(q) = p (a few fixed-point steps), and carries field(q).
DisplacementField carried_to_moved_grid(const DisplacementField& field, const DisplacementField& moved) {
  DisplacementField out = field;
  for (int r = 0; r < out.rows; ++r)
    for (int c = 0; c < out.columns; ++c) {
      const double px = out.x_px(c), py = out.y_px(r);
      double qx = px, qy = py;
      for (int it = 0; it < 4; ++it) {
        const Displacement d = sample(moved, qx, qy);
        qx = px - d.dx_px;
        qy = py - d.dy_px;
      }
      const Displacement v = sample(field, qx, qy);
      const std::size_t i = out.index(c, r);
      out.dx_px[i] = v.dx_px;
      out.dy_px[i] = v.dy_px;
    }
  return out;
}

}  // namespace

LagrangianTracker::LagrangianTracker(SpeckleTracker& tracker, UltrasoundRegion region, KeyframePolicy policy)
    : tracker_(tracker), region_(region), policy_(policy) {}

// No motion yet, every point tracked: a keyframe against itself.
DisplacementField LagrangianTracker::identity_field() const {
  DisplacementField f = tracker_.empty_field(region_);
  std::fill(f.valid.begin(), f.valid.end(), 1);
  std::fill(f.quality.begin(), f.quality.end(), 1.0f);
  return f;
}

void LagrangianTracker::reset(const Frame& reference) {
  cumulative_ = identity_field();
  at_key_ = cumulative_;
  key_ = reference;
  previous_ = reference;
  from_key_ = identity_field();
  velocity_ = DisplacementField{};
  key_valid_fraction_ = 1.0;
  frames_since_key_ = 0;
  frames_added_ = 0;
  keyframes_ = 1;
  rematched_ = 0;
}

// Keyframe -> `frame`, searched around a constant-velocity prediction.
DisplacementField LagrangianTracker::match_from_key(const Frame& frame) const {
  DisplacementField seed = from_key_;
  if (velocity_.size() == seed.size())
    for (std::size_t i = 0; i < seed.size(); ++i) {
      seed.dx_px[i] += velocity_.dx_px[i];
      seed.dy_px[i] += velocity_.dy_px[i];
    }
  DisplacementField now = tracker_.track(key_, frame, region_, &seed, policy_.forward_backward_px);
  if (now.size() != from_key_.size()) throw Error(ErrorCode::InvalidArgument, "LagrangianTracker: the frame size changed");
  return now;
}

// The tissue no longer looks like the keyframe: its match lost quality or points.
bool LagrangianTracker::degraded(const DisplacementField& now) const {
  return median_quality(now) < policy_.min_median_quality ||
         now.valid_fraction() < policy_.min_valid_share * key_valid_fraction_;
}

const DisplacementField& LagrangianTracker::add(const Frame& frame) {
  if (key_.empty()) throw Error(ErrorCode::InvalidArgument, "LagrangianTracker: reset() with a reference frame first");
  DisplacementField now = match_from_key(frame);
  // Re-keying on this frame would keep only what its degraded match kept, for the rest
  // of the clip. The previous frame still matched well: it becomes the keyframe (its
  // points were tracked into it) and this frame is matched from there, one frame away.
  if (frames_since_key_ >= 1 && degraded(now)) {
    take_keyframe(previous_);
    now = match_from_key(frame);
    ++rematched_;
  }
  velocity_ = now;
  for (std::size_t i = 0; i < now.size(); ++i) {
    velocity_.dx_px[i] -= from_key_.dx_px[i];
    velocity_.dy_px[i] -= from_key_.dy_px[i];
  }
  from_key_ = std::move(now);
  ++frames_added_;
  ++frames_since_key_;
  update_cumulative();
  if (frames_since_key_ == 1) key_valid_fraction_ = std::max(1e-6, from_key_.valid_fraction());
  if (frames_since_key_ >= policy_.max_interval || degraded(from_key_)) take_keyframe(frame);
  previous_ = frame;
  return cumulative_;
}

// Reference -> now = where each reference point is in the keyframe, moved by the
// keyframe -> now field sampled there.
void LagrangianTracker::update_cumulative() {
  for (int r = 0; r < cumulative_.rows; ++r)
    for (int c = 0; c < cumulative_.columns; ++c) {
      const std::size_t i = cumulative_.index(c, r);
      const double kx = at_key_.x_px(c) + at_key_.dx_px[i], ky = at_key_.y_px(r) + at_key_.dy_px[i];
      const Displacement d = sample(from_key_, kx, ky);
      const double x = kx + d.dx_px, y = ky + d.dy_px;
      cumulative_.dx_px[i] = float(x - cumulative_.x_px(c));
      cumulative_.dy_px[i] = float(y - cumulative_.y_px(r));
      // Tracked where the valid grid points around it carry at least half of the bilinear
      // weight (all four is too strict: one outlier would blank four cells).
      cumulative_.valid[i] =
          at_key_.valid[i] && d.valid_weight >= 0.5f && on_grid(from_key_, kx, ky) && inside(region_.bounds, x, y);
      cumulative_.quality[i] = cumulative_.valid[i] ? d.quality : 0.0f;
    }
}

void LagrangianTracker::take_keyframe(const Frame& frame) {
  // A point not tracked into the new keyframe has only an interpolated position there:
  // matching its patch later would follow whatever tissue sits at that place, so it
  // stays invalid (at_key_.valid).
  at_key_ = cumulative_;
  velocity_ = carried_to_moved_grid(velocity_, from_key_);
  key_ = frame;
  from_key_ = identity_field();
  frames_since_key_ = 0;
  ++keyframes_;
}

}  // namespace ft::gpu
