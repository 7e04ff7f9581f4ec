#include "ft/plugin/LabelPlacement.h"

#include <algorithm>

namespace ft {
namespace {

LabelBox shifted(LabelBox b, double dx, double dy) { return {b.x0 + dx, b.y0 + dy, b.x1 + dx, b.y1 + dy}; }

// Inside `within` where it fits: moved left or up off the right or bottom edge, then right or
// down off the left or top edge (a box larger than `within` keeps its top-left corner inside).
LabelBox kept_inside(LabelBox b, const LabelBox& within) {
  b = shifted(b, -std::max(0.0, b.x1 - within.x1), -std::max(0.0, b.y1 - within.y1));
  return shifted(b, std::max(0.0, within.x0 - b.x0), std::max(0.0, within.y0 - b.y0));
}

// Moved past every placed label it covers, below them (`down`) or above them. Each move goes
// past one placed label, so the loop ends after at most one pass per label.
LabelBox past_others(LabelBox b, const std::vector<LabelBox>& placed, double gap, bool down) {
  for (bool moved = true; moved;) {
    moved = false;
    for (const LabelBox& other : placed)
      if (b.overlaps(other)) {
        b = shifted(b, 0.0, down ? other.y1 + gap - b.y0 : other.y0 - gap - b.y1);
        moved = true;
      }
  }
  return b;
}

bool fits(const LabelBox& b, const LabelBox& within) {
  return b.x0 >= within.x0 && b.x1 <= within.x1 && b.y0 >= within.y0 && b.y1 <= within.y1;
}

}  // namespace

std::vector<LabelBox> place_labels(const std::vector<LabelBox>& wanted, const LabelBox& within, double gap) {
  std::vector<LabelBox> placed;
  for (const LabelBox& want : wanted) {
    const LabelBox start = kept_inside(want, within);
    const LabelBox below = past_others(start, placed, gap, true);
    const LabelBox above = past_others(start, placed, gap, false);
    // Below the others where that stays inside, else above them; where neither does (more
    // labels than room), below, brought back inside: a label over a label, never off the area.
    placed.push_back(fits(below, within) ? below : fits(above, within) ? above : kept_inside(below, within));
  }
  return placed;
}

}  // namespace ft
