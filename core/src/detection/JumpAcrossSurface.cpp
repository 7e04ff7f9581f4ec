#include <limits>

#include "DetectionContext.h"

namespace ft::detection {
namespace {
constexpr double kInnerMm = 1.0;  // beyond the patch's own edge: the tracker fills its motion in across the gap
constexpr double kOuterMm = 4.0;  // near enough to move with the stump, not with the muscle beyond
constexpr std::size_t kMinSidePoints = 5;

// A grid point's rest position (frame px).
void rest_position(const Context& ctx, std::size_t i, double& x, double& y) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const DisplacementField& at_rest = ctx.m.cumulative[std::size_t(ctx.rest())];
  x = g.x_px(column_of(g, i)) + at_rest.dx_px[i];
  y = g.y_px(row_of(g, i)) + at_rest.dy_px[i];
}

// A point's motion rest -> peak (mm, x right, y down) less what the muscle's own deformation
// f gives it: the same value everywhere on one piece of intact tissue, whatever f is.
void residual_motion(const Context& ctx, std::size_t i, const Tensor2& f, double& rx, double& ry) {
  const DisplacementField& at_rest = ctx.m.cumulative[std::size_t(ctx.rest())];
  const DisplacementField& at_peak = ctx.m.cumulative[std::size_t(ctx.peak())];
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  double x, y;
  rest_position(ctx, i, x, y);
  x *= sx;
  y *= sy;
  const double ux = (at_peak.dx_px[i] - at_rest.dx_px[i]) * sx, uy = (at_peak.dy_px[i] - at_rest.dy_px[i]) * sy;
  rx = ux - ((f.xx - 1.0) * x + f.xy * y);
  ry = uy - (f.yx * x + (f.yy - 1.0) * y);
}

// Per grid point, the distance (mm) to the nearest of `points` within kOuterMm and which one
// that is; infinity and none beyond.
struct NearestPatchPoint {
  std::vector<double> distance_mm;
  std::vector<std::size_t> point;
};
NearestPatchPoint nearest_patch_points(const Context& ctx, const std::vector<std::size_t>& points) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const double step_x_mm = g.step_px * ctx.m.mm_per_px_x, step_y_mm = g.step_px * ctx.m.mm_per_px_y;
  const int reach_c = std::max(1, int(std::ceil(kOuterMm / step_x_mm))), reach_r = std::max(1, int(std::ceil(kOuterMm / step_y_mm)));
  NearestPatchPoint out{std::vector<double>(g.size(), std::numeric_limits<double>::infinity()), std::vector<std::size_t>(g.size(), 0)};
  for (std::size_t p : points)
    for (int dr = -reach_r; dr <= reach_r; ++dr)
      for (int dc = -reach_c; dc <= reach_c; ++dc) {
        const int cc = column_of(g, p) + dc, rr = row_of(g, p) + dr;
        if (cc < 0 || rr < 0 || cc >= g.columns || rr >= g.rows) continue;
        const std::size_t i = g.index(cc, rr);
        const double d = std::hypot(dc * step_x_mm, dr * step_y_mm);
        if (d < out.distance_mm[i]) {
          out.distance_mm[i] = d;
          out.point[i] = p;
        }
      }
  return out;
}
}  // namespace

std::optional<SurfaceJump> jump_across_surface(const Context& ctx, const std::vector<std::size_t>& surface,
                                               const std::vector<std::size_t>& patch, const std::vector<std::size_t>& compartment,
                                               double cx, double cy, double normal_deg, const Tensor2& compartment_f) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  const double nx = std::cos(normal_deg / kDeg), ny = std::sin(normal_deg / kDeg);
  const auto across_mm = [&](std::size_t i) { return (g.x_px(column_of(g, i)) - cx) * sx * nx + (g.y_px(row_of(g, i)) - cy) * sy * ny; };
  const auto along_mm = [&](std::size_t i) { return -(g.x_px(column_of(g, i)) - cx) * sx * ny + (g.y_px(row_of(g, i)) - cy) * sy * nx; };
  double half_width_mm = 0.0, half_length_mm = 0.0;  // how far the surface's points reach across it and along it
  for (std::size_t p : surface) {
    half_width_mm = std::max(half_width_mm, std::abs(across_mm(p)));
    half_length_mm = std::max(half_length_mm, std::abs(along_mm(p)));
  }
  std::vector<std::uint8_t> in_patch(g.size(), 0), same_muscle(g.size(), 0);
  for (std::size_t i : patch) in_patch[i] = 1;
  for (std::size_t i : compartment) same_muscle[i] = 1;
  const NearestPatchPoint nearest = nearest_patch_points(ctx, surface);
  std::vector<double> side_x[2], side_y[2];
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double d = nearest.distance_mm[i], s = across_mm(i);
    if (d < kInnerMm || d > kOuterMm || in_patch[i] || !ctx.muscle[i] || !same_muscle[i]) continue;
    // Beside the surface, not past its ends (where a patch may join it to a band sliding along an
    // aponeurosis), and with no bright plane between it and the surface: across one is another muscle.
    if (std::abs(s) < half_width_mm + kInnerMm || std::abs(along_mm(i)) > half_length_mm) continue;
    const std::size_t p = nearest.point[i];  // across a plane from it: another muscle, sliding 15-35 mm
    if (plane_between(ctx, g.x_px(column_of(g, i)), g.y_px(row_of(g, i)), g.x_px(column_of(g, p)), g.y_px(row_of(g, p)))) continue;
    double rx, ry;
    residual_motion(ctx, i, compartment_f, rx, ry);
    side_x[s > 0].push_back(rx);
    side_y[s > 0].push_back(ry);
  }
  if (side_x[0].size() < kMinSidePoints || side_x[1].size() < kMinSidePoints) return std::nullopt;
  return SurfaceJump{median_of(side_x[1]) - median_of(side_x[0]), median_of(side_y[1]) - median_of(side_y[0])};
}

}  // namespace ft::detection
