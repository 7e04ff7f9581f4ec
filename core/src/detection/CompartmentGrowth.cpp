#include <map>

#include "DetectionContext.h"
#include "ft/core/MuscleLayers.h"

namespace ft::detection {
namespace {

constexpr double kOnPlaneMm = 0.5;            // a point this close to a plane's line lies on it
constexpr double kMinCompartmentShare = 0.04;  // of the tracked muscle: fewer points, no statistics of its own
constexpr std::size_t kMinCompartmentPoints = 50;

}  // namespace

// The tracked muscle at its rest positions, split by the rest image's planes. A tear can
// split its compartment too (its gap is not tracked): each side then has its own numbers.
CompartmentGrowth compartment_growth(const Context& ctx) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const DisplacementField& to_rest = ctx.m.cumulative[std::size_t(ctx.rest())];
  std::vector<double> rx(g.size(), 0.0), ry(g.size(), 0.0);
  std::size_t muscle_points = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!ctx.muscle[i]) continue;
    ++muscle_points;
    rx[i] = g.x_px(column_of(g, i)) + to_rest.dx_px[i];
    ry[i] = g.y_px(row_of(g, i)) + to_rest.dy_px[i];
  }
  const std::vector<int> id =
      compartments_between_planes(ctx.planes, rx, ry, ctx.muscle, g.columns, g.rows, kOnPlaneMm / ctx.m.mm_per_px_y);
  std::map<int, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (id[i] >= 0) members[id[i]].push_back(i);
  CompartmentGrowth out;
  out.label.assign(g.size(), -1);
  const std::size_t min_points =
      std::max(kMinCompartmentPoints, std::size_t(kMinCompartmentShare * double(muscle_points)));
  for (const auto& [root, group] : members) {
    if (group.size() < min_points) continue;
    std::vector<double> v;
    for (std::size_t i : group) v.push_back(ctx.log_j[i]);
    const double median = median_of(v);
    for (double& x : v) x = std::abs(x - median);
    for (std::size_t i : group) out.label[i] = int(out.median.size());
    out.median.push_back(median);
    out.sd.push_back(1.4826 * median_of(std::move(v)));
    out.points.push_back(group.size());
  }
  return out;
}

}  // namespace ft::detection
