#include "ft/plugin/FindingConfirmation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "ft/core/Deformation.h"
#include "ft/core/GapFollower.h"
#include "ft/plugin/SessionFindings.h"

namespace ft {
namespace {

// Where the tissue at (x, y) on the frame of `u` (motion from the first frame) was in the first
// frame: the point p0 with p0 + u(p0) = (x, y), by fixed-point steps (the motion varies slowly
// across a few mm).
void back_to_first_frame(const DisplacementField& u, double x_px, double y_px, double& x0_px, double& y0_px) {
  x0_px = x_px;
  y0_px = y_px;
  if (u.size() == 0) return;
  for (int step = 0; step < 8; ++step) {
    double dx = 0, dy = 0;
    displacement_at(u, x0_px, y0_px, dx, dy);
    x0_px = x_px - dx;
    y0_px = y_px - dy;
  }
}

// Where a finding's tissue was in the window's first frame. A tear's centre lies between its stumps,
// in the gap, whose inside is not tracked and across which the motion jumps by the whole opening:
// it moves back by its stumps' mean motion. A finding without stumps (a fluid layer read on the
// image) moves back by the motion around it.
FindingConfirmation::Place in_first_frame(const TearFinding& f, const MotionRecord& motion, long window_start) {
  FindingConfirmation::Place at{f.centre_col_px, f.centre_row_px};
  if (motion.frame_count() == 0 || !std::isfinite(at.x_px) || !std::isfinite(at.y_px)) return at;
  const int k = std::clamp(int(f.frame - window_start), 0, motion.frame_count() - 1);
  double x0 = at.x_px, y0 = at.y_px;
  if (f.follower) {
    double dx = 0, dy = 0;
    f.follower->stumps_motion_px(motion.cumulative.front(), motion.cumulative[std::size_t(k)], dx, dy);
    x0 -= dx;
    y0 -= dy;
  } else {
    back_to_first_frame(motion.cumulative[std::size_t(k)], at.x_px, at.y_px, x0, y0);
  }
  if (std::isfinite(x0) && std::isfinite(y0)) at = {x0, y0};
  return at;
}

}  // namespace

FindingConfirmation::FindingConfirmation(std::shared_ptr<FindingConfirmation> before, DisplacementField carry)
    : before_(std::move(before)), carry_(std::move(carry)) {}

// The last window's places, where its last frame shows them: this window's first frame is the next.
void FindingConfirmation::settle() {
  if (!before_) return;
  before_->settle();
  auto carried = [&](const std::vector<Place>& from) {
    std::vector<Place> to;
    for (const Place& p : from) {
      double dx = 0, dy = 0;
      if (carry_.size() > 0) displacement_at(carry_, p.x_px, p.y_px, dx, dy);
      to.push_back({p.x_px + dx, p.y_px + dy});
    }
    return to;
  };
  read_last_ = carried(before_->read_last_);
  confirmed_ = carried(before_->confirmed_);
  before_.reset();
  carry_ = {};
}

bool FindingConfirmation::near(const Place& p, const std::vector<Place>& places, double mm_per_px) const {
  for (const Place& q : places)
    if (std::hypot(p.x_px - q.x_px, p.y_px - q.y_px) * mm_per_px <= kSamePlaceMm) return true;
  return false;
}

void FindingConfirmation::confirm(DetectionResult& result, const MotionRecord& motion, long window_start) {
  settle();
  const double mm_per_px = placing_scale(result);
  std::vector<Place> read;
  std::vector<TearFinding> shown;
  std::size_t waiting = 0;
  for (TearFinding& f : result.findings) {
    const Place at = in_first_frame(f, motion, window_start);
    read.push_back(at);
    if (near(at, read_last_, mm_per_px) || near(at, confirmed_, mm_per_px)) {
      if (!near(at, confirmed_, mm_per_px)) confirmed_.push_back(at);
      shown.push_back(std::move(f));
      continue;
    }
    ++waiting;
    result.notes.push_back("a possible tear at " + describe_position(f, result) +
                           " waits for the next frames to confirm it: live findings are shown once two evaluations "
                           "in a row read them");
  }
  result.findings = std::move(shown);
  result.tear_detected = !result.findings.empty();
  if (waiting > 0 && !result.tear_detected) {
    result.conclusive = false;
    result.inconclusive_reason = kWaitsForConfirmation;
  }
  read_last_ = std::move(read);
}

}  // namespace ft
