#pragma once
// Where an overlay's text labels go so that each stays readable: near its anchor, inside the
// picture or the view, and none covering another. Shared by the viewer (display px) and the
// burned-in capture (frame px).
#include <vector>

namespace ft {

// A label's text box, y down (frame or widget px; negate display y to use it there).
struct LabelBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool overlaps(const LabelBox& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

// Where each label goes, in order: its box as wanted (top-left at its anchor), moved left or
// up where it would cross the right or bottom edge of `within` (right or down where it would
// cross the left or top), then down just below every earlier label it would cover, or up above
// them where below would leave `within`. `within` is the image region (on screen, the part of
// it in view, left of the legend): the scanner's own text and scales lie outside it.
std::vector<LabelBox> place_labels(const std::vector<LabelBox>& wanted, const LabelBox& within, double gap = 2.0);

}  // namespace ft
