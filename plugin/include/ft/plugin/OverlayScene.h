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
  ColourMesh strain;         // at the tissue's place in this frame, inside the muscle
  ColourMesh quality_shade;  // dark where the tracking is not trusted
  double legend_range_pct = 0.0;  // the strain legend spans +-this; 0: no legend
  std::vector<OverlayArrow> arrows;
  std::vector<OverlayPolyline> lines;
  std::vector<OverlayLabel> labels;
};

// The rows the muscle occupies at rest (frame px): from the shallowest to the deepest of the
// compartments the analysis measured, inside the image region; the whole region when the
// analysis found none.
struct MuscleBand {
  double top_y_px = 0.0, bottom_y_px = -1.0;
};
MuscleBand muscle_band_of(const DetectionResult& result, const UltrasoundRegion& region);
MuscleBand whole_region(const UltrasoundRegion& region);

// `field` takes each grid point from its place at rest to its place in the frame shown;
// `strain` is its fibre strain (one per grid point; empty: no strain layer).
OverlayScene compose_overlay(const UltrasoundRegion& region, const MuscleBand& muscle, const DisplacementField& field,
                             const std::vector<float>& strain, const std::vector<TearFinding>& findings,
                             const OverlayLayers& layers);

// A label's text box, y down (frame or widget px; negate display y to use it there).
struct LabelBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool overlaps(const LabelBox& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};
// Where each label goes, in order: its box as wanted (top-left at its anchor), moved left or
// up where it would cross the right or bottom edge of `within`, then down just below every
// earlier label it would cover, so that none covers another.
std::vector<LabelBox> place_labels(const std::vector<LabelBox>& wanted, const LabelBox& within, double gap = 2.0);

// Colour of a strain value on the legend's scale (diverging blue-white-red).
Rgb strain_colour(double strain, double range);

// Colours the overlay draws in, named for the tests.
namespace overlay_colour {
constexpr Rgb kCaliper{255, 220, 0};
constexpr Rgb kOutline{255, 64, 64};
constexpr Rgb kVector{0, 255, 160};
constexpr Rgb kAnnotation{80, 200, 255};
}  // namespace overlay_colour

}  // namespace ft
