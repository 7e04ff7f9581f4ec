#include <map>

#include "DetectionContext.h"
#include "TrackedMuscle.h"

namespace ft::detection {
namespace {

// Fewer trackable points than this: a sliver between planes, its strain not worth judging.
constexpr std::size_t kMinJudgedPoints = 50;

// Whether the trackable tissue of one compartment (between the rest image's planes) is shown
// not to be muscle: at the frame nearest peak where the tracker still held at least half of it,
// the muscle had shortened and this tissue shortened along its fibres by less than
// contracting_share of that (fat, skin, tissue beyond the deep fascia). Tissue lost before it
// could show this counts as muscle: losing it is what the fraction reports.
bool shown_not_muscle(const Context& ctx, const std::vector<std::size_t>& trackable) {
  if (trackable.size() < kMinJudgedPoints) return false;
  const int rest = ctx.rest(), peak = ctx.peak(), step = peak >= rest ? 1 : -1;
  const DisplacementField& at_rest = ctx.m.cumulative[std::size_t(rest)];
  for (int k = peak; k != rest; k -= step) {
    const DisplacementField& now = ctx.m.cumulative[std::size_t(k)];
    std::vector<std::size_t> held;
    for (std::size_t i : trackable)
      if (at_rest.valid[i] && now.valid[i]) held.push_back(i);
    if (2 * held.size() < trackable.size() || held.size() < kMinJudgedPoints) continue;
    const double muscle = ctx.contraction.strain_by_frame[std::size_t(k)];
    if (muscle > -ctx.s.min_peak_strain) return false;  // too early in the contraction to tell
    return median_fibre_strain(ctx, held, k) > ctx.s.contracting_share * muscle;
  }
  return false;
}

}  // namespace

// Trackable tissue (tracked in some frame) in view at rest and at peak, grouped by the rest
// image's planes; the planes' own lines are aponeuroses and fascia, not muscle.
std::vector<std::uint8_t> muscle_region(const Context& ctx) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const std::vector<std::uint8_t> trackable = trackable_in_view(ctx.m, ctx.s.border_steps, ctx.rest(), ctx.peak());
  std::vector<double> rx, ry;
  rest_positions(ctx, trackable, rx, ry);
  const std::vector<int> id = compartments_between_planes(ctx.planes, rx, ry, trackable, g.columns, g.rows, on_plane_px(ctx));
  std::map<int, std::vector<std::size_t>> compartments;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (id[i] >= 0) compartments[id[i]].push_back(i);
  std::vector<std::uint8_t> region(g.size(), 0);
  for (const auto& [root, points] : compartments)
    if (!shown_not_muscle(ctx, points))
      for (std::size_t i : points) region[i] = 1;
  return region;
}

std::optional<double> muscle_tracked_fraction(const Context& ctx) {
  long in_muscle = 0, tracked = 0;
  for (std::size_t i = 0; i < ctx.muscle_region.size(); ++i)
    if (ctx.muscle_region[i]) {
      ++in_muscle;
      tracked += ctx.muscle[i];
    }
  if (in_muscle == 0) return std::nullopt;
  return double(tracked) / double(in_muscle);
}

}  // namespace ft::detection
