#include "ft/core/ContractionAnalysis.h"

#include <algorithm>
#include <cmath>

#include "DetectionContext.h"
#include "ft/core/Deformation.h"

namespace ft {
using detection::median_of;

double fibre_strain_between(const MotionRecord& m, const FibreField& fibres, const std::vector<std::uint8_t>& muscle,
                            int from, int to, int baseline) {
  const DisplacementField& a = m.cumulative[std::size_t(from)];
  const DisplacementField& b = m.cumulative[std::size_t(to)];
  std::vector<double> strains;
  for (int r = 0; r < a.rows; ++r)
    for (int c = 0; c < a.columns; ++c) {
      const std::size_t i = a.index(c, r);
      if (!muscle[i]) continue;
      const Tensor2 fa = deformation_gradient(a, c, r, baseline, m.mm_per_px_x, m.mm_per_px_y);
      const Tensor2 fb = deformation_gradient(b, c, r, baseline, m.mm_per_px_x, m.mm_per_px_y);
      // Fibre direction as it lies in frame `from`.
      const double t = fibres.angle_deg[i] * M_PI / 180.0;
      const double dx = fa.xx * std::cos(t) + fa.xy * std::sin(t), dy = fa.yx * std::cos(t) + fa.yy * std::sin(t);
      const double angle_from = std::atan2(dy, dx) * 180.0 / M_PI;
      strains.push_back((fb * fa.inverse()).stretch_along(angle_from) - 1.0);
    }
  return median_of(std::move(strains));
}

ContractionSummary analyse_contraction(const MotionRecord& m, const FibreField& fibres,
                                       const std::vector<std::uint8_t>& muscle, int baseline) {
  ContractionSummary s;
  const int n = m.frame_count();
  if (n == 0) return s;
  std::vector<double> from_first(std::size_t(n), 0.0);
  for (int k = 1; k < n; ++k) from_first[std::size_t(k)] = fibre_strain_between(m, fibres, muscle, 0, k, baseline);
  s.rest_frame = int(std::max_element(from_first.begin(), from_first.end()) - from_first.begin());
  s.peak_frame = int(std::min_element(from_first.begin(), from_first.end()) - from_first.begin());
  s.strain_by_frame.resize(std::size_t(n));
  for (int k = 0; k < n; ++k)
    s.strain_by_frame[std::size_t(k)] = k == s.rest_frame ? 0.0 : fibre_strain_between(m, fibres, muscle, s.rest_frame, k, baseline);
  s.peak_strain = s.strain_by_frame[std::size_t(s.peak_frame)];
  const double range = std::min(-1e-9, s.peak_strain);
  double previous = 0.0;
  for (int k = 0; k < n; ++k) {
    const double level = s.strain_by_frame[std::size_t(k)] / range;  // 0 rest .. 1 peak
    ContractionPhase phase = ContractionPhase::Rest;
    if (level > 0.8) phase = ContractionPhase::Hold;
    else if (level > 0.2) phase = level >= previous ? ContractionPhase::Contraction : ContractionPhase::Relaxation;
    s.phases.push_back(phase);
    previous = level;
  }
  return s;
}

}  // namespace ft
