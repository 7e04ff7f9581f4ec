#pragma once
// Where to draw a finding in its frame (whole-frame px): the gap caliper across the tear
// surface and an outline around the torn part. One definition for the viewer's overlay,
// the SR's spatial coordinates and the presentation state's graphics.
#include <array>
#include <string>
#include <vector>

#include "ft/core/TearFinding.h"

namespace ft {

struct PointPx {
  double x = 0.0;
  double y = 0.0;
};

struct TearGeometry {
  PointPx caliper_start;  // stump ends at peak evidence, across the surface
  PointPx caliper_end;
  std::array<PointPx, 4> outline;  // box along the surface, around the gap
};

TearGeometry tear_geometry(const TearFinding& finding, double mm_per_px_x, double mm_per_px_y);

// At the scale the result was measured at (a clip without calibration was measured by its
// depth scale or an estimate), else at the clip's own (fallback_mm_per_px_*).
TearGeometry tear_geometry(const TearFinding& finding, const DetectionResult& result, double fallback_mm_per_px_x,
                           double fallback_mm_per_px_y);

// Where to draw a layer named for review: a ring of 24 points (closed) around its centre, 4 mm in
// radius (wide enough to frame the layer's middle rather than cross it; its extent was not
// measured, so no outline), at least 6 px; 6 px where no scale is known.
std::vector<PointPx> review_ring(const TearFinding& layer, double mm_per_px_x, double mm_per_px_y);
// Its label beside the ring: no finding, and the frame it was seen on (counted from 1).
std::string review_ring_label(const TearFinding& layer);

}  // namespace ft
