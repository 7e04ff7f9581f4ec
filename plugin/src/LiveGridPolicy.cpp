#include "LiveGridPolicy.h"

#include <algorithm>
#include <cmath>

namespace ft {

LiveGridPolicy::LiveGridPolicy(double asked_grid_mm, double coarsest_factor)
    : asked_mm_(asked_grid_mm), grid_mm_(asked_grid_mm) {
  // Whole sqrt(2) steps within the factor (2 -> two steps: x1.41, x2).
  max_steps_ = coarsest_factor > 1.0 ? int(std::floor(2.0 * std::log2(coarsest_factor) + 1e-9)) : 0;
}

double LiveGridPolicy::window_ended(double tracking_ms, double elapsed_ms, long skipped) {
  if (elapsed_ms <= 0.0) return grid_mm_;
  const double busy = tracking_ms / elapsed_ms;
  if (skipped > 0 || busy > kBusiestShare) steps_ = std::min(max_steps_, steps_ + 1);
  else if (steps_ > 0 && busy < kFinerBelowShare) --steps_;
  grid_mm_ = asked_mm_ * std::pow(std::sqrt(2.0), steps_);
  return grid_mm_;
}

}  // namespace ft
