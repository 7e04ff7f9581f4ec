#include "LiveGridPolicy.h"

#include <algorithm>
#include <cmath>

namespace ft {

LiveGridPolicy::LiveGridPolicy(double asked_grid_mm, double coarsest_mm)
    : asked_mm_(asked_grid_mm), grid_mm_(asked_grid_mm) {
  // Whole sqrt(2) steps that stay within the coarsest spacing (0.5 and 0.71 mm: one step;
  // 0.71 is 0.5 x sqrt(2) rounded, hence the small tolerance).
  while (asked_mm_ * std::pow(std::sqrt(2.0), max_steps_ + 1) <= coarsest_mm * 1.001) ++max_steps_;
}

double LiveGridPolicy::window_ended(double tracking_ms, double elapsed_ms, long skipped, bool lagged) {
  if (elapsed_ms <= 0.0) return grid_mm_;
  const double busy = tracking_ms / elapsed_ms;
  if (skipped > 0 || lagged || busy > kBusiestShare) steps_ = std::min(max_steps_, steps_ + 1);
  else if (steps_ > 0 && busy < kFinerBelowShare) --steps_;
  grid_mm_ = asked_mm_ * std::pow(std::sqrt(2.0), steps_);
  return grid_mm_;
}

}  // namespace ft
