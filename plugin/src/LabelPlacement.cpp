#include "ft/plugin/LabelPlacement.h"

#include <algorithm>

namespace ft {

std::vector<LabelBox> place_labels(const std::vector<LabelBox>& wanted, const LabelBox& within, double gap) {
  std::vector<LabelBox> placed;
  for (LabelBox box : wanted) {
    const double left = std::max(0.0, box.x1 - within.x1), up = std::max(0.0, box.y1 - within.y1);
    box.x0 -= left, box.x1 -= left, box.y0 -= up, box.y1 -= up;
    const double right = std::max(0.0, within.x0 - box.x0), down = std::max(0.0, within.y0 - box.y0);
    box.x0 += right, box.x1 += right, box.y0 += down, box.y1 += down;
    // Each move goes below a label already placed, so the loop ends after at most one pass per label.
    for (bool moved = true; moved;) {
      moved = false;
      for (const LabelBox& other : placed)
        if (box.overlaps(other)) {
          const double by = other.y1 + gap - box.y0;
          box.y0 += by, box.y1 += by;
          moved = true;
        }
    }
    placed.push_back(box);
  }
  return placed;
}

}  // namespace ft
