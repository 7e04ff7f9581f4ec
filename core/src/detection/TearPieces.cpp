// One tear seen as two patches of area growth, each too short along its surface to be judged
// a gap (the shape gate): cut by a plane's bright line, where nothing is tracked (the central
// aponeurosis of a bipennate muscle), or by a row where the gap's growth stayed under the
// threshold (a partial tear through half a bipennate muscle, missed on held-out seed 20000).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "DetectionContext.h"
#include "ft/core/CandidateGates.h"

namespace ft::detection {
namespace {

// A piece's surface where it lay in the rest frame (its direction and length are read there).
gates::RestSurface rest_surface(const Context& ctx, const CandidateEvidence& ev) {
  double rx, ry;
  position_in(ctx.m, ctx.rest(), ev.centre_col_px, ev.centre_row_px, rx, ry);
  return {rx * ctx.m.mm_per_px_x, ry * ctx.m.mm_per_px_y, ev.surface_normal_deg, ev.length_along_mm};
}

std::size_t root_of(std::vector<std::size_t>& parent, std::size_t i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

}  // namespace

JoinedPieces join_pieces(const Context& ctx, const std::vector<ShortSurface>& pieces, std::size_t patch_count,
                         const DetectionResult& result) {
  JoinedPieces joined;
  joined.length_mm.assign(pieces.size(), kUnmeasured);
  std::vector<std::size_t> parent(patch_count);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  std::vector<gates::RestSurface> surfaces;
  for (const ShortSurface& p : pieces) surfaces.push_back(rest_surface(ctx, result.candidates[p.evidence]));
  for (std::size_t a = 0; a < pieces.size(); ++a)
    for (std::size_t b = a + 1; b < pieces.size(); ++b) {
      if (pieces[a].patch == pieces[b].patch) continue;
      const CandidateEvidence& ea = result.candidates[pieces[a].evidence];
      const CandidateEvidence& eb = result.candidates[pieces[b].evidence];
      const std::optional<double> l = gates::joined_length_mm(surfaces[a], ea.fibre_angle_deg, surfaces[b], eb.fibre_angle_deg);
      // Together longer along the surface than the wider piece is across it, with no
      // exemption for length: two round pockets side by side are not a gap.
      if (!l || *l < ctx.s.min_gap_elongation * std::max(ea.width_across_mm, eb.width_across_mm)) continue;
      for (std::size_t i : {a, b})
        if (!std::isfinite(joined.length_mm[i]) || *l > joined.length_mm[i]) joined.length_mm[i] = *l;
      parent[root_of(parent, pieces[a].patch)] = root_of(parent, pieces[b].patch);
    }
  joined.patch_root.resize(patch_count);
  for (std::size_t k = 0; k < patch_count; ++k) joined.patch_root[k] = root_of(parent, k);
  return joined;
}

}  // namespace ft::detection
