#pragma once
// A 5x7 pixel font for text stamped into frames the way a scanner burns in its annotations:
// the simulated probe's chrome and the burned-in text the de-identification tests clean. Not
// for what FibreTrack draws itself (the viewer and captures use anti-aliased text). Upper-case letters,
// digits and . : - / % + ( ); other characters draw as blanks.
#include <string>

#include "ft/core/Frame.h"

namespace ft {

constexpr int kGlyphWidthPx = 5;
constexpr int kGlyphHeightPx = 7;

// Draws `text` with its top-left at (x_px, y_px), each font pixel `scale` frame pixels
// wide; pixels outside the frame are skipped. Returns the x just after the text.
int draw_text(Frame& frame, int x_px, int y_px, const std::string& text, float grey, int scale = 1);

}  // namespace ft
