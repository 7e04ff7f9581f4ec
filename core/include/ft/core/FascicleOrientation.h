#pragma once
// Fascicle direction at the scale a sonographer reads it: the direction along which
// the image, averaged over a line several mm long, varies most from line to line.
//
// Why not the structure tensor (FibreOrientation.h): speckle grains are longer laterally
// than axially (the beam is wider than the pulse is long), so at speckle scale the
// image changes least along x whatever the fibres do, and the tensor reads fascicles
// 10-25 deg too flat. A line 6 mm long averages many grains in every direction but
// follows a perimysium streak only when it lies along it (the idea of the Radon/Hough
// fascicle trackers, UltraTrack and others, done densely).
//
// Where the grain is much longer across than the presets' (a wide beam, a recorded screen's
// smoothing: 4-6 times longer across than in depth), a 6 mm line lying level still averages
// only a few grains, and level lines win again: fascicles at 20-45 deg read at 0-10. There each
// line is made as long, in grains, as a steep one: line_mm times the grain's length along the
// line over its length in depth (texture_elongation; the analysis sets it where asked,
// DetectionSettings::fascicle_grain_elongation). Through the simulator's wide beam the reading's
// bias went from -27 to -15 deg (bench_fascicles); within 8 mm of the image's sides, where level
// lines leave the image and average fewer grains, it stays larger (docs/benchmarks.md, "Real
// scanner recordings VI", also for why it is not asked by default).
#include "ft/core/DisplacementField.h"
#include "ft/core/FibreOrientation.h"
#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct FascicleScale {
  double line_mm = 6.0;       // length of the averaging line
  double window_mm = 5.0;     // side of the window the line-to-line variation is measured over
  double max_angle_deg = 70.0;  // fascicles steeper than this from the transducer are not expected
  double angle_step_deg = 5.0;   // refined between steps by a parabola
  double working_mm_per_px = 0.25;  // the image is box-averaged to about this before the search
  // The grain's length across over its length in depth, in px (TextureLengths::elongation()); a
  // line at angle a is line_mm / hypot(cos a / e, sin a) long. 1: every line line_mm long.
  double texture_elongation = 1.0;
};

// Evaluated at the points of `grid` (frame px). coherence: 0 no preferred direction,
// towards 1 a clear one ((best - mean) / (best + mean) of the direction scores).
FibreField fascicle_orientation(const Frame& frame, const PixelRect& region, const DisplacementField& grid,
                                double mm_per_px, const FascicleScale& scale = {});

}  // namespace ft
