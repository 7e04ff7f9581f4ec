#include "ft/core/TearDetector.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <string>

#include "DetectionContext.h"
#include "TrackedMuscle.h"
#include "ft/core/CandidateGates.h"
#include "ft/core/ContractionAnalysis.h"
#include "ft/core/FascicleOrientation.h"
#include "ft/core/LesionMerging.h"

namespace ft {
namespace {

using namespace detection;

// Mean brightness of a small box (about 0.5 mm) around a frame px; NaN outside the region.
double box_mean(const Frame& image, const PixelRect& region, double x, double y, int half_px) {
  const int cx = int(std::lround(x)), cy = int(std::lround(y));
  if (!region.contains(cx - half_px, cy - half_px) || !region.contains(cx + half_px, cy + half_px)) return NAN;
  double sum = 0;
  for (int j = -half_px; j <= half_px; ++j)
    for (int i = -half_px; i <= half_px; ++i) sum += image.value(cx + i, cy + j);
  return sum / double((2 * half_px + 1) * (2 * half_px + 1));
}

// EvidenceMaps::dark_at_peak: at each grid position of the peak frame, how much darker a
// small box there is than the muscle's median brightness at rest.
std::vector<float> dark_at_peak_map(const Context& ctx) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const PixelRect& region = ctx.m.region.bounds;
  const int half = std::max(1, int(std::lround(0.25 / ctx.mm_per_px())));
  std::vector<double> muscle;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      if (!ctx.muscle[g.index(c, r)]) continue;
      double x, y;
      position_in(ctx.m, ctx.rest(), g.x_px(c), g.y_px(r), x, y);
      const double v = box_mean(ctx.rest_image, region, x, y, half);
      if (std::isfinite(v)) muscle.push_back(v);
    }
  const double reference = std::max(1.0, median_of(muscle));
  const Frame peak_image = ctx.frame_at(ctx.peak());
  std::vector<float> out(g.size(), 0.0f);
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const double v = box_mean(peak_image, region, g.x_px(c), g.y_px(r), half);
      if (std::isfinite(v)) out[g.index(c, r)] = float((reference - v) / reference);
    }
  return out;
}

// Per point maps for --explain and the candidates' threshold.
void fill_maps(const Context& ctx, EvidenceMaps& maps) {
  const DisplacementField& g = ctx.m.cumulative[0];
  maps.columns = g.columns;
  maps.rows = g.rows;
  maps.origin_x_px = g.origin_x_px;
  maps.origin_y_px = g.origin_y_px;
  maps.step_px = g.step_px;
  maps.log_area_growth.resize(g.size());
  maps.opening_share.resize(g.size());
  maps.fibre_strain.resize(g.size());
  maps.tracked = ctx.muscle;
  maps.dark_at_peak = dark_at_peak_map(ctx);
  maps.fibre_angle_deg = ctx.fibres.angle_deg;
  maps.fibre_coherence = ctx.fibres.coherence;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const std::size_t i = g.index(c, r);
      maps.log_area_growth[i] = float(ctx.log_j[i] - ctx.log_j_median);
      const Tensor2& f = ctx.rest_to_peak[i];
      maps.fibre_strain[i] = float(f.stretch_along(ctx.fibres.angle_deg[i]) - 1.0);
      maps.opening_share[i] = float(gates::surface_motion(Tensor2{f.xx - 1, f.xy, f.yx, f.yy - 1}).opening_share);
    }
}

// The detector's view of the clip once rest and peak are known: the tissue tracked at both,
// fibres as they lie at rest, F(0 -> rest)^-1 per point.
Context make_context(const MotionRecord& m, const FrameAt& frame_at, const DetectionSettings& s, FascicleReadings& readings,
                     const ContractionSummary& contraction, const FibreField& fibres0) {
  const DisplacementField& g = m.cumulative[0];
  const int rest = contraction.rest_frame, peak = contraction.peak_frame;
  Context ctx{m, frame_at, s, readings, {}, {}, detection::tracked_at(m, s.border_steps, rest, peak), contraction,
              {}, 0.0, {}, 0.0, frame_at(rest), {}, {}, {}, {}};
  ctx.rest_inverse.resize(g.size());
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c)
      ctx.rest_inverse[g.index(c, r)] =
          deformation_gradient(m.cumulative[std::size_t(rest)], c, r, s.baseline_steps, m.mm_per_px_x, m.mm_per_px_y).inverse();
  ctx.planes = plane_map(ctx.rest_image, m.region.bounds, g.step_px, m.mm_per_px_x, m.mm_per_px_y);
  ctx.fibres = rest == 0 ? fibres0 : fibres_in_frame(m, readings, ctx.rest_image, rest, s.fascicle_grain_elongation);
  drop_undirected(ctx.fibres, s.min_fibre_coherence);
  ctx.fibres_at_peak = fibres_in_frame(m, readings, frame_at(peak), peak, s.fascicle_grain_elongation);
  drop_undirected(ctx.fibres_at_peak, s.min_fibre_coherence);
  std::vector<float> angles, weights;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (ctx.muscle[i]) {
      angles.push_back(ctx.fibres.angle_deg[i]);
      weights.push_back(ctx.fibres.coherence[i]);
    }
  ctx.dominant_fibre_deg = mean_orientation_deg(angles, weights);
  return ctx;
}

// Local area change and fibre strain rest -> peak at every point; returns the robust SD of
// the tracked muscle's area change (log) around its median (kept in ctx).
double measure_area_growth(Context& ctx) {
  const DisplacementField& g = ctx.m.cumulative[0];
  ctx.log_j.assign(g.size(), 0.0);
  ctx.rest_to_peak.resize(g.size());
  std::vector<double> muscle_values;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) {
      const std::size_t i = g.index(c, r);
      ctx.rest_to_peak[i] = rest_to_frame(ctx, ctx.peak(), c, r);
      ctx.log_j[i] = std::log(std::max(0.05, ctx.rest_to_peak[i].det()));
      if (ctx.muscle[i]) muscle_values.push_back(ctx.log_j[i]);
    }
  ctx.log_j_median = median_of(muscle_values);
  for (double& v : muscle_values) v = std::abs(v - ctx.log_j_median);
  return 1.4826 * median_of(muscle_values);
}

// Points (away from the region's edge) whose area grew by more than `excess` over the
// muscle's, or by more than their own compartment's threshold over its median. Rectus
// femoris thickens while vastus intermedius is squeezed, the halves of a bipennate muscle
// deform apart: over the whole image the spread is then the difference between
// compartments, and a partial tear inside one stays under a threshold made from it. Sets
// each point's reference, what its growth is judged above: its compartment's median where
// it has one (ordinary tissue of a thickening muscle is no evidence), else the muscle's.
std::vector<std::uint8_t> candidate_points(Context& ctx, double excess, const CompartmentStatistics& compartments) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const int border = ctx.s.border_steps;
  ctx.log_j_reference.assign(g.size(), ctx.log_j_median);
  std::vector<std::uint8_t> candidate(g.size(), 0);
  for (std::size_t i = 0; i < g.size(); ++i)
    if (compartments.label[i] >= 0) ctx.log_j_reference[i] = compartments.each[std::size_t(compartments.label[i])].median;
  for (int r = border; r < g.rows - border; ++r)
    for (int c = border; c < g.columns - border; ++c) {
      const std::size_t i = g.index(c, r);
      const int k = compartments.label[i];
      candidate[i] = ctx.log_j[i] - ctx.log_j_median > excess ||
                     (k >= 0 && excess_growth_at(ctx, i) > compartments.each[std::size_t(k)].candidate_threshold);
    }
  return candidate;
}

// The frame where the strongest contraction first passes 60 % of its shortening (the first of its
// contracted stretch); none without one.
std::optional<int> on_the_way_to_peak(const ContractionSummary& c) {
  for (const ContractionCycle& k : c.cycles)
    if (k.peak_frame == c.peak_frame) return k.first_frame;
  return std::nullopt;
}

// How far the fascicles turn, in the largest contracting compartment (its depth says which
// muscle): rest and peak, each measured on its own frame's image.
void report_fascicle_angles(const CompartmentStatistics& compartments, ContractionSummary& contraction) {
  const auto largest = std::max_element(compartments.each.begin(), compartments.each.end(),
                                        [](const auto& a, const auto& b) { return a.area_mm2 < b.area_mm2; });
  if (largest == compartments.each.end()) return;
  contraction.fascicle_angle_rest_deg = largest->fascicle_rest_deg;
  contraction.fascicle_angle_peak_deg = largest->fascicle_peak_deg;
  contraction.fascicle_depth_top_mm = largest->top_mm;
  contraction.fascicle_depth_bottom_mm = largest->bottom_mm;
}

// The detector's view with frame k taken as the peak: the tissue tracked at rest and at k, and
// F(rest -> k) per point (what the fluid scan reads of "the peak").
Context context_at(const Context& ctx, int k) {
  Context at = ctx;
  at.fibres_at_peak = {};  // read on the real peak, not on k (unread: nothing here needs them)
  at.contraction.peak_frame = k;
  at.contraction.peak_plateau = {k};  // k is read as the peak, not the hold around the real one
  at.contraction.peak_strain = ctx.contraction.strain_by_frame[std::size_t(k)];
  at.muscle = detection::tracked_at(ctx.m, ctx.s.border_steps, ctx.rest(), k);
  const DisplacementField& g = ctx.m.cumulative[0];
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.columns; ++c) at.rest_to_peak[g.index(c, r)] = rest_to_frame(ctx, k, c, r);
  return at;
}

// A tear's stump is carried by the tracked tissue within this of a point sampled beside its rest
// line (LesionMerging samples 1 mm to each side): its own side, not across a rest gap.
constexpr double kTrackedTissueReachMm = 1.0;

// Where the tissue at frame-0 (x0, y0) lies in frame k, carried by the grid points within
// reach_mm of it that are tracked in frame k with no bright plane between (inverse-distance
// weighted); false when there are none (also on a grid coarser than the reach). A gap's inside
// is not tracked: the field there holds positions interpolated across it and from beyond its
// end (an aponeurosis sliding the other way).
bool tracked_position_in(const Context& ctx, int k, double x0, double y0, double reach_mm, double& x, double& y) {
  const DisplacementField& f = ctx.m.cumulative[std::size_t(k)];  // every frame's field is on frame 0's grid
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  if (!std::isfinite(x0) || !std::isfinite(y0)) return false;
  const int c0 = std::max(0, int(std::floor((x0 - reach_mm / sx - f.origin_x_px) / f.step_px)));
  const int c1 = std::min(f.columns - 1, int(std::ceil((x0 + reach_mm / sx - f.origin_x_px) / f.step_px)));
  const int r0 = std::max(0, int(std::floor((y0 - reach_mm / sy - f.origin_y_px) / f.step_px)));
  const int r1 = std::min(f.rows - 1, int(std::ceil((y0 + reach_mm / sy - f.origin_y_px) / f.step_px)));
  const double step_mm = f.step_px * 0.5 * (sx + sy);
  double w_sum = 0, dx = 0, dy = 0;
  for (int r = r0; r <= r1; ++r)
    for (int c = c0; c <= c1; ++c) {
      const std::size_t i = f.index(c, r);
      const double d_mm = std::hypot((f.x_px(c) - x0) * sx, (f.y_px(r) - y0) * sy);
      if (d_mm > reach_mm || !f.valid[i] || plane_between(ctx, x0, y0, f.x_px(c), f.y_px(r))) continue;
      const double w = 1.0 / (d_mm + step_mm);
      w_sum += w;
      dx += w * f.dx_px[i];
      dy += w * f.dy_px[i];
    }
  if (!(w_sum > 0)) return false;
  x = x0 + dx / w_sum;
  y = y0 + dy / w_sum;
  return true;
}

// How a surface's grid points lie on frame 0 (gates::points_lie, in mm).
std::optional<gates::PointsLie> surface_lie(const MotionRecord& m, const std::vector<std::uint32_t>& grid_points) {
  const DisplacementField& g = m.cumulative[0];
  std::vector<double> x_mm, y_mm;
  for (std::uint32_t i : grid_points) {
    x_mm.push_back(g.x_px(column_of(g, i)) * m.mm_per_px_x);
    y_mm.push_back(g.y_px(row_of(g, i)) * m.mm_per_px_y);
  }
  return gates::points_lie(x_mm, y_mm);
}

// Layers that opened as fluid does but too faint to be told from speckle (faint_layer) or widening
// within the fibres' angle error (opening_within_angle_error): one per place
// (a layer is read at the peak and on the way to it), and none beside a finding, which may be
// the same detachment seen where it is darker, or by its fibres' motion.
void keep_layers_for_review(DetectionResult& result, std::vector<TearFinding> faint) {
  constexpr double kSamePlaceMm = 10.0;  // as the benchmarks count a finding beside a tear
  for (const TearFinding& layer : faint) {
    const auto beside = [&](const TearFinding& f) {
      return std::hypot(f.centre_x_mm - layer.centre_x_mm, f.centre_z_mm - layer.centre_z_mm) < kSamePlaceMm;
    };
    if (std::none_of(result.findings.begin(), result.findings.end(), beside) &&
        std::none_of(result.for_review.begin(), result.for_review.end(), beside))
      result.for_review.push_back(layer);
  }
}

// Every patch judged, its evidence recorded; findings for those that pass every gate, and the
// fluid layers named for review (keep_layers_for_review).
void judge_patches(const Context& ctx, const std::vector<std::uint8_t>& candidate, const CompartmentStatistics& compartments,
                   DetectionResult& result) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const double point_area_mm2 = g.step_px * g.step_px * ctx.m.mm_per_px_x * ctx.m.mm_per_px_y;
  std::vector<PlacedFinding> placed;
  std::vector<TearFinding> for_review;  // fluid layers named for review (keep_layers_for_review)
  const auto place = [&](const TearFinding& f, const CandidateEvidence& ev, std::size_t patch_id, std::size_t evidence) {
    placed.push_back({f, ev.centre_col_px, ev.centre_row_px, ev.surface_normal_deg,
                      std::isfinite(ev.length_along_mm) ? ev.length_along_mm : 0.0, ev.points, patch_id, evidence,
                      false, surface_lie(ctx.m, ev.grid_points)});
  };
  const auto patches = detection::components(candidate, g.columns, g.rows);
  std::vector<ShortSurface> shorts;
  for (std::size_t k = 0; k < patches.size(); ++k) {
    const auto& patch = patches[k];
    if (double(patch.size()) * point_area_mm2 < ctx.s.min_evidence_area_mm2) {
      CandidateEvidence ev;
      ev.points = int(patch.size());
      ev.area_mm2 = double(patch.size()) * point_area_mm2;
      ev.centre_col_px = g.x_px(column_of(g, patch.front()));
      ev.centre_row_px = g.y_px(row_of(g, patch.front()));
      ev.grid_points.assign(patch.begin(), patch.end());
      ev.decision = "too_small";
      ev.reason = "a patch smaller than min_evidence_area_mm2 is tracking noise";
      result.candidates.push_back(std::move(ev));
      continue;
    }
    // Every surface of the patch that is a tear; one_finding_per_lesion then keeps one per lesion.
    for (auto& surface : detection::patch_surfaces(ctx, patch)) {
      CandidateEvidence ev;
      if (auto f = evaluate_candidate(ctx, compartments, surface, patch, ev)) place(*f, ev, k, result.candidates.size());
      if (ev.decision == "not_gap_shaped") shorts.push_back({std::move(surface), k, result.candidates.size()});
      result.candidates.push_back(std::move(ev));
    }
  }
  // Short pieces of one tear, judged again by their joined length; every finding of joined
  // patches then shares one patch id (merging: surfaces of one lesion).
  const detection::JoinedPieces joined = detection::join_pieces(ctx, shorts, patches.size(), result);
  for (std::size_t i = 0; i < shorts.size(); ++i) {
    if (!std::isfinite(joined.length_mm[i])) continue;
    CandidateEvidence ev;
    if (auto f = evaluate_candidate(ctx, compartments, shorts[i].points, patches[shorts[i].patch], ev, joined.length_mm[i]))
      place(*f, ev, shorts[i].patch, shorts[i].evidence);
    result.candidates[shorts[i].evidence] = std::move(ev);
  }
  for (PlacedFinding& p : placed) p.patch = joined.patch_root[p.patch];
  // Fibres pulled off an aponeurosis, seen as the fluid between them (FluidLayerScan.cpp): at the
  // peak, and on the way to it where the strongest contraction passes 60 % of its shortening —
  // the deep aponeurosis slides 15-35 mm, and a detachment near the image's edge can leave the
  // view by the peak (held-out 31001: 2.9 mm from the edge at peak, 9 mm at 60 %).
  const std::vector<PlacedFinding> by_motion = placed;
  std::vector<std::pair<const Context*, const CompartmentStatistics*>> scans{{&ctx, &compartments}};
  std::optional<Context> on_the_way;
  std::optional<CompartmentStatistics> on_the_way_compartments;
  if (const std::optional<int> k = on_the_way_to_peak(ctx.contraction); k && *k != ctx.peak()) {
    on_the_way.emplace(context_at(ctx, *k));
    // Its own compartments, of the muscle tracked from rest to k: with those of the peak, the
    // muscle that slid out of the image by then was no muscle beside the fluid (held-out 35001).
    on_the_way_compartments.emplace(compartment_growth(*on_the_way));
    scans.emplace_back(&*on_the_way, &*on_the_way_compartments);
  }
  for (const auto& [scan, scan_compartments] : scans)
    for (auto& [f, ev] : fluid_layers_opening(*scan, *scan_compartments, by_motion)) {
      if (scan != &ctx) ev.reason += " (read at analysed frame " + std::to_string(scan->peak()) + ", on the way to the peak)";
      if (ev.decision == "reported")
        placed.push_back({f, ev.centre_col_px, ev.centre_row_px, ev.surface_normal_deg, ev.length_along_mm, ev.points,
                          patches.size() + result.candidates.size(), result.candidates.size(), true, std::nullopt});
      if (ev.decision == "faint_layer") for_review.push_back(f);
      if (ev.decision == "opening_within_angle_error") {
        f.review_reason = ReviewReason::OpeningWithinAngleError;
        for_review.push_back(f);
      }
      result.candidates.push_back(std::move(ev));
    }
  LesionSurroundings around;
  around.tissue_at = [&ctx](double x0, double y0, int k, double& x, double& y) { position_in(ctx.m, k, x0, y0, x, y); };
  around.tracked_tissue_at = [&ctx](double x0, double y0, int k, double& x, double& y) {
    return tracked_position_in(ctx, k, x0, y0, kTrackedTissueReachMm, x, y);
  };
  around.plane_between = [&ctx](double xa, double ya, double xb, double yb) { return plane_between(ctx, xa, ya, xb, yb); };
  result.findings = one_finding_per_lesion(std::move(placed), {ctx.m.mm_per_px_x, ctx.m.mm_per_px_y}, ctx.s, result, around);
  keep_layers_for_review(result, std::move(for_review));
}

// Says when "no tear" would rest on little tracked tissue.
void note_tracked_fraction(const DetectionSettings& s, DetectionResult& result) {
  if (result.tracked_fraction < s.min_tracked_fraction) {
    std::ostringstream note;
    note << "only " << int(std::lround(100.0 * result.tracked_fraction)) << " % of " << result.tracked_fraction_of
         << " was tracked from rest to peak contraction: a missed tear is possible";
    result.notes.push_back(note.str());
  }
}

}  // namespace

DetectionResult detect_tears(const MotionRecord& m, const FrameAt& frame_at, const DetectionSettings& s,
                             FascicleReadings* readings) {
  DetectionResult result;
  result.calibrated = m.region.has_mm_calibration();
  result.mm_per_px_x = m.mm_per_px_x;
  result.mm_per_px_y = m.mm_per_px_y;
  if (m.frame_count() < 3) {
    result.notes.push_back("fewer than 3 frames: a tear is judged by how it opens over a contraction");
    result.inconclusive_reason = "fewer than 3 frames";
    return result;
  }
  // Rest and peak from the tissue tracked through most of the clip; the comparison
  // itself then reads only what is tracked at both.
  const std::vector<std::uint8_t> steady = detection::tracked_in_most_frames(m, s.border_steps, 0.5);
  if (std::count(steady.begin(), steady.end(), 1) < 20) {
    result.notes.push_back("no tissue could be tracked through the clip (no speckle, or the image changed too much)");
    result.inconclusive_reason = "no tissue could be tracked";
    return result;
  }
  FascicleReadings own_readings;
  FascicleReadings& read = readings ? *readings : own_readings;
  FibreField fibres0 = read.in_frame(0, frame_at(0), m, s.fascicle_grain_elongation);
  long undirected = 0;
  for (std::size_t i = 0; i < fibres0.angle_deg.size(); ++i)
    if (fibres0.coherence[i] < s.min_fibre_coherence) {
      // No direction in the texture: a longitudinal scan's fibres run along the image.
      fibres0.angle_deg[i] = 0.0f;
      undirected += steady[i];
    }
  if (undirected > std::count(steady.begin(), steady.end(), 1) / 2)
    result.notes.push_back("little fibre texture: fibres taken to run along the image (longitudinal scan)");
  result.contraction = analyse_contraction(m, fibres0, steady, s.baseline_steps);
  const int rest = result.contraction.rest_frame, peak = result.contraction.peak_frame;
  // Of all trackable tissue; of the muscle once its compartments are known (contracting).
  result.tracked_fraction = detection::tracked_fraction(m, s.border_steps, rest, peak);
  const double judged_from = std::max(s.min_peak_strain, s.min_judged_strain);
  const bool contracted = result.contraction.peak_strain <= -judged_from;
  if (!contracted) {
    std::ostringstream note;
    note << "no contraction: fibre strain between the most relaxed and most contracted frames is "
         << 100.0 * result.contraction.peak_strain << " % (a tear is judged from " << 100.0 * judged_from
         << " % shortening)";
    result.notes.push_back(note.str());
    result.inconclusive_reason = "no contraction to judge a tear by";
    // The maps are made even without a contraction: "why was nothing found?" needs them most.
    if (!s.record_evidence) {
      note_tracked_fraction(s, result);
      return result;
    }
  }
  Context ctx = make_context(m, frame_at, s, read, result.contraction, fibres0);
  const double sigma = measure_area_growth(ctx);
  if (contracted) ctx.muscle_region = muscle_region(ctx);
  if (contracted)
    if (const std::optional<double> muscle = muscle_tracked_fraction(ctx)) {
      result.tracked_fraction = *muscle;
      result.tracked_fraction_of = "the muscle";
    }
  note_tracked_fraction(s, result);
  const double excess = candidate_threshold(s, sigma);
  const CompartmentStatistics compartments = compartment_growth(ctx);
  report_fascicle_angles(compartments, result.contraction);
  const std::vector<std::uint8_t> candidate = candidate_points(ctx, excess, compartments);
  // The compartments always (a few numbers: the viewer draws its strain layer over them); the
  // per-point maps only when evidence is recorded.
  result.maps.compartments = compartments.each;
  result.maps.compartment_of_point.assign(compartments.label.begin(), compartments.label.end());
  if (s.record_evidence) {
    fill_maps(ctx, result.maps);
    result.maps.muscle_sd = sigma;
    result.maps.candidate_threshold = excess;
  }
  if (!contracted) return result;
  judge_patches(ctx, candidate, compartments, result);
  if (!s.record_evidence) result.candidates.clear();
  for (const auto& f : result.findings)
    if (f.extent_pct < 0)
      result.notes.push_back("the muscle's thickness could not be measured at a finding: its extent is unknown");
  result.tear_detected = !result.findings.empty();
  if (!result.tear_detected) result.notes.push_back("no fibre discontinuity opened under contraction");
  result.conclusive = result.tear_detected || result.tracked_fraction >= s.min_tracked_fraction;
  if (!result.conclusive) result.inconclusive_reason = "too little tissue tracked to rule a tear out";
  return result;
}

}  // namespace ft
