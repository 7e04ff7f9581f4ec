#include "DetectionContext.h"

namespace ft::detection {
namespace {
constexpr double kInnerMm = 1.0;      // beyond the patch's own edge (its gradient blurs into it)
constexpr double kOuterMm = 4.0;      // near enough to move with the stump, not with the muscle beyond
constexpr std::size_t kMinSidePoints = 5;

// A point's motion rest -> peak (mm, x right, y down) less what the muscle's own deformation
// f gives it: the same value everywhere on one piece of intact tissue, whatever f is.
void residual_motion(const Context& ctx, std::size_t i, const Tensor2& f, double& rx, double& ry) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const DisplacementField& at_rest = ctx.m.cumulative[std::size_t(ctx.rest())];
  const DisplacementField& at_peak = ctx.m.cumulative[std::size_t(ctx.peak())];
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  const double x = (g.x_px(column_of(g, i)) + at_rest.dx_px[i]) * sx, y = (g.y_px(row_of(g, i)) + at_rest.dy_px[i]) * sy;
  const double ux = (at_peak.dx_px[i] - at_rest.dx_px[i]) * sx, uy = (at_peak.dy_px[i] - at_rest.dy_px[i]) * sy;
  rx = ux - ((f.xx - 1.0) * x + f.xy * y);
  ry = uy - (f.yx * x + (f.yy - 1.0) * y);
}
}  // namespace

std::optional<SurfaceJump> jump_across_surface(const Context& ctx, const std::vector<std::size_t>& comp,
                                               const std::vector<std::size_t>& compartment, double cx, double cy,
                                               double normal_deg, const Tensor2& compartment_f) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const double step_mm = g.step_px * ctx.mm_per_px();
  const int reach = std::max(1, int(std::ceil(kOuterMm / step_mm)));
  std::vector<std::uint8_t> in_comp(g.size(), 0), near(g.size(), 0), same_muscle(g.size(), 0);
  for (std::size_t i : comp) in_comp[i] = 1;
  for (std::size_t i : compartment) same_muscle[i] = 1;
  for (std::size_t i : comp)
    for (int dr = -reach; dr <= reach; ++dr)
      for (int dc = -reach; dc <= reach; ++dc) {
        const int cc = column_of(g, i) + dc, rr = row_of(g, i) + dr;
        if (cc < 0 || rr < 0 || cc >= g.columns || rr >= g.rows) continue;
        const double d_mm = std::hypot(dc, dr) * step_mm;
        if (d_mm >= kInnerMm && d_mm <= kOuterMm && !in_comp[g.index(cc, rr)]) near[g.index(cc, rr)] = 1;
      }
  const double nx = std::cos(normal_deg / kDeg), ny = std::sin(normal_deg / kDeg);
  std::vector<double> side_x[2], side_y[2];
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!near[i] || !ctx.muscle[i] || !same_muscle[i]) continue;  // tracked, and not across a plane
    const int side = (g.x_px(column_of(g, i)) - cx) * nx + (g.y_px(row_of(g, i)) - cy) * ny > 0;
    double rx, ry;
    residual_motion(ctx, i, compartment_f, rx, ry);
    side_x[side].push_back(rx);
    side_y[side].push_back(ry);
  }
  if (side_x[0].size() < kMinSidePoints || side_x[1].size() < kMinSidePoints) return std::nullopt;
  return SurfaceJump{median_of(side_x[1]) - median_of(side_x[0]), median_of(side_y[1]) - median_of(side_y[0])};
}

}  // namespace ft::detection
