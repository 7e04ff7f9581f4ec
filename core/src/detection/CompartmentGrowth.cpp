#include <cmath>
#include <map>

#include "DetectionContext.h"

namespace ft::detection {
namespace {

constexpr double kOnPlaneMm = 0.5;             // a plane's own line
constexpr double kMinCompartmentShare = 0.04;  // of the tracked muscle: fewer points, no statistics of its own
constexpr std::size_t kMinCompartmentPoints = 50;
constexpr std::size_t kMinDirectedPoints = 20;  // fewer with a clear direction: the angle is not read

// The points of a compartment (rest positions rx, ry, frame px) at least kFibresBeyondPlaneMm
// from every bright plane of the rest image in their own column: a plane's line reads as level
// fibres (4 deg too flat over a 14 mm muscle), and aponeuroses tilt and converge, so the
// compartment's shallowest and deepest points do not say where its planes are.
std::vector<std::size_t> away_from_planes(const Context& ctx, const std::vector<std::size_t>& group, const std::vector<double>& rx,
                                          const std::vector<double>& ry) {
  const double clearance_px = kFibresBeyondPlaneMm / ctx.m.mm_per_px_y;
  std::vector<std::size_t> inner;
  for (std::size_t i : group) {
    const std::vector<double>& planes = ctx.planes.planes_at(rx[i]);
    if (std::none_of(planes.begin(), planes.end(), [&](double p) { return std::abs(p - ry[i]) < clearance_px; }))
      inner.push_back(i);
  }
  return inner;
}

// The angles and coherences of the points whose texture shows a direction in `fibres`.
void directed_fibres(const Context& ctx, const FibreField& fibres, const std::vector<std::size_t>& points,
                     std::vector<float>& angles, std::vector<float>& weights) {
  for (std::size_t i : points)
    if (i < fibres.coherence.size() && fibres.coherence[i] >= ctx.s.min_fibre_coherence) {
      angles.push_back(fibres.angle_deg[i]);
      weights.push_back(fibres.coherence[i]);
    }
}

}  // namespace

double fibre_agreement_of(const Context& ctx, const FibreField& fibres, const std::vector<std::size_t>& points) {
  std::vector<float> angles, weights;
  directed_fibres(ctx, fibres, points, angles, weights);
  if (angles.size() < kMinDirectedPoints) return kUnmeasured;
  double c2 = 0, s2 = 0, w = 0;
  for (std::size_t k = 0; k < angles.size(); ++k) {
    c2 += weights[k] * std::cos(2.0 * angles[k] / kDeg);
    s2 += weights[k] * std::sin(2.0 * angles[k] / kDeg);
    w += weights[k];
  }
  return std::hypot(c2, s2) / w;
}

std::optional<double> fibre_direction_of(const Context& ctx, const FibreField& fibres, const std::vector<std::size_t>& points) {
  std::vector<float> angles, weights;
  directed_fibres(ctx, fibres, points, angles, weights);
  if (angles.size() < kMinDirectedPoints) return std::nullopt;
  return mean_orientation_deg(angles, weights);
}

CommonCompartment most_common_compartment(const CompartmentStatistics& compartments, const std::vector<std::size_t>& points) {
  std::map<int, int> count;
  for (std::size_t i : points)
    if (compartments.label[i] >= 0) ++count[compartments.label[i]];
  CommonCompartment out;
  for (const auto& [label, n] : count)  // ties: the first label
    if (n > out.points) out = {label, n};
  return out;
}

double median_fibre_strain(const Context& ctx, const std::vector<std::size_t>& points, int k) {
  const DisplacementField& g = ctx.m.cumulative[0];
  std::vector<double> v;
  for (std::size_t i : points) {
    const int c = column_of(g, i), r = row_of(g, i);
    v.push_back(k == ctx.peak() ? strain_along(ctx, c, r, ctx.fibres.angle_deg[i])  // rest -> peak, already measured
                                : rest_to_frame(ctx, k, c, r).stretch_along(ctx.fibres.angle_deg[i]) - 1.0);
  }
  return median_of(std::move(v));
}

// Rest-frame positions of the points in `use` (the motion's estimate where not tracked).
void rest_positions(const Context& ctx, const std::vector<std::uint8_t>& use, std::vector<double>& x,
                    std::vector<double>& y) {
  const DisplacementField& g = ctx.m.cumulative[0];
  x.assign(g.size(), 0.0);
  y.assign(g.size(), 0.0);
  for (std::size_t i = 0; i < g.size(); ++i)
    if (use[i]) position_in(ctx.m, ctx.rest(), g.x_px(column_of(g, i)), g.y_px(row_of(g, i)), x[i], y[i]);
}

// A plane's own line and the deformation gradient's reach of it (rest px): a sliding
// aponeurosis shears the points there.
double on_plane_px(const Context& ctx) {
  const DisplacementField& g = ctx.m.cumulative[0];
  return std::max(kOnPlaneMm, ctx.s.baseline_steps * g.step_px * ctx.m.mm_per_px_y) / ctx.m.mm_per_px_y;
}

// The tracked muscle at its rest positions, split by the rest image's planes. A tear can
// split its compartment too (its gap is not tracked): each side then has its own numbers.
// Points whose area change reads across a plane (within the deformation gradient's reach
// of it: a sliding aponeurosis shears them) and compartments that do not contract (fat,
// skin, tissue beyond the deep fascia) keep the whole muscle's statistics.
CompartmentStatistics compartment_growth(const Context& ctx) {
  const DisplacementField& g = ctx.m.cumulative[0];
  std::vector<double> rx, ry;
  rest_positions(ctx, ctx.muscle, rx, ry);
  const auto muscle_points = std::size_t(std::count(ctx.muscle.begin(), ctx.muscle.end(), 1));
  const std::vector<int> id = compartments_between_planes(ctx.planes, rx, ry, ctx.muscle, g.columns, g.rows, on_plane_px(ctx));
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (id[i] >= 0) members[id[i]].push_back(i);
  CompartmentStatistics out;
  out.label.assign(g.size(), -1);
  const double point_area_mm2 = g.step_px * g.step_px * ctx.m.mm_per_px_x * ctx.m.mm_per_px_y;
  const std::size_t min_points =
      std::max(kMinCompartmentPoints, std::size_t(kMinCompartmentShare * double(muscle_points)));
  for (const auto& [root, group] : members) {
    if (group.size() < min_points || median_fibre_strain(ctx, group, ctx.peak()) > -ctx.s.min_peak_strain) continue;
    std::vector<double> v, depth;
    for (std::size_t i : group) {
      v.push_back(ctx.log_j[i]);
      depth.push_back((ry[i] - ctx.m.region.bounds.y0_px) * ctx.m.mm_per_px_y);
    }
    const double median = median_of(v);
    for (double& x : v) x = std::abs(x - median);
    const double sd = 1.4826 * median_of(std::move(v));
    for (std::size_t i : group) out.label[i] = int(out.each.size());
    const double top_mm = *std::min_element(depth.begin(), depth.end()), bottom_mm = *std::max_element(depth.begin(), depth.end());
    const std::vector<std::size_t> inner = away_from_planes(ctx, group, rx, ry);
    out.each.push_back({top_mm, bottom_mm, double(group.size()) * point_area_mm2, median, sd, candidate_threshold(ctx.s, sd),
                        fibre_direction_of(ctx, ctx.fibres, inner).value_or(kUnmeasured),
                        fibre_direction_of(ctx, ctx.fibres_at_peak, inner).value_or(kUnmeasured),
                        fibre_agreement_of(ctx, ctx.fibres_at_peak, inner)});
  }
  return out;
}

}  // namespace ft::detection
