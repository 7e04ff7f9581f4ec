#pragma once
// What the viewer draws over a B-mode frame, as geometry in frame pixels (x right, y down):
// the strain layer as a mesh over the tracked muscle (colour and opacity per tracked point,
// interpolated across each cell by the renderer), sparse displacement arrows, the findings'
// outline and gap caliper, the user's calipers, a presentation state's graphics, and their
// labels. VTK- and Qt-free, so what is drawn where is tested without a screen. The viewer
// (ui's ImageView) turns a scene into VTK props; OverlayPainter paints the same scene into a
// burned-in capture's frames.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/RgbImage.h"
#include "ft/core/TearFinding.h"
#include "ft/core/TearGeometry.h"
#include "ft/core/UltrasoundRegion.h"
#include "ft/plugin/LabelPlacement.h"
#include "ft/plugin/OverlayLayers.h"

namespace ft {

// Points with an RGBA colour each, joined in quadrilateral cells.
struct ColourMesh {
  std::vector<PointPx> points_px;
  std::vector<std::array<std::uint8_t, 4>> rgba;
  std::vector<std::array<int, 4>> cells;  // point indices, in order around the cell
  bool empty() const { return cells.empty(); }
};

struct OverlayPolyline {
  std::vector<PointPx> points_px;
  Rgb colour;
  bool closed = false;
};

// From the tissue's place in this frame along its displacement since rest, times the gain.
struct OverlayArrow {
  PointPx base_px, tip_px;
};

// Text anchored at a point: drawn to its right and below, moved where it would cover another.
struct OverlayLabel {
  std::string text;
  PointPx anchor_px;
  Rgb colour;
};

struct OverlayScene {
  // At the tissue's place in this frame, subdivided so that the colours between tracked
  // points are the legend's (the renderer interpolates colours, not strain).
  ColourMesh strain;
  // A pale veil (not dark: dark reads as fluid) where the tracking is not trusted, where the tissue is in the frame shown (an
  // untracked point carried with its tracked neighbours).
  ColourMesh quality_shade;
  double legend_range_pct = 0.0;  // the strain legend spans +-this; 0: no legend
  std::vector<OverlayArrow> arrows;
  std::vector<OverlayPolyline> lines;
  std::vector<OverlayLabel> labels;
  // Where labels may go: the image region (the scanner's text and scales are outside it);
  // empty: anywhere in the picture.
  PixelRect label_area;
};

// `field` takes each grid point from its place in the field's first frame to its place in the
// frame shown; `strain` is its fibre strain, NaN where none is to be shown (one per grid point,
// see fibre_strain_in; empty: no strain layer and no legend). The arrows show the motion since
// `arrows_since` (a field on the same grid: the clip's rest frame, as the strain layer counts
// from it), else since the field's first frame.
OverlayScene compose_overlay(const UltrasoundRegion& region, const DisplacementField& field, const std::vector<float>& strain,
                             const std::vector<TearFinding>& findings, const OverlayLayers& layers,
                             const DisplacementField* arrows_since = nullptr);

// Colour of a strain value on the legend's scale, diverging through white: shortening (the
// contraction) red, lengthening blue.
Rgb strain_colour(double strain, double range);

// Colours the overlay draws in, named for the tests; lines are kLineWidthPx wide on screen.
namespace overlay_colour {
constexpr Rgb kTrack{120, 200, 255};  // pale blue: the arrows' tissue's path, not an arrow
constexpr Rgb kCaliper{255, 220, 0};
constexpr Rgb kOutline{255, 0, 200};  // magenta: not the strain layer's shortening red
constexpr Rgb kVector{0, 255, 160};
constexpr Rgb kAnnotation{80, 200, 255};
constexpr Rgb kForReview{255, 140, 0};  // orange: a layer to look at, not a finding's magenta
}  // namespace overlay_colour
constexpr double kLineWidthPx = 2.0;
constexpr double kArrowSpacingPx = 24.0;  // sparse: one arrow (and track) per this many frame px
constexpr double kLongestArrowMm = 4.0;  // a few mm: long enough to read a direction, never off the muscle
constexpr double kMaxArrowGain = 4.0;    // small motions drawn at most this many times their length

// The arrows' gain: `max_gain`, or less, so that the field's long displacements (since `since`,
// as compose_overlay's arrows) inside the region (its 95th percentile, not one stray point) are
// drawn `longest_arrow_mm` long. Tissue moves 10-35 mm in a maximal contraction: at a fixed gain
// of 4 its arrows ran off the image and were left out just when the motion was largest. A clip's
// arrows take the least gain of its frames (one scale for the whole clip); live, the gain drops
// to each new frame's and recovers slowly (LivePanel).
double arrow_gain_for(const UltrasoundRegion& region, const DisplacementField& field, double mm_per_px,
                      const DisplacementField* since = nullptr, double longest_arrow_mm = kLongestArrowMm,
                      double max_gain = kMaxArrowGain);

}  // namespace ft
