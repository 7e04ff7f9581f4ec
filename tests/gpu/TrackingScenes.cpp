#include "TrackingScenes.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ft::test {

FieldError compare_fields(const DisplacementField& tracked, const DisplacementField& truth) {
  FieldError e;
  double sx = 0, sy = 0, s2 = 0, se = 0;
  std::vector<double> epe;
  for (int r = 0; r < tracked.rows; ++r)
    for (int c = 0; c < tracked.columns; ++c) {
      const std::size_t i = tracked.index(c, r);
      if (!tracked.valid[i]) continue;
      const int tc = int(std::lround((tracked.x_px(c) - truth.origin_x_px) / truth.step_px));
      const int tr = int(std::lround((tracked.y_px(r) - truth.origin_y_px) / truth.step_px));
      if (tc < 0 || tr < 0 || tc >= truth.columns || tr >= truth.rows) continue;
      const std::size_t j = truth.index(tc, tr);
      if (!truth.valid[j]) continue;
      const double ex = tracked.dx_px[i] - truth.dx_px[j], ey = tracked.dy_px[i] - truth.dy_px[j];
      sx += ex;
      sy += ey;
      s2 += ex * ex + ey * ey;
      se += std::hypot(ex, ey);
      epe.push_back(std::hypot(ex, ey));
      ++e.points;
    }
  if (e.points) {
    e.bias_x_px = sx / e.points;
    e.bias_y_px = sy / e.points;
    e.rmse_px = std::sqrt(s2 / e.points);
    e.mean_epe_px = se / e.points;
    std::sort(epe.begin(), epe.end());
    e.median_epe_px = epe[epe.size() / 2];
    e.share_within_half_px = double(std::upper_bound(epe.begin(), epe.end(), 0.5) - epe.begin()) / double(epe.size());
  }
  return e;
}

}  // namespace ft::test
