#include "ft/core/CandidateGates.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ft::gates {
namespace {
constexpr double kDeg = 180.0 / M_PI;

// Where a run's running median of three peaks: among the inner samples (the ends have no
// median), or over all of fewer than three (their median is themselves); ties: the first.
std::size_t largest_of_median(const std::vector<double>& smooth) {
  const auto inner_begin = smooth.size() < 3 ? smooth.begin() : smooth.begin() + 1;
  const auto inner_end = smooth.size() < 3 ? smooth.end() : smooth.end() - 1;
  return std::size_t(std::max_element(inner_begin, inner_end) - smooth.begin());
}

// The largest value a stretch of three samples along a plane holds (not one sample's speckle):
// their running median's largest among the inner samples; of fewer than three, the smallest
// (one column is no stretch). `values` is not empty.
double largest_stretch_of_three(const std::vector<double>& values) {
  if (values.size() < 3) return *std::min_element(values.begin(), values.end());
  const std::vector<double> smooth = running_median3(values);
  return smooth[largest_of_median(smooth)];
}
}

SurfaceMotion surface_motion(const Tensor2& g, const Tensor2& around) {
  // Right singular vector of G: eigenvector of G^T G with the largest eigenvalue.
  const double a11 = g.xx * g.xx + g.yx * g.yx, a22 = g.xy * g.xy + g.yy * g.yy;
  const double a12 = g.xx * g.xy + g.yx * g.yy;
  SurfaceMotion m;
  m.normal_deg = 0.5 * std::atan2(2 * a12, a11 - a22) * kDeg;
  if (m.normal_deg > 90.0) m.normal_deg -= 180.0;
  if (m.normal_deg <= -90.0) m.normal_deg += 180.0;
  const double nx = std::cos(m.normal_deg / kDeg), ny = std::sin(m.normal_deg / kDeg);
  const double jx = g.xx * nx + g.xy * ny, jy = g.yx * nx + g.yy * ny;  // the jump a, up to scale
  const Tensor2 inv = around.inverse();  // normals are carried by F^-T
  double px = inv.xx * nx + inv.yx * ny, py = inv.xy * nx + inv.yy * ny;
  const double length = std::max(1e-12, std::hypot(px, py));
  px /= length;
  py /= length;
  m.opening_share = (jx * px + jy * py) / std::max(1e-12, std::hypot(jx, jy));
  return m;
}

double axial_difference_deg(double a_deg, double b_deg) {
  const double d = std::fmod(std::abs(a_deg - b_deg), 180.0);
  return std::isfinite(d) ? std::min(d, 180.0 - d) : 90.0;  // no direction: as far as can be
}

double dominant_normal_deg(const std::vector<Tensor2>& jumps, const std::vector<double>& weights, double max_weight) {
  // Each point votes with its weight alone, not with the size of its jump: the sliding
  // along an aponeurosis is a larger jump than a gap's opening, over fewer points.
  std::vector<double> normal(jumps.size());
  for (std::size_t i = 0; i < jumps.size(); ++i) normal[i] = surface_motion(jumps[i]).normal_deg;
  // A smooth vote over orientations (kernel cos^4 of the doubled angle: about +-20 deg wide).
  double best_deg = 0.0, best_score = -1.0;
  for (int step = -89; step <= 90; ++step) {
    double score = 0.0;
    for (std::size_t i = 0; i < normal.size(); ++i) {
      const double c = std::cos(2.0 * (step - normal[i]) / kDeg);
      if (c > 0) score += std::clamp(weights[i], 0.0, max_weight) * c * c * c * c;
    }
    if (score > best_score) {
      best_score = score;
      best_deg = step;
    }
  }
  return best_deg;
}

bool crosses_the_plane(double read_deg, double plane_deg, double along_deg) {
  return axial_difference_deg(read_deg, plane_deg) > along_deg;
}

bool take_fibres_read(double read_deg, double carried_deg, double surface_deg, double agree_deg, double min_turn_deg,
                      double max_turn_deg) {
  if (!std::isfinite(read_deg) || !std::isfinite(carried_deg)) return false;
  if (axial_difference_deg(read_deg, carried_deg) <= agree_deg) return true;
  const double carried_off = std::remainder(carried_deg - surface_deg, 180.0);  // signed, [-90, 90]
  const double read_off = std::remainder(read_deg - surface_deg, 180.0);
  if (carried_off * read_off <= 0.0) return false;  // across the surface's direction: mirrored
  const double turn = std::abs(read_off) - std::abs(carried_off);
  return turn >= min_turn_deg && turn <= max_turn_deg;
}

double fibre_cut(double fibre_deg, double normal_deg) { return std::abs(std::cos((fibre_deg - normal_deg) / kDeg)); }

bool is_gap_shaped(double length_along_mm, double width_across_mm, const DetectionSettings& s) {
  return length_along_mm >= s.shape_judged_below_mm || length_along_mm >= s.min_gap_elongation * width_across_mm;
}

SurfaceClass classify_surface(double cut, double opening_share, bool near_aponeurosis, const DetectionSettings& s,
                              bool stumps_open) {
  if (cut >= s.min_fibre_cut) return opening_share >= s.min_opening_share ? SurfaceClass::AcrossFibres : SurfaceClass::Sliding;
  if (near_aponeurosis && opening_share >= s.min_myotendinous_opening_share) return SurfaceClass::AlongFibresOnAponeurosis;
  if (!near_aponeurosis && stumps_open && cut >= s.min_oblique_cut && opening_share >= s.min_oblique_opening_share)
    return SurfaceClass::AcrossFibres;
  return SurfaceClass::FascialPlane;
}

bool holds_haematoma(const BandWidth& rest, const BandWidth& peak, double untracked_share,
                     double surround_tracked_share, const DetectionSettings& s) {
  // Dark at peak: the gap is open then. A band seen only at rest is a structure that the
  // contraction compressed (a vessel, a fat layer), not a gap.
  if (peak.found) return true;
  (void)rest;
  // Loss of tracking is the haematoma's only trace when it is as bright as muscle, but it
  // has other causes (speckle changing out of plane, a probe moved): it counts where the
  // muscle around is mostly tracked. Below that the patch must have lost more, rising
  // linearly to all of it at the floor: no cliff at the threshold.
  if (surround_tracked_share < s.min_surround_tracked_floor) return false;
  const double short_of = std::max(0.0, s.min_surround_tracked - surround_tracked_share);
  const double span = std::max(1e-9, s.min_surround_tracked - s.min_surround_tracked_floor);
  const double needed = s.min_untracked_share + (1.0 - s.min_untracked_share) * std::min(1.0, short_of / span);
  return untracked_share >= needed;
}

bool band_stays_the_same(const BandWidth& rest, const BandWidth& peak, double min_widening_mm) {
  return rest.found && peak.found && peak.width_mm - rest.width_mm < min_widening_mm;
}

bool sliver_in_bright_haematoma(const BandWidth& rest, const BandWidth& peak, double opening_mm,
                                double opening_if_unshortened_mm, double untracked_share, double surround_tracked_share,
                                const DetectionSettings& s) {
  if (!rest.found || !peak.found || std::max(rest.contrast, peak.contrast) >= s.min_fluid_contrast) return false;
  const double carried_whole_mm = std::max(0.0, opening_if_unshortened_mm);
  if (!(opening_mm - carried_whole_mm >= 0.5 * s.min_opening_mm)) return false;  // NaN included
  return holds_haematoma(BandWidth{}, BandWidth{}, untracked_share, surround_tracked_share, s);
}

bool band_widens(const BandWidth& rest, const BandWidth& peak, double min_widening_mm) {
  return peak.found && peak.width_mm - (rest.found ? rest.width_mm : 0.0) >= min_widening_mm;
}

bool shows_fluid(const BandWidth& b, const DetectionSettings& s) { return b.found && b.contrast >= s.min_fluid_contrast; }

double fluid_width_mm(const BandWidth& b, const DetectionSettings& s) { return shows_fluid(b, s) ? b.width_mm : 0.0; }

bool fainter_than_fluid(const BandWidth& band, const BandWidth& fluid, const DetectionSettings& s) {
  return !shows_fluid(band, s) && shows_fluid(fluid, s) && fluid.contrast - band.contrast >= s.min_fluid_over_faint_band;
}

double layer_before_mm(const BandWidth& before, const BandWidth& fluid, const DetectionSettings& s) {
  return before.found && !fainter_than_fluid(before, fluid, s) ? before.width_mm : 0.0;
}

bool fluid_layer_opens(const BandWidth& rest, const BandWidth& peak, const DetectionSettings& s) {
  return shows_fluid(peak, s) && peak.width_mm - layer_before_mm(rest, peak, s) >= s.min_opening_mm;
}

std::vector<double> running_median3(std::vector<double> values) {
  const std::vector<double> raw = values;
  for (std::size_t k = 1; k + 1 < raw.size(); ++k) {
    double v[3] = {raw[k - 1], raw[k], raw[k + 1]};
    std::sort(v, v + 3);
    values[k] = v[1];
  }
  return values;
}

std::vector<std::uint8_t> readings_after_median3(const std::vector<std::uint8_t>& readings) {
  std::vector<std::uint8_t> after = readings;
  for (std::size_t k = 1; k + 1 < readings.size(); ++k) after[k] = readings[k] && (readings[k - 1] || readings[k + 1]);
  return after;
}

std::size_t largest_along(const std::vector<double>& values) {
  return values.empty() ? 0 : largest_of_median(running_median3(values));
}

Stretch stretch_around_largest(const std::vector<double>& values, double fraction) {
  Stretch stretch;
  if (values.empty()) return stretch;
  const std::vector<double> smooth = running_median3(values);
  stretch.largest = stretch.first = stretch.last = largest_of_median(smooth);
  stretch.largest_value = smooth[stretch.largest];
  const double floor = fraction * stretch.largest_value;
  while (stretch.first > 0 && smooth[stretch.first - 1] >= floor) --stretch.first;
  while (stretch.last + 1 < smooth.size() && smooth[stretch.last + 1] >= floor) ++stretch.last;
  return stretch;
}

bool runs_along_the_plane(double run_length_mm, double peak_layer_mm) {
  constexpr double kMinElongation = 1.5;
  return run_length_mm >= kMinElongation * peak_layer_mm;
}

bool lies_against_the_plane(double tissue_between_mm) {
  constexpr double kMaxTissueBetweenMm = 1.5;
  return !(tissue_between_mm > kMaxTissueBetweenMm);  // unmeasured: no reason to refuse
}

bool round_anechoic_at_rest(const BandWidth& across, const BandWidth& along) {
  constexpr double kAnechoic = 0.6, kLongerThanWide = 1.5, kTissueLevel = 0.5;
  // Read inside a long black layer, the band along it is a trough of noise against noise: its
  // contrast a ratio of two small greys. Round, the band along it has tissue on both sides too.
  return across.found && along.found && std::min(across.contrast, along.contrast) >= kAnechoic &&
         along.width_mm < kLongerThanWide * across.width_mm && along.level >= kTissueLevel * across.level;
}

bool darker_than_plane_speckle(double layer_contrast, const std::vector<double>& rest_contrasts_along) {
  // A contrast c is (level - dip) / level: the dip's grey is level * (1 - c). Compared as greys, a
  // layer barely darker than dark speckle is told from fluid; compared as contrasts, the same
  // difference counts for as much where speckle dips to 0.55 of the level as where it dips to 0.80.
  // Strictly less: where the speckle's band dips to black (clipping, an overlay) nothing is darker.
  constexpr double kMostGreyOfSpeckle = 0.85;
  if (rest_contrasts_along.empty()) return true;  // no plane read at rest: nothing to stand out of
  return 1.0 - layer_contrast < kMostGreyOfSpeckle * (1.0 - largest_stretch_of_three(rest_contrasts_along));
}

bool dips_past_plane_speckle(double layer_contrast, const std::vector<double>& rest_contrasts_along) {
  return rest_contrasts_along.empty() || layer_contrast > largest_stretch_of_three(rest_contrasts_along);
}

double carried_layer_mm(const BandWidth& rest, const BandWidth& fluid, const DetectionSettings& s) {
  constexpr double kClearlyFluidAboveFloor = 0.10;  // fluid at rest beyond doubt, whatever the peak reads
  if (!shows_fluid(rest, s)) return 0.0;
  const bool clearly_fluid = rest.contrast >= s.min_fluid_contrast + kClearlyFluidAboveFloor;
  return clearly_fluid || fluid.contrast - rest.contrast < s.min_fluid_over_faint_band ? rest.width_mm : 0.0;
}

bool fluid_is_new(double peak_layer_mm, const std::vector<double>& rest_layers_along_mm, const DetectionSettings& s) {
  if (rest_layers_along_mm.empty()) return false;  // nothing measured at rest: nothing shown new
  return peak_layer_mm - largest_stretch_of_three(rest_layers_along_mm) >= s.min_opening_mm;
}

double along_fibres_mm(double column_width_mm, double fibre_deg, double plane_deg) {
  const double across = column_width_mm * std::abs(std::cos(plane_deg / kDeg));
  return across / std::max(0.25, std::abs(std::sin((fibre_deg - plane_deg) / kDeg)));
}

namespace {
// The fibres turned by by_deg from the plane (negative: towards it), on their side of it.
double turned_from_plane_deg(double fibre_deg, double plane_deg, double by_deg) {
  const double off = std::remainder(fibre_deg - plane_deg, 180.0);
  return plane_deg + std::copysign(std::clamp(std::abs(off) + by_deg, 0.0, 90.0), off);
}
}  // namespace

double opening_with_fibres_off_mm(const LayerAlongFibres& l, double off_deg) {
  LayerAlongFibres off = l;
  off.fibre_rest_deg = turned_from_plane_deg(l.fibre_rest_deg, l.plane_deg, -off_deg);
  off.fibre_peak_deg = turned_from_plane_deg(l.fibre_peak_deg, l.plane_deg, off_deg);
  return std::max(off.rest_gap_mm(), off.peak_gap_mm()) - off.rest_gap_mm();
}

double fibre_angle_margin_deg(const LayerAlongFibres& layer, double min_opening_mm) {
  if (opening_with_fibres_off_mm(layer, 0.0) < min_opening_mm) return 0.0;
  // At 90 deg off every reading lies on the floor (rest) or across the plane (peak).
  if (opening_with_fibres_off_mm(layer, kNoAngleErrorCloses) >= min_opening_mm) return kNoAngleErrorCloses;
  double holds = 0.0, closes = kNoAngleErrorCloses;  // the opening shrinks as the error grows: bisect
  while (closes - holds > 0.01) {
    const double mid = 0.5 * (holds + closes);
    (opening_with_fibres_off_mm(layer, mid) >= min_opening_mm ? holds : closes) = mid;
  }
  return holds;
}

bool stays_open(const std::vector<double>& gap_by_frame_mm, double gap_rest_mm, double min_opening_mm, int min_frames) {
  int open = 0;
  for (double g : gap_by_frame_mm) open += g >= gap_rest_mm + min_opening_mm;
  return open >= min_frames;
}

double mm_from_surface(const RestSurface& t, double x_mm, double y_mm) {
  const double dx = x_mm - t.x_mm, dy = y_mm - t.y_mm;
  const double nx = std::cos(t.normal_deg / kDeg), ny = std::sin(t.normal_deg / kDeg);
  const double across = std::abs(dx * nx + dy * ny), along = std::abs(-dx * ny + dy * nx);
  // The larger of the two, not their hypotenuse: "within r" is a band r wide along the surface
  // and its prolongation by r at each end (the reach absorbs the surface turning and
  // shortening with the contraction as much at its ends as beside it).
  return std::max(across, std::max(0.0, along - 0.5 * t.length_mm));
}

std::optional<PointsLie> points_lie(const std::vector<double>& x_mm, const std::vector<double>& y_mm, std::size_t min_points,
                                    double min_elongation) {
  const std::size_t n = std::min(x_mm.size(), y_mm.size());
  if (n < std::max<std::size_t>(min_points, 2)) return std::nullopt;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x_mm[i];
    my += y_mm[i];
  }
  mx /= double(n);
  my /= double(n);
  double sxx = 0, syy = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += (x_mm[i] - mx) * (x_mm[i] - mx);
    syy += (y_mm[i] - my) * (y_mm[i] - my);
    sxy += (x_mm[i] - mx) * (y_mm[i] - my);
  }
  // Eigenvalues of the scatter matrix: the spread along the longest axis and across it.
  const double half_trace = 0.5 * (sxx + syy), root = std::hypot(0.5 * (sxx - syy), sxy);
  const double longest = half_trace + root, across = std::max(0.0, half_trace - root);
  if (!(longest > 0) || longest < min_elongation * min_elongation * across) return std::nullopt;
  PointsLie lie;
  lie.along_deg = 0.5 * std::atan2(2 * sxy, sxx - syy) * kDeg;
  if (lie.along_deg <= -90.0) lie.along_deg += 180.0;
  const double ux = std::cos(lie.along_deg / kDeg), uy = std::sin(lie.along_deg / kDeg);
  double lo = 0, hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = (x_mm[i] - mx) * ux + (y_mm[i] - my) * uy;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  lie.length_mm = hi - lo;
  return lie;
}

std::optional<double> joined_length_mm(const RestSurface& a, double a_fibres_deg, const RestSurface& b,
                                       double b_fibres_deg, const PiecesOfOneTear& tolerance) {
  if (axial_difference_deg(a.normal_deg, b.normal_deg) > tolerance.within_deg) return std::nullopt;
  const double dx = b.x_mm - a.x_mm, dy = b.y_mm - a.y_mm;
  const double apart = std::hypot(dx, dy);
  if (apart > 0) {
    const double line_deg = std::atan2(dy, dx) * kDeg;
    // The surface runs at right angles to its normal: the mean of the two normals (axially).
    const double along_deg = a.normal_deg + 0.5 * std::remainder(b.normal_deg - a.normal_deg, 180.0) + 90.0;
    if (axial_difference_deg(line_deg, along_deg) > tolerance.within_deg) return std::nullopt;
    if (axial_difference_deg(line_deg, a_fibres_deg) < tolerance.across_fibres_deg ||
        axial_difference_deg(line_deg, b_fibres_deg) < tolerance.across_fibres_deg)
      return std::nullopt;
  }
  if (apart - 0.5 * (a.length_mm + b.length_mm) > tolerance.ends_within_mm) return std::nullopt;
  return std::max({a.length_mm, b.length_mm, apart + 0.5 * (a.length_mm + b.length_mm)});
}

bool is_contracting(double stump_strain, double compartment_strain, const DetectionSettings& s) {
  return compartment_strain < 0 && stump_strain < s.contracting_share * compartment_strain;
}

std::vector<int> frames_opening_about_as_much(const std::vector<double>& opening_by_frame_mm, int widest, double share) {
  const int n = int(opening_by_frame_mm.size());
  if (widest < 0 || widest >= n || !std::isfinite(opening_by_frame_mm[std::size_t(widest)])) return {};
  if (!(opening_by_frame_mm[std::size_t(widest)] > 0)) return {widest};  // nothing opened: no run to read over
  const double floor = share * opening_by_frame_mm[std::size_t(widest)];
  const auto about_as_much = [&](int k) { return k >= 0 && k < n && opening_by_frame_mm[std::size_t(k)] >= floor; };
  int first = widest, last = widest;
  while (about_as_much(first - 1)) --first;
  while (about_as_much(last + 1)) ++last;
  std::vector<int> frames;
  for (int k = first; k <= last; ++k) frames.push_back(k);
  return frames;
}

ContractionsOpened contractions_opened(const std::vector<double>& opening, const std::vector<ContractionCycle>& cycles,
                                       double peak_strain) {
  // Per contraction seen: its opening over its own strength (its shortening from its own rest,
  // over the clip's strongest), so that each says what a full contraction would open.
  std::vector<double> scaled, strengths;
  for (const ContractionCycle& c : cycles) {
    if (std::size_t(c.rest_frame) >= opening.size() || !std::isfinite(opening[std::size_t(c.rest_frame)])) continue;
    double widest = -std::numeric_limits<double>::infinity();
    for (int k = c.first_frame; k <= c.last_frame && std::size_t(k) < opening.size(); ++k)
      if (std::isfinite(opening[std::size_t(k)])) widest = std::max(widest, opening[std::size_t(k)]);
    if (!std::isfinite(widest)) continue;
    const double rest_strain = c.rest_strain;
    const double strength = peak_strain < 0 ? std::clamp((c.peak_strain - rest_strain) / peak_strain, 0.05, 1.0) : 1.0;
    strengths.push_back(strength);
    scaled.push_back((widest - opening[std::size_t(c.rest_frame)]) / strength);
  }
  ContractionsOpened out;
  out.seen = int(scaled.size());
  if (scaled.empty()) return out;
  // The reference: the largest opening among the strong contractions (at least 0.8 of the
  // strongest), not among all — a probe slip in a weak one must not raise the bar for the others
  // — and not one contraction chosen by a tie of strengths.
  const double strongest = *std::max_element(strengths.begin(), strengths.end());
  double reference = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < scaled.size(); ++i)
    if (strengths[i] >= 0.8 * strongest) reference = std::max(reference, scaled[i]);
  for (double o : scaled) out.opened += reference > 0 && o >= 0.5 * reference;
  return out;
}

bool opens_with_the_contractions(const ContractionsOpened& c) { return c.seen < 2 || c.opened >= c.seen - c.seen / 3; }

}  // namespace ft::gates
