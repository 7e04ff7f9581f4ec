#include "ft/core/ContractionAnalysis.h"

#include <algorithm>
#include <cmath>

#include "DetectionContext.h"
#include "ft/core/CandidateGates.h"
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

std::vector<ContractionCycle> find_contractions(const std::vector<double>& strain_by_frame, double peak_strain) {
  constexpr double kEnter = 0.6, kLeave = 0.3;  // hysteresis: a wobble at the top is not a new contraction
  constexpr int kMinFrames = 2;                 // one frame above kEnter is a glitch (a re-match, a probe slip)
  std::vector<ContractionCycle> cycles;
  if (!(peak_strain < 0)) return cycles;
  // A frame whose strain could not be measured reads as relaxed (it neither starts nor holds a
  // contraction); one frame's noise does not split or make one (running median of three).
  std::vector<double> raw = strain_by_frame;
  for (double& v : raw)
    if (!std::isfinite(v)) v = 0.0;
  const std::vector<double> smooth = gates::running_median3(raw);
  const auto level = [&](std::size_t k) { return smooth[k] / peak_strain; };  // stretches from the smoothed curve,
  const auto most_relaxed = [&](std::size_t from, std::size_t to) {          // frames from the measured one
    std::size_t best = from;
    for (std::size_t k = from; k < to; ++k)
      if (raw[k] > raw[best]) best = k;
    return best;
  };
  std::size_t relaxed_from = 0, k = 0;
  const std::size_t n = raw.size();
  while (k < n) {
    while (k < n && level(k) < kEnter) ++k;  // relaxed stretch [relaxed_from, start)
    if (k == n) break;
    const std::size_t start = k;
    std::size_t peak = k;
    while (k < n && level(k) > kLeave) {
      if (raw[k] < raw[peak]) peak = k;
      ++k;
    }
    if (int(k - start) < kMinFrames) continue;  // its frames stay in the relaxed stretch before the next
    ContractionCycle c;
    c.first_frame = int(start);
    c.last_frame = int(k - 1);
    c.peak_frame = int(peak);
    c.peak_strain = raw[peak];
    if (start > relaxed_from) {
      c.rest_frame = int(most_relaxed(relaxed_from, start));
    } else {  // contracted from the first frame: the relaxation after it is its rest
      std::size_t end = k;
      while (end < n && level(end) < kEnter) ++end;
      c.rest_frame = int(k < n ? most_relaxed(k, end) : most_relaxed(0, n));  // never relaxed: the clip's rest
    }
    c.rest_strain = raw[std::size_t(c.rest_frame)];
    cycles.push_back(c);
    relaxed_from = k;
  }
  // A last contraction still rising when the clip (or a live window) ends has not shown its gap
  // yet: it is not held against a tear the earlier ones opened.
  if (cycles.size() > 1 && cycles.back().peak_frame == int(n) - 1) cycles.pop_back();
  return cycles;
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
  s.cycles = find_contractions(s.strain_by_frame, s.peak_strain);
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
