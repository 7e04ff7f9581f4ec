#include "ft/core/ContractionAnalysis.h"

#include <algorithm>
#include <cmath>
#include <limits>

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

namespace {
// A hold at peak, and a rest, are plateaus: their frames differ by the tracking's noise (a few
// thousandths of strain), and the most extreme of them moves across the whole plateau — seven
// frames, with another set of tracked points and another peak image — when every displacement
// changes by a hundredth of a pixel. The first frame within this share of the contraction's range
// of the extreme is taken instead: it moves by a frame at most.
constexpr double kPlateauShare = 0.05;

// The lowest (or highest) finite value of v[from, to); NaN when none is finite (an unmeasured
// frame is never an extreme).
double finite_extreme(const std::vector<double>& v, std::size_t from, std::size_t to, bool lowest) {
  double extreme = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t k = from; k < to; ++k)
    if (std::isfinite(v[k]) && (std::isnan(extreme) || (lowest ? v[k] < extreme : v[k] > extreme))) extreme = v[k];
  return extreme;
}

// The first frame of [from, to) within `tolerance` of the lowest finite value there (of the
// highest when !lowest); `from` when none is finite.
std::size_t first_on_plateau(const std::vector<double>& v, std::size_t from, std::size_t to, bool lowest, double tolerance) {
  const double extreme = finite_extreme(v, from, to, lowest);
  for (std::size_t k = from; k < to && std::isfinite(extreme); ++k)
    if (std::isfinite(v[k]) && std::abs(v[k] - extreme) <= tolerance) return k;
  return from;
}

// The frame holding the lowest finite value of v[from, to) (the first of equals); `from` when none.
std::size_t most_contracted(const std::vector<double>& v, std::size_t from, std::size_t to) {
  return first_on_plateau(v, from, to, true, 0.0);
}
}  // namespace

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
  const double tolerance = kPlateauShare * std::abs(peak_strain);
  const auto most_relaxed = [&](std::size_t from, std::size_t to) {  // of the measured frames
    return first_on_plateau(strain_by_frame, from, to, false, tolerance);
  };
  std::size_t relaxed_from = 0, k = 0;
  const std::size_t n = raw.size();
  bool last_still_rising = false;
  while (k < n) {
    while (k < n && level(k) < kEnter) ++k;  // relaxed stretch [relaxed_from, start)
    if (k == n) break;
    const std::size_t start = k;
    while (k < n && level(k) > kLeave) ++k;
    if (int(k - start) < kMinFrames) continue;  // its frames stay in the relaxed stretch before the next
    const std::size_t peak = first_on_plateau(strain_by_frame, start, k, true, tolerance);
    // Its most contracted frame among the last three: a frame grabber repeats each scanner frame
    // up to three times, and which copy reads most contracted is noise.
    last_still_rising = k == n && most_contracted(strain_by_frame, start, k) + 3 >= n;
    ContractionCycle c;
    c.first_frame = int(start);
    c.last_frame = int(k - 1);
    c.peak_frame = int(peak);
    c.peak_strain = raw[most_contracted(strain_by_frame, start, k)];  // the extreme, not the plateau's start
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
  if (cycles.size() > 1 && last_still_rising) cycles.pop_back();
  return cycles;
}

ContractionSummary analyse_contraction(const MotionRecord& m, const FibreField& fibres,
                                       const std::vector<std::uint8_t>& muscle, int baseline) {
  ContractionSummary s;
  const int n = m.frame_count();
  if (n == 0) return s;
  std::vector<double> from_first(std::size_t(n), 0.0);
  for (int k = 1; k < n; ++k) from_first[std::size_t(k)] = fibre_strain_between(m, fibres, muscle, 0, k, baseline);
  const std::size_t frames = from_first.size();
  const double spread = finite_extreme(from_first, 0, frames, false) - finite_extreme(from_first, 0, frames, true);
  s.rest_frame = int(first_on_plateau(from_first, 0, frames, false, kPlateauShare * spread));  // frame 0 is finite
  s.strain_by_frame.resize(frames);
  for (int k = 0; k < n; ++k)
    s.strain_by_frame[std::size_t(k)] = k == s.rest_frame ? 0.0 : fibre_strain_between(m, fibres, muscle, s.rest_frame, k, baseline);
  // The peak on the curve from rest, the one the contractions are found on; its strain is the
  // extreme itself (the one frame rest is measured at has 0: always finite).
  s.peak_strain = finite_extreme(s.strain_by_frame, 0, frames, true);
  s.peak_frame = int(first_on_plateau(s.strain_by_frame, 0, frames, true, kPlateauShare * std::abs(s.peak_strain)));
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
