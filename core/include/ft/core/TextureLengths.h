#pragma once
// How far an image's texture stays alike along each axis, as a block match sees it: the shift
// at which its autocorrelation falls to one half, after the local mean (over a 31 px box) is
// taken out so that layers and shading do not count, read on 128 px tiles (black ones left
// out) and the median over the tiles taken, so that one bright aponeurosis does not decide.
// Speckle as our simulator renders it stays alike 1.9-3.2 times further laterally than
// axially, the real scanners' own frames of ../shared/data 1.3-2.5 times; a scanner's screen
// image recorded through a frame grabber 3.8-5.8 times
// (the 32 Telemed recordings of github.com/joshrbaxter/ultrasound_tracking: numbers in
// docs/benchmarks.md, "Real scanner recordings III"): the scanner's few scan lines are
// interpolated across many screen pixels, and long near-horizontal structures (aponeuroses,
// septa, fascicles at a shallow angle) stand out of dark, low-speckle muscle. A block match
// slides along such texture (docs/benchmarks.md, "Real scanner recordings III").
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

// Texture this many times longer across than in depth (TextureLengths, in mm) is a recorded
// screen's: our simulator's speckle reads 1.9-3.2 (the most through a focused beam), the real
// scanners' own frames of ../shared/data 1.3-2.5, all 32 recorded Telemed screens 3.8-5.8.
// There the tracking is sized to it, and fascicles may be read along its grain (settings_at,
// ClipAnalysis.h).
constexpr double kScreenTextureElongation = 3.6;

struct TextureLengths {
  static constexpr double kLongestPx = 60.0;  // the longest shift looked at
  double lateral_px = 0.0;  // 0: not measured (too small an image, or flat)
  double axial_px = 0.0;
  bool measured() const noexcept { return lateral_px > 0.0 && axial_px > 0.0; }
  // Lateral over axial, in px: 1.9-3.2 for our simulator's speckle, 3.8-5.8 for the recorded
  // screens (square pixels both).
  double elongation() const noexcept { return measured() ? lateral_px / axial_px : 1.0; }
  // The same in mm, for pixels that are not square.
  double elongation(double mm_per_px_x, double mm_per_px_y) const noexcept {
    return measured() && mm_per_px_y > 0.0 ? elongation() * mm_per_px_x / mm_per_px_y : 1.0;
  }
};

// Measured inside `image` (of `frame`); not measured when the image is under 158 px (a tile
// and the box) either way, or when no tile is mostly texture.
TextureLengths measure_texture_lengths(const Frame& frame, const PixelRect& image);

}  // namespace ft
