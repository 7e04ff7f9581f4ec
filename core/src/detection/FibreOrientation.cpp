#include "ft/core/FibreOrientation.h"

#include <cmath>

namespace ft {

double mean_orientation_deg(const std::vector<float>& angle_deg, const std::vector<float>& weight) {
  double sc = 0, ss = 0;
  for (std::size_t i = 0; i < angle_deg.size(); ++i) {
    const double a = 2.0 * angle_deg[i] * M_PI / 180.0;
    sc += weight[i] * std::cos(a);
    ss += weight[i] * std::sin(a);
  }
  return 0.5 * std::atan2(ss, sc) * 180.0 / M_PI;
}

}  // namespace ft
