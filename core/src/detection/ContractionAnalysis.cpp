#include "ft/core/ContractionAnalysis.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "DetectionContext.h"
#include "ft/core/CandidateGates.h"
#include "ft/core/Deformation.h"

namespace ft {
using detection::median_of;

namespace {

// The muscle's points as they lie in one frame, `from`: its deformation gradient (inverted)
// and the fibres' direction there, which every strain from that frame to another reuses. The
// contraction is read from two frames to every frame of the clip (live: every evaluation), so
// this is worked out once per point, not once per point and frame.
class StrainFromFrame {
 public:
  StrainFromFrame(const MotionRecord& m, const FibreField& fibres, const std::vector<std::uint8_t>& muscle, int from,
                  int baseline)
      : m_(m), baseline_(baseline) {
    const DisplacementField& a = m.cumulative[std::size_t(from)];
    for (int r = 0; r < a.rows; ++r)
      for (int c = 0; c < a.columns; ++c) {
        const std::size_t i = a.index(c, r);
        if (!muscle[i]) continue;
        const Tensor2 fa = deformation_gradient(a, c, r, baseline, m.mm_per_px_x, m.mm_per_px_y);
        // Fibre direction as it lies in frame `from`.
        const double t = fibres.angle_deg[i] * M_PI / 180.0;
        const double dx = fa.xx * std::cos(t) + fa.xy * std::sin(t), dy = fa.yx * std::cos(t) + fa.yy * std::sin(t);
        const double angle_from = std::atan2(dy, dx) * 180.0 / M_PI;
        const double a_rad = angle_from * M_PI / 180.0;  // deg and back, as stretch_along(deg) rounds
        points_.push_back({c, r, fa.inverse(), std::cos(a_rad), std::sin(a_rad)});
      }
  }

  // Median engineering strain along the fibres of frame `to` relative to frame `from`.
  double to(int to_frame) const {
    const DisplacementField& b = m_.cumulative[std::size_t(to_frame)];
    std::vector<double> strains;
    strains.reserve(points_.size());
    for (const Point& p : points_) {
      const Tensor2 fb = deformation_gradient(b, p.column, p.row, baseline_, m_.mm_per_px_x, m_.mm_per_px_y);
      strains.push_back((fb * p.from_inverse).stretch_along(p.cos_fibre, p.sin_fibre) - 1.0);
    }
    return median_of(std::move(strains));
  }

 private:
  struct Point {
    int column, row;
    Tensor2 from_inverse;
    double cos_fibre, sin_fibre;  // the fibres' direction in frame `from`
  };
  const MotionRecord& m_;
  int baseline_;
  std::vector<Point> points_;
};

}  // namespace

double fibre_strain_between(const MotionRecord& m, const FibreField& fibres, const std::vector<std::uint8_t>& muscle,
                            int from, int to, int baseline) {
  return StrainFromFrame(m, fibres, muscle, from, baseline).to(to);
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

namespace {

// `frame` in a sorted list of frames, where it is not yet.
void add_frame(std::vector<int>& frames, int frame) {
  const auto at = std::lower_bound(frames.begin(), frames.end(), frame);
  if (at == frames.end() || *at != frame) frames.insert(at, frame);
}

// The relaxed muscle before the peak, where the clip has one: the most relaxed frame of the
// rest plateau that comes before the peak. A clip relaxed at both ends has two near-equal
// rests; the argmax over the clip picked either by a hair of strain (a hundredth of a pixel
// of tracking moved a pressed vessel's rest from frame 1 to frame 55 and read it as a tear).
// The rest before the contraction is the state a sonographer records first and the one the
// tracking reached with the fewest frames. A clip that starts contracted keeps its argmax.
int rest_before_peak(const std::vector<double>& from_first, const std::vector<int>& rest_plateau, int rest, int peak) {
  int best = -1;
  for (int k : rest_plateau)
    if (k < peak && std::isfinite(from_first[std::size_t(k)]) &&
        (best < 0 || from_first[std::size_t(k)] > from_first[std::size_t(best)]))
      best = k;
  return best >= 0 ? best : rest;
}

}  // namespace

std::vector<int> plateau_frames(const std::vector<double>& strain_by_frame, bool most_relaxed, double tolerance) {
  std::optional<double> extreme;
  for (double v : strain_by_frame)
    if (std::isfinite(v) && (!extreme || (most_relaxed ? v > *extreme : v < *extreme))) extreme = v;
  std::vector<int> frames;
  if (!extreme) return frames;
  for (std::size_t k = 0; k < strain_by_frame.size(); ++k)
    if (std::abs(strain_by_frame[k] - *extreme) <= tolerance) frames.push_back(int(k));  // NaN: never
  return frames;
}

ContractionSummary analyse_contraction(const MotionRecord& m, const FibreField& fibres,
                                       const std::vector<std::uint8_t>& muscle, int baseline) {
  ContractionSummary s;
  const int n = m.frame_count();
  if (n == 0) return s;
  std::vector<double> from_first(std::size_t(n), 0.0);
  const StrainFromFrame from_frame0(m, fibres, muscle, 0, baseline);
  for (int k = 1; k < n; ++k) from_first[std::size_t(k)] = from_frame0.to(k);
  s.rest_frame = int(std::max_element(from_first.begin(), from_first.end()) - from_first.begin());
  s.peak_frame = int(std::min_element(from_first.begin(), from_first.end()) - from_first.begin());
  // On the strain from frame 0, which does not depend on the rest chosen.
  constexpr double kPlateauShare = 0.05;
  const double spread = from_first[std::size_t(s.rest_frame)] - from_first[std::size_t(s.peak_frame)];
  const double tolerance = std::isfinite(spread) ? kPlateauShare * spread : 0.0;
  s.rest_plateau = plateau_frames(from_first, true, tolerance);
  s.peak_plateau = plateau_frames(from_first, false, tolerance);
  // An infinite strain (a degenerate field) is the argmax but on no plateau of finite values:
  // each plateau holds its own extreme frame all the same.
  add_frame(s.rest_plateau, s.rest_frame);
  add_frame(s.peak_plateau, s.peak_frame);
  s.rest_frame = rest_before_peak(from_first, s.rest_plateau, s.rest_frame, s.peak_frame);
  if (s.rest_frame == 0) {
    s.strain_by_frame = std::move(from_first);  // the strains from the rest frame: just read
  } else {
    const StrainFromFrame from_rest(m, fibres, muscle, s.rest_frame, baseline);
    s.strain_by_frame.resize(std::size_t(n));
    for (int k = 0; k < n; ++k) s.strain_by_frame[std::size_t(k)] = k == s.rest_frame ? 0.0 : from_rest.to(k);
  }
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
