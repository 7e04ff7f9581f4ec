#include <algorithm>
#include <cmath>
#include <vector>

#include "DetectionContext.h"

namespace ft::detection {
namespace {

struct RestPoint {
  double x_px = 0.0, y_px = 0.0;
};

// Where each of `points` (frame-0 grid indices) lies in the rest frame.
std::vector<RestPoint> at_rest(const Context& ctx, const std::vector<std::size_t>& points) {
  const DisplacementField& g = ctx.m.cumulative[0];
  std::vector<RestPoint> out;
  out.reserve(points.size());
  for (std::size_t i : points) {
    RestPoint p;
    position_in(ctx.m, ctx.rest(), g.x_px(column_of(g, i)), g.y_px(row_of(g, i)), p.x_px, p.y_px);
    out.push_back(p);
  }
  return out;
}

// The columns (rest px) that the evidence's points within two grid steps of an end's depth
// (end_y_px, rest px) span: where the tissue beyond that end is looked at.
struct EndColumns {
  double left_px = 1e30, right_px = -1e30;
};
EndColumns columns_at_end(const std::vector<RestPoint>& evidence, double end_y_px, double step_px) {
  EndColumns c;
  for (const RestPoint& p : evidence)
    if (std::abs(p.y_px - end_y_px) <= 2.0 * step_px) {
      c.left_px = std::min(c.left_px, p.x_px);
      c.right_px = std::max(c.right_px, p.x_px);
    }
  return c;
}

// The muscle's grid points (ctx.muscle_region) at their rest positions (rest_positions).
struct MuscleAtRest {
  std::vector<double> x_px, y_px;
};

// The share of the muscle's grid points between rows y0 and y1, beside the end's columns (2 mm
// either side), that were tracked at rest and peak; negative where too few points lie there to say.
double tracked_share_between(const Context& ctx, const MuscleAtRest& muscle, double y0, double y1, const EndColumns& end) {
  constexpr double kBesideMm = 2.0;
  constexpr int kMinPoints = 10;  // fewer: a row or two at the plane's edge, not a band of muscle
  const double beside_px = kBesideMm / ctx.m.mm_per_px_x;
  int all = 0, tracked = 0;
  for (std::size_t i = 0; i < ctx.muscle_region.size(); ++i) {
    const double x = muscle.x_px[i], y = muscle.y_px[i];
    if (ctx.muscle_region[i] && y >= y0 && y <= y1 && x >= end.left_px - beside_px && x <= end.right_px + beside_px) {
      ++all;
      tracked += ctx.muscle[i] != 0;
    }
  }
  return all >= kMinPoints ? double(tracked) / all : -1.0;
}

}  // namespace

EvidenceSpan evidence_span(const Context& ctx, const std::vector<std::size_t>& points, const Compartment& muscle) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const std::vector<RestPoint> evidence = at_rest(ctx, points);
  double top = 1e30, bottom = -1e30;
  for (const RestPoint& p : evidence) {
    top = std::min(top, p.y_px);
    bottom = std::max(bottom, p.y_px);
  }
  if (top > bottom) return {};
  const double last_top = top, last_bottom = bottom;
  top -= 0.5 * g.step_px;
  bottom += 0.5 * g.step_px;
  // The last grid point whose gradient does not reach across the plane lies at most a step
  // beyond on_plane_px: evidence ending there (its half step added) is as close as it can be seen.
  const double on_plane = on_plane_px(ctx);
  const double unseen_px = on_plane + 0.5 * g.step_px;
  MuscleAtRest region;  // read only when an end needs it
  // How far short of its plane an end lies (px), in muscle the tracker lost or in muscle it
  // followed and that moved without opening (spared); both 0 where the end is as close as can be
  // seen, or where neither can be said. Spared muscle needs two grid rows between the end and
  // the band where nothing is read that did not open: a tear's growth fades under the threshold
  // over a row, and complete tears' ends stopped so, 1.3-1.5 mm short of their plane in tracked
  // muscle, where high-grade partial ones sparing 2-2.6 mm stopped 1.4-2.1 mm short (development
  // clips, 0.5 mm grid; other grids not measured). And those rows must have been tracked: where
  // the tracker lost a point, its growth is the filled-in field's, which says nothing of fibres.
  // Not opening is no proof of intact fibres (a stump tethered at the aponeurosis retracts
  // less): the finding only says it may be partial.
  struct ShortOfPlane {
    double lost_px = 0.0, spared_px = 0.0;
  };
  const auto short_of_plane = [&](double end_px, double plane_px, double last_px) {
    const double short_px = std::abs(plane_px - end_px);
    if (short_px <= unseen_px) return ShortOfPlane{};
    if (region.x_px.empty()) rest_positions(ctx, ctx.muscle_region, region.x_px, region.y_px);
    const EndColumns columns = columns_at_end(evidence, last_px, g.step_px);
    const double to_plane = tracked_share_between(ctx, region, std::min(end_px, plane_px), std::max(end_px, plane_px), columns);
    if (to_plane >= 0 && to_plane <= ctx.s.unseen_end_tracked_share) return ShortOfPlane{short_px, 0.0};
    const bool two_rows = short_px >= unseen_px + g.step_px - 1e-6;  // 1e-6: the boundary itself counts
    if (!two_rows) return ShortOfPlane{};
    const double band_edge_px = plane_px + (end_px < plane_px ? -on_plane : on_plane);
    const double rows = tracked_share_between(ctx, region, std::min(end_px, band_edge_px), std::max(end_px, band_edge_px), columns);
    return rows >= ctx.s.spared_end_tracked_share ? ShortOfPlane{0.0, short_px} : ShortOfPlane{};
  };
  // Evidence beyond a bounding plane (a patch that runs on along the band past it) is not this
  // muscle's: an end there, like one within unseen_px of it, is the plane.
  ShortOfPlane above, below;
  if (muscle.top_is_plane) {
    if (top - muscle.top_y_px <= unseen_px) top = muscle.top_y_px;
    else above = short_of_plane(top, muscle.top_y_px, last_top);
  }
  if (muscle.bottom_is_plane) {
    if (muscle.bottom_y_px - bottom <= unseen_px) bottom = muscle.bottom_y_px;
    else below = short_of_plane(bottom, muscle.bottom_y_px, last_bottom);
  }
  if (top > bottom) return {};  // all of it beyond one plane
  const double mm = ctx.m.mm_per_px_y;
  return {(bottom - top) * mm, above.lost_px * mm, below.lost_px * mm, above.spared_px * mm, below.spared_px * mm};
}

}  // namespace ft::detection
