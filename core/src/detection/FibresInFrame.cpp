#include "DetectionContext.h"

namespace ft::detection {

FibreField fibres_in_frame(const MotionRecord& m, FascicleReadings& readings, const Frame& image, int k,
                           double grain_elongation) {
  const DisplacementField& g = m.cumulative[0];
  const FibreField& on_grid = readings.in_frame(k, image, m, grain_elongation);
  FibreField out{std::vector<float>(g.size(), 0.0f), std::vector<float>(g.size(), 0.0f)};
  const DisplacementField& u = m.cumulative[std::size_t(k)];
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const std::size_t i = g.index(c, r);
      const int cc = int(std::lround(c + u.dx_px[i] / g.step_px)), rr = int(std::lround(r + u.dy_px[i] / g.step_px));
      if (cc < 0 || rr < 0 || cc >= g.columns || rr >= g.rows) continue;  // out of view in frame k: no direction
      out.angle_deg[i] = on_grid.angle_deg[g.index(cc, rr)];
      out.coherence[i] = on_grid.coherence[g.index(cc, rr)];
    }
  return out;
}

void drop_undirected(FibreField& fibres, double min_coherence) {
  for (std::size_t i = 0; i < fibres.angle_deg.size(); ++i)
    if (fibres.coherence[i] < min_coherence) fibres.angle_deg[i] = 0.0f;
}

}  // namespace ft::detection
