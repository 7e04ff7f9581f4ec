#include "DetectionContext.h"
#include "TrackedMuscle.h"
#include "ft/core/CandidateGates.h"

namespace ft::detection {

namespace {

// Rest to peak at a patch point, each F fitted over a disc of baseline_steps
// (deformation_gradient_disc): the jump's normal then follows the surface's tilt against the
// grid, where central differences voted 0 or 45 deg and split an oblique tear in two. A radius
// one step larger reads a tilt closer still, but read the development set no better.
Tensor2 rest_to_peak_for_normal(const Context& ctx, std::size_t i) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const int c = column_of(g, i), r = row_of(g, i);
  const auto disc = [&](int k) {
    return deformation_gradient_disc(ctx.m.cumulative[std::size_t(k)], c, r, ctx.s.baseline_steps, ctx.m.mm_per_px_x,
                                     ctx.m.mm_per_px_y);
  };
  return ctx.rest() == 0 ? disc(ctx.peak()) : disc(ctx.peak()) * disc(ctx.rest()).inverse();
}

}  // namespace

std::vector<Tensor2> surface_jumps(const Context& ctx, const std::vector<std::size_t>& points, const Tensor2& compartment_f) {
  std::vector<Tensor2> jumps;
  jumps.reserve(points.size());
  for (std::size_t i : points) {
    const Tensor2 f = rest_to_peak_for_normal(ctx, i);
    jumps.push_back(Tensor2{f.xx - compartment_f.xx, f.xy - compartment_f.xy, f.yx - compartment_f.yx,
                            f.yy - compartment_f.yy});
  }
  return jumps;
}

std::vector<double> excess_growth(const Context& ctx, const std::vector<std::size_t>& points) {
  std::vector<double> e;
  e.reserve(points.size());
  for (std::size_t i : points) e.push_back(excess_growth_at(ctx, i));
  return e;
}

std::vector<std::uint8_t> agrees_with_dominant(const Context& ctx, const std::vector<Tensor2>& jumps,
                                               const std::vector<double>& excess) {
  const double dominant = gates::dominant_normal_deg(jumps, excess, ctx.s.max_vote_weight);
  std::vector<std::uint8_t> agrees(jumps.size());
  for (std::size_t k = 0; k < jumps.size(); ++k)
    agrees[k] = gates::axial_difference_deg(gates::surface_motion(jumps[k]).normal_deg, dominant) <=
                ctx.s.surface_agreement_deg;
  return agrees;
}

std::vector<std::vector<std::size_t>> patch_surfaces(const Context& ctx, const std::vector<std::size_t>& patch) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const double point_area_mm2 = g.step_px * g.step_px * ctx.m.mm_per_px_x * ctx.m.mm_per_px_y;
  double cx = 0, cy = 0, wsum = 0;
  const std::vector<double> excess = excess_growth(ctx, patch);
  for (std::size_t k = 0; k < patch.size(); ++k) {
    cx += excess[k] * g.x_px(column_of(g, patch[k]));
    cy += excess[k] * g.y_px(row_of(g, patch[k]));
    wsum += excess[k];
  }
  const std::optional<Tensor2> f_bg = compartment_deformation(ctx, compartment_points(ctx, cx / wsum, cy / wsum, 10.0), ctx.peak());
  if (!f_bg) return {patch};  // judged (and rejected) as a whole: its muscle's motion is unknown
  const std::vector<Tensor2> jumps = surface_jumps(ctx, patch, *f_bg);
  const std::vector<std::uint8_t> agrees = agrees_with_dominant(ctx, jumps, excess);
  std::vector<std::uint8_t> disagrees(g.size(), 0);
  for (std::size_t k = 0; k < patch.size(); ++k) disagrees[patch[k]] = !agrees[k];
  // Coherent groups that disagree become surfaces of their own; scattered points stay
  // with the dominant surface (a gap's noise, not another surface).
  std::vector<std::vector<std::size_t>> others;
  std::vector<std::uint8_t> taken(g.size(), 0);
  for (auto& group : components(disagrees, g.columns, g.rows))
    if (double(group.size()) * point_area_mm2 >= ctx.s.min_evidence_area_mm2) {
      for (std::size_t i : group) taken[i] = 1;
      others.push_back(std::move(group));
    }
  std::vector<std::size_t> main;
  for (std::size_t i : patch)
    if (!taken[i]) main.push_back(i);
  std::vector<std::vector<std::size_t>> out;
  if (!main.empty() && double(main.size()) * point_area_mm2 >= ctx.s.min_evidence_area_mm2) out.push_back(std::move(main));
  for (auto& o : others) out.push_back(std::move(o));
  return out.empty() ? std::vector<std::vector<std::size_t>>{patch} : out;
}

}  // namespace ft::detection
