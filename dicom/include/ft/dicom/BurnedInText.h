#pragma once
// Finds text a scanner burned into its frames (patient name, dates, the institution, depth and
// power readouts) without OCR: lines of bright blobs of glyph size. De-identification blanks
// what it finds (PS3.15 Clean Pixel Data option), inside the ultrasound regions too and on
// files that carry no regions at all.
//
// A glyph is a blob of bright pixels of glyph size, drawn in one colour, with a sharp edge;
// a line is three or more glyphs side by side. Scanner text also stays where it is from frame
// to frame while speckle moves with the tissue: in a clip only pixels that stayed still count.
// Speckle that passes all this can look like text; the cost of that mistake is a small
// blanked box in a research copy, the cost of the other one is a name.
#include <cstdint>
#include <vector>

#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft::dicom {

struct TextFinderParameters {
  int bright_threshold = 150;   // glyphs are drawn near white (or a bright colour) on 0-255
  int min_glyph_height_px = 5;  // smaller than this is unreadable on a scanner's screen
  int max_glyph_height_px = 48;
  int max_glyph_width_px = 48;  // wider bright blobs are aponeuroses, bone or the image itself
  int max_glyph_shading = 24;   // brightest minus median value: text is drawn in one colour
  int min_edge_contrast = 60;   // median value minus the mean of the pixels touching the glyph
  int min_glyphs_per_line = 3;
  double max_gap_in_heights = 1.5;  // letters and words of one line lie closer than this
  int margin_px = 2;                // blanked around each line (anti-aliased glyph edges)
};

// Bounding boxes, margin included and clamped to the image, of the lines of text found in
// `frame` (8-bit luminance, ft::Error otherwise). `still` (one flag a pixel, row by row) marks
// the pixels that did not change over the clip; empty for a single image.
std::vector<PixelRect> find_text_lines(const Frame& frame, const std::vector<std::uint8_t>& still = {},
                                       const TextFinderParameters& p = {});

}  // namespace ft::dicom
