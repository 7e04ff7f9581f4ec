#include "ft/core/GapFollower.h"

#include <cmath>
#include <utility>

#include "DetectionContext.h"

namespace ft {

std::optional<Tensor2> median_rest_to_frame(const DisplacementField& u_k, const std::vector<std::size_t>& points,
                                            const std::vector<Tensor2>& rest_inverse, int baseline_steps,
                                            double mm_per_px_x, double mm_per_px_y) {
  if (points.size() < 5) return std::nullopt;
  std::vector<double> xx, xy, yx, yy;
  for (std::size_t j = 0; j < points.size(); ++j) {
    const std::size_t i = points[j];
    const Tensor2 f = deformation_gradient(u_k, int(i % std::size_t(u_k.columns)), int(i / std::size_t(u_k.columns)),
                                           baseline_steps, mm_per_px_x, mm_per_px_y) *
                      rest_inverse[j];
    xx.push_back(f.xx);
    xy.push_back(f.xy);
    yx.push_back(f.yx);
    yy.push_back(f.yy);
  }
  using detection::median_of;
  const Tensor2 f{median_of(std::move(xx)), median_of(std::move(xy)), median_of(std::move(yx)), median_of(std::move(yy))};
  if (f.det() <= 0.1) return std::nullopt;
  return f;
}

GapFollower::GapFollower(std::vector<std::size_t> compartment, std::vector<Tensor2> rest_inverse, int baseline_steps,
                         double mm_per_px_x, double mm_per_px_y, GapFollowerGeometry geometry)
    : compartment_(std::move(compartment)),
      rest_inverse_(std::move(rest_inverse)),
      baseline_steps_(baseline_steps),
      mm_per_px_x_(mm_per_px_x),
      mm_per_px_y_(mm_per_px_y),
      g_(geometry) {}

std::optional<Tensor2> GapFollower::compartment_deformation(const DisplacementField& u_k) const {
  return median_rest_to_frame(u_k, compartment_, rest_inverse_, baseline_steps_, mm_per_px_x_, mm_per_px_y_);
}

double GapFollower::opening_mm(const DisplacementField& u_k, const Tensor2& rest_to_k) const {
  const detection::CarriedNormal n = detection::carry_normal(rest_to_k, g_.normal_x, g_.normal_y);
  double dax = 0, day = 0, dbx = 0, dby = 0;
  displacement_at(u_k, g_.stump_a_x_px, g_.stump_a_y_px, dax, day);
  displacement_at(u_k, g_.stump_b_x_px, g_.stump_b_y_px, dbx, dby);
  const double xa = g_.stump_a_x_px + dax, ya = g_.stump_a_y_px + day;
  const double xb = g_.stump_b_x_px + dbx, yb = g_.stump_b_y_px + dby;
  return (xb - xa) * mm_per_px_x_ * n.x + (yb - ya) * mm_per_px_y_ * n.y - g_.rest_separation_mm / n.length;
}

double GapFollower::opening_if_unshortened_mm(const Tensor2& rest_to_k) const {
  const detection::CarriedNormal n = detection::carry_normal(rest_to_k, g_.normal_x, g_.normal_y);
  return g_.rest_separation_mm - g_.rest_separation_mm / n.length;
}

std::optional<double> GapFollower::opening_mm(const DisplacementField& u_k) const {
  const std::optional<Tensor2> f = compartment_deformation(u_k);
  if (!f) return std::nullopt;
  return opening_mm(u_k, *f);
}

double GapFollower::gap_mm(std::optional<double> opening) const {
  if (!opening || !std::isfinite(*opening)) return gap_rest_mm_;
  return std::max(0.0, gap_rest_mm_ + gap_per_opening_ * *opening);
}

double GapFollower::gap_mm(const DisplacementField& u_k) const { return gap_mm(opening_mm(u_k)); }

void GapFollower::stumps_motion_px(const DisplacementField& u_from, const DisplacementField& u_to, double& dx_px,
                                   double& dy_px) const {
  dx_px = dy_px = 0;
  for (const auto& [x, y] : {std::pair{g_.stump_a_x_px, g_.stump_a_y_px}, std::pair{g_.stump_b_x_px, g_.stump_b_y_px}}) {
    double fx = 0, fy = 0, tx = 0, ty = 0;
    displacement_at(u_from, x, y, fx, fy);
    displacement_at(u_to, x, y, tx, ty);
    dx_px += 0.5 * (tx - fx);
    dy_px += 0.5 * (ty - fy);
  }
}

}  // namespace ft
