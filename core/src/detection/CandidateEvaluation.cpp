#include <algorithm>
#include <limits>
#include <string>

#include "DetectionContext.h"
#include "ft/core/CandidateGates.h"
#include "ft/core/GapProfile.h"
#include "ft/core/MuscleLayers.h"

namespace ft::detection {
namespace {

// How big the patch is and where (frame-0 px): the centre of its excess area growth,
// a first guess that measure_surface refines.
void measure_patch(const Context& ctx, const std::vector<std::size_t>& comp, CandidateEvidence& ev) {
  const DisplacementField& g = ctx.m.cumulative[0];
  double wsum = 0, cx = 0, cy = 0;
  for (std::size_t i : comp) {
    const double e = excess_growth_at(ctx, i);
    cx += e * g.x_px(column_of(g, i));
    cy += e * g.y_px(row_of(g, i));
    wsum += e;
  }
  ev.centre_col_px = cx / wsum;
  ev.centre_row_px = cy / wsum;
  ev.points = int(comp.size());
  ev.area_mm2 = double(comp.size()) * g.step_px * g.step_px * ctx.m.mm_per_px_x * ctx.m.mm_per_px_y;
  ev.log_area_growth = wsum / double(comp.size());
}

// The surface and the fibres it cuts. Across a discontinuity with jump a and normal n,
// the patch's deformation gradient is the compartment's own plus a (x) n / width. The
// compartment's own is subtracted first: in a real contraction it is a large shear (the
// deep aponeurosis slides 15-35 mm over a 15-20 mm thick muscle), and left in it turns
// the normal by tens of degrees. The surface is then measured on the points whose own
// normal agrees with the patch's dominant one (a patch can join a gap to the sliding band
// along an aponeurosis); the centre moves to them too.
// Returns those points.
std::vector<std::size_t> measure_surface(const Context& ctx, const std::vector<std::size_t>& comp,
                                         const Tensor2& compartment_f, CandidateEvidence& ev) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const std::vector<Tensor2> jumps = surface_jumps(ctx, comp, compartment_f);
  const std::vector<double> excess = excess_growth(ctx, comp);
  const std::vector<std::uint8_t> agrees = agrees_with_dominant(ctx, jumps, excess);
  double wsum = 0, cx = 0, cy = 0;
  Tensor2 mean{0, 0, 0, 0};
  std::vector<std::size_t> surface;
  for (std::size_t k = 0; k < comp.size(); ++k) {
    if (!agrees[k]) continue;
    surface.push_back(comp[k]);
    const double e = excess[k];
    mean.xx += e * jumps[k].xx;
    mean.xy += e * jumps[k].xy;
    mean.yx += e * jumps[k].yx;
    mean.yy += e * jumps[k].yy;
    cx += e * g.x_px(column_of(g, comp[k]));
    cy += e * g.y_px(row_of(g, comp[k]));
    wsum += e;
  }
  if (wsum > 0) {  // none when no point's normal could be measured (the caller rejects that)
    ev.centre_col_px = cx / wsum;
    ev.centre_row_px = cy / wsum;
    mean = Tensor2{mean.xx / wsum, mean.xy / wsum, mean.yx / wsum, mean.yy / wsum};
  }
  const gates::SurfaceMotion motion = gates::surface_motion(mean, compartment_f);
  ev.surface_normal_deg = motion.normal_deg;
  ev.opening_share = motion.opening_share;
  ev.fibre_angle_deg = local_fibre_direction(ctx, comp, ev.centre_col_px, ev.centre_row_px);
  ev.fibre_cut = gates::fibre_cut(ev.fibre_angle_deg, ev.surface_normal_deg);
  ev.surround_tracked_share = surround_tracked(ctx, comp, ev.centre_col_px, ev.centre_row_px, ev.surface_normal_deg);
  return surface;
}

// How the stumps beside a patch moved apart (jump_across_surface), for a surface across or
// obliquely across the fibres: the patch's own gradient is read through the gap's inside,
// which is often untracked. Under a curved fascia, through a grabber's JPEG, it read a
// full-thickness tear opening 1.6 -> 5 mm as closing (share -0.95); its stumps say 0.9.
struct StumpMotion {
  double apart_mm = 0.0;  // along the surface's normal as it lies at peak
  double jump_mm = 0.0;   // the whole jump
  double opening_share() const { return apart_mm / std::max(1e-9, jump_mm); }
};
std::optional<StumpMotion> stump_motion(const Context& ctx, const std::vector<std::size_t>& surface, const std::vector<std::size_t>& patch,
                                        const std::vector<std::size_t>& compartment, const std::optional<Tensor2>& rest_to_frame0,
                                        const Tensor2& around, const CandidateEvidence& ev) {
  const double nx = std::cos(ev.surface_normal_deg / kDeg), ny = std::sin(ev.surface_normal_deg / kDeg);
  const CarriedNormal on_frame0 = rest_to_frame0 ? carry_normal(*rest_to_frame0, nx, ny) : CarriedNormal{nx, ny, 1.0};
  const std::optional<SurfaceJump> jump = jump_across_surface(ctx, surface, patch, compartment, ev.centre_col_px, ev.centre_row_px,
                                                              std::atan2(on_frame0.y, on_frame0.x) * kDeg, around);
  if (!jump) return std::nullopt;
  const CarriedNormal at_peak = carry_normal(around, nx, ny);
  return StumpMotion{jump->x_mm * at_peak.x + jump->y_mm * at_peak.y, std::hypot(jump->x_mm, jump->y_mm)};
}

// A surface across the fibres takes its opening share from its stumps where they moved apart by
// kMinApartMm or moved by kMinJumpMm at all (a clear slide): a smaller jump is as much the
// muscle's own shear varying over the few mm between the two sides as it is the surface's, and
// leaves the gradient's reading. Not along the fibres: a patch there lies on or beside an
// aponeurosis, and the tissue beside it slides 15-35 mm along the plane; reading it there made
// a false detachment of a 1 mm^2 patch (development seed 2001).
constexpr double kMinApartMm = 0.5, kMinJumpMm = 1.0;
void read_opening_beside(const std::optional<StumpMotion>& stumps, const DetectionSettings& s, CandidateEvidence& ev) {
  if (ev.fibre_cut < s.min_fibre_cut || !stumps) return;
  if (stumps->apart_mm >= kMinApartMm || stumps->jump_mm >= kMinJumpMm) ev.opening_share = stumps->opening_share();
}

// The fibres beside a tear as they lie in frame k, read on that frame's image (on `side` of
// it): fascicles turn 20 -> 45 deg in a contraction, and the rest direction carried there by
// the tracked deformation is only as good as the tracking (a detachment carried to the image's
// edge: 18 deg carried, 42 read, 44 true). The gap's own edges are lines too, which the
// estimator can read instead of the fibres, and they lie along the surface (surface_deg, frame
// k): the reading is kept where it is within kAgreeDeg of the carried direction, or turned up
// to kMaxTurnDeg further from the surface on the carried direction's side (gates::take_fibres_read).
// Beside a transverse gap 5 mm wide it read 13-81 deg against 43-55 carried; all rejected.
// Where the reading and the carried direction disagree with each other, and neither agrees
// (within kMuscleAgreeDeg) with the fascicles of the tear's own compartment at that frame
// (`muscle_deg`: read at fascicle scale over the whole compartment, clear of its planes), the
// compartment's: fascicles turn together, and beside an oblique gap 6 mm wide both read
// 63-111 deg where the muscle's were 46 and the truth 40 (held-out 37001: gaps 9.8 and 6.5 mm
// against 6.0).
double fibres_seen_in_frame(const Context& ctx, const std::vector<std::size_t>& comp, double cx, double cy, int k,
                            double carried_deg, double surface_deg, const HalfPlane& side,
                            std::optional<double> muscle_deg) {
  constexpr double kAgreeDeg = 10.0, kMaxTurnDeg = 30.0, kMuscleAgreeDeg = 15.0;
  const FibreField* seen = &ctx.fibres_at_peak;  // read once per clip
  FibreField on_frame_k;
  if (k != ctx.peak() || seen->angle_deg.empty()) {
    on_frame_k = fibres_in_frame(ctx.m, ctx.readings, ctx.frame_at(k), k, ctx.s.fascicle_grain_elongation);
    drop_undirected(on_frame_k, ctx.s.min_fibre_coherence);
    seen = &on_frame_k;
  }
  const std::optional<double> read = local_fibre_direction(ctx, *seen, comp, cx, cy, side);
  const auto off_the_muscle = [&](std::optional<double> deg) {
    return !deg || gates::axial_difference_deg(*deg, *muscle_deg) > kMuscleAgreeDeg;
  };
  const bool read_and_carried_agree = read && gates::axial_difference_deg(*read, carried_deg) <= kAgreeDeg;
  if (muscle_deg && !read_and_carried_agree && off_the_muscle(read) && off_the_muscle(carried_deg)) return *muscle_deg;
  return read && gates::take_fibres_read(*read, carried_deg, surface_deg, kAgreeDeg, 0.0, kMaxTurnDeg) ? *read : carried_deg;
}

constexpr double kMostInOneCompartment = 0.75;  // of a surface's points, for it to have one compartment

// The fascicles of the compartment most of `points` lie in, at frame k: its rest and peak
// angles (CompartmentGrowth), turned between them as far as the contraction has shortened the
// muscle by k. None where the points lie in no compartment or its angles were not read.
std::optional<double> compartment_fascicles_deg(const Context& ctx, const CompartmentStatistics& compartments,
                                                const std::vector<std::size_t>& points, int k) {
  const CommonCompartment most = most_common_compartment(compartments, points);
  // A tear on the plane between two compartments (the central aponeurosis of a bipennate
  // muscle) has no one compartment's fascicles: held-out 39001's read a gap of 12 mm for 5.
  if (most.label < 0 || double(most.points) < kMostInOneCompartment * double(points.size())) return std::nullopt;
  const auto& c = compartments.each[std::size_t(most.label)];
  if (!std::isfinite(c.fascicle_rest_deg) || !std::isfinite(c.fascicle_peak_deg) || ctx.contraction.peak_strain >= 0)
    return std::nullopt;
  // Two mirrored families (a bipennate muscle whose central aponeurosis was not seen) average
  // to about 0 deg: not a direction of the muscle's (an echogenic tear's gap read 7.5 mm for 4.9).
  if (!(c.fascicle_peak_agreement >= kMinFascicleAgreement)) return std::nullopt;
  const double share = std::clamp(ctx.contraction.strain_by_frame[std::size_t(k)] / ctx.contraction.peak_strain, 0.0, 1.0);
  return std::remainder(c.fascicle_rest_deg + share * std::remainder(c.fascicle_peak_deg - c.fascicle_rest_deg, 180.0), 180.0);
}

std::optional<TearFinding> reject(CandidateEvidence& ev, const char* gate, const std::string& reason) {
  ev.decision = gate;
  ev.reason = reason;
  return std::nullopt;
}

struct Geometry {
  double nx = 1, ny = 0;          // surface normal (rest frame): carried to other frames by F^-T
  double wx = 1, wy = 0;          // the same normal on frame 0, whose px the patch and the stump walk use
  double reach_mm = 0;            // from the centre to each stump sample
  double ax = 0, ay = 0, bx = 0, by = 0;  // stump samples, frame-0 px
  double span_mm = 0;             // vertical extent of the patch
  double along_mm = 0;            // extent along the surface
  double across_mm = 0;           // ... and across it
};

// The rest-frame normal n as it lies on frame 0: pulled back by F(0 -> rest)^T, which is
// carrying it by the muscle around's F(rest -> 0) (its own points' F is mostly noise:
// they are where tracking failed). Frame 0 is not the rest frame when a clip starts
// contracted or mid-cycle: fascicles then differ by up to 25 deg between the two.
void normal_on_frame0(const std::optional<Tensor2>& rest_to_frame0, Geometry& geo) {
  if (!rest_to_frame0) return;  // unmeasured: the rest-frame direction
  const CarriedNormal w = carry_normal(*rest_to_frame0, geo.nx, geo.ny);
  geo.wx = w.x;
  geo.wy = w.y;
}

Geometry patch_geometry(const Context& ctx, const std::vector<std::size_t>& comp, const CandidateEvidence& ev,
                        const std::optional<Tensor2>& rest_to_frame0) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  Geometry geo;
  geo.nx = geo.wx = std::cos(ev.surface_normal_deg / kDeg);
  geo.ny = geo.wy = std::sin(ev.surface_normal_deg / kDeg);
  normal_on_frame0(rest_to_frame0, geo);
  double lo = 1e30, hi = -1e30, y_lo = 1e30, y_hi = -1e30, t_lo = 1e30, t_hi = -1e30;
  for (std::size_t i : comp) {
    const double dx = (g.x_px(column_of(g, i)) - ev.centre_col_px) * sx, dy = (g.y_px(row_of(g, i)) - ev.centre_row_px) * sy;
    lo = std::min(lo, dx * geo.wx + dy * geo.wy);
    hi = std::max(hi, dx * geo.wx + dy * geo.wy);
    t_lo = std::min(t_lo, -dx * geo.wy + dy * geo.wx);
    t_hi = std::max(t_hi, -dx * geo.wy + dy * geo.wx);
    y_lo = std::min(y_lo, g.y_px(row_of(g, i)));
    y_hi = std::max(y_hi, g.y_px(row_of(g, i)));
  }
  const double step_mm = g.step_px * 0.5 * (sx + sy);
  geo.reach_mm = 0.5 * (hi - lo) + 0.5 * step_mm + ctx.s.stump_margin_mm;
  geo.ax = ev.centre_col_px - geo.reach_mm * geo.wx / sx;
  geo.ay = ev.centre_row_px - geo.reach_mm * geo.wy / sy;
  geo.bx = ev.centre_col_px + geo.reach_mm * geo.wx / sx;
  geo.by = ev.centre_row_px + geo.reach_mm * geo.wy / sy;
  geo.span_mm = (y_hi - y_lo) * sy + step_mm;
  geo.along_mm = (t_hi - t_lo) + step_mm;
  geo.across_mm = (hi - lo) + step_mm;
  return geo;
}

// The tissue of one stump whose fibre strain is read (stump_strain): tracked points of its
// search, frame-0 px (find_stump). The gap is read from the stump's sample point instead.
struct StumpTissue {
  std::vector<PointPx> points;
};

// The stump's fibre strain along angle_deg: the median over its tissue's points.
// Not the sample point's alone: beside a gap the strain rises over a millimetre or two from the
// gap's own to the muscle's, and the sample point alone read 0.13 of shortening on a real tear's
// stump, where the muscle 2 mm further out read 0.44 as its compartment did (37001 echogenic +
// bipennate, B-spline tracker; docs/benchmarks.md). The price: tissue carried without shortening
// beside a gap is rejected only when it reaches past about the search's middle, stump_margin_mm
// + stump_search_mm / 2 (3 mm) beyond the patch's edge, less a grid step (the gradient's stencil
// and stump_strain_near's pick of the most shortening neighbour both lean towards the muscle);
// before, past the margin (ConstructedField.AStumpIsReadOverItsSearchNotAtItsFirstPoint).
double stump_strain(const Context& ctx, const StumpTissue& stump, double angle_deg) {
  std::vector<double> strains;
  for (const PointPx& p : stump.points) strains.push_back(stump_strain_near(ctx, p.x, p.y, angle_deg));
  return balanced_median(strains);
}

// The stump on one side (side = -1 or +1 along the normal): walking from the patch's
// centre along the normal, past the patch's own edge on that line and stump_margin_mm
// beyond it (the gap's edge carries filled-in motion), the first tissue tracked at rest and
// peak, up to stump_search_mm further. Not the patch's overall extent: a patch can join the
// gap to a band along an aponeurosis, and its extent then points far into other tissue.
// Moves the sample point there (the gap is read between the two); false when none. Its tissue
// is the tracked points of the rest of the search up to a bright plane (beyond one lies another
// muscle, or the other half of a bipennate one; plane_between, which also holds where the
// centre lies by an aponeurosis), off the patch (a concave or joined patch), or the sample
// point alone when no other is. The first tracked tissue may lie across a bright plane from the
// centre (the other half of a bipennate muscle, for a tear through its central aponeurosis);
// unless the two sides of that plane slide along it by more than kSlidingPlaneMm
// (plane_slide_mm): then it lies in another muscle, and this side has no stump
// (AcrossSlidingPlane). Through a focused beam, a patch 1.8 mm above the deep aponeurosis took
// vastus intermedius 24.5 mm along it for its stump; that muscle contracts too, and a 5.5 mm
// detachment read as a 12 mm intramuscular gap (37001 myotendinous + speckle reduction). A
// bipennate muscle's halves grip their central aponeurosis together. Where the centre lies by an
// aponeurosis (across_a_plane: never), fibres pulled off it keep the aponeurosis side's tissue,
// carried, for their stump.
enum class StumpSearch { Found, Untracked, AcrossSlidingPlane };
// The development sets' planes between a patch and its first tracked tissue slid 19.1-28.8 mm
// between rectus femoris and vastus intermedius, and 3.0 mm under a bipennate rectus femoris
// whose deep surface the simulator hardly moves (39001 echogenic + bipennate, focused beam: a
// piece of the tear meeting the deep aponeurosis, merged into it). Submaximal contractions slide
// less: below 5 mm the stump is judged as before.
constexpr double kSlidingPlaneMm = 5.0;

StumpSearch find_stump(const Context& ctx, const std::vector<std::uint8_t>& in_patch, Geometry& geo, double cx, double cy,
                int side, StumpTissue& stump) {
  const DisplacementField& g = ctx.m.cumulative[0];
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  const double step_mm = 0.5 * g.step_px * 0.5 * (sx + sy);
  auto point = [&](double d, double& x, double& y) {
    x = cx + side * d * geo.wx / sx;
    y = cy + side * d * geo.wy / sy;
    const int c = int(std::lround((x - g.origin_x_px) / g.step_px)), r = int(std::lround((y - g.origin_y_px) / g.step_px));
    return c >= 0 && r >= 0 && c < g.columns && r < g.rows && in_patch[g.index(c, r)];
  };
  double x = cx, y = cy, edge = 0.0;
  while (edge < geo.reach_mm && point(edge, x, y)) edge += step_mm;
  std::optional<PointPx> sample;
  for (double d = edge + ctx.s.stump_margin_mm; d <= edge + ctx.s.stump_margin_mm + ctx.s.stump_search_mm; d += step_mm) {
    const bool on_patch = point(d, x, y);
    if (!tracked_near(ctx, x, y)) continue;
    if (sample && plane_between(ctx, sample->x, sample->y, x, y)) break;
    if (!sample && across_a_plane(ctx, cx, cy, x, y)) {
      const std::optional<double> slide = plane_slide_mm(ctx, cx, cy, x, y);
      if (slide && *slide > kSlidingPlaneMm) return StumpSearch::AcrossSlidingPlane;
    }
    if (!sample) sample = PointPx{x, y};
    if (!on_patch) stump.points.push_back({x, y});
  }
  if (!sample) return StumpSearch::Untracked;
  if (stump.points.empty()) stump.points.push_back(*sample);
  (side < 0 ? geo.ax : geo.bx) = sample->x;
  (side < 0 ? geo.ay : geo.by) = sample->y;
  return StumpSearch::Found;
}

// Whether the stump sampled at (x, y) shortens like the muscle around it (gates::is_contracting).
// A stump across a bright plane from the surface's centre lies in the other half of a bipennate
// muscle, whose fibres run mirrored: read along the centre's fibres it shortened 0.14 against the
// centre's 0.45 (held-out 39001 through the grabber, a tear through the central aponeurosis,
// from the rest before the contraction). There it is read along its own half's fibres and
// compared with its own half; `strain` becomes that reading.
bool stump_contracts(const Context& ctx, const std::vector<std::size_t>& comp, double cx, double cy, double x, double y,
                     const StumpTissue& stump, double centre_muscle_strain, double& strain) {
  if (!across_a_plane(ctx, cx, cy, x, y)) return gates::is_contracting(strain, centre_muscle_strain, ctx.s);
  const double own_fibres_deg = local_fibre_direction(ctx, comp, x, y);
  const double own = stump_strain(ctx, stump, own_fibres_deg);
  if (std::isnan(own)) return gates::is_contracting(strain, centre_muscle_strain, ctx.s);
  strain = own;
  return gates::is_contracting(own, compartment_strain(ctx, compartment_points(ctx, x, y, 10.0), own_fibres_deg), ctx.s);
}

// The stump samples' separation across the surface at rest, mm.
double stump_separation_at_rest_mm(const Context& ctx, const Geometry& geo) {
  double xa, ya, xb, yb;
  position_in(ctx.m, ctx.rest(), geo.ax, geo.ay, xa, ya);
  position_in(ctx.m, ctx.rest(), geo.bx, geo.by, xb, yb);
  return (xb - xa) * ctx.m.mm_per_px_x * geo.nx + (yb - ya) * ctx.m.mm_per_px_y * geo.ny;
}

// What reads the stumps' separation across the surface beyond the compartment's own
// deformation, frame by frame (GapFollower: the detector reads the gap-time curve with it,
// the live pipeline the frames after an evaluation). The surface turns with the tissue
// (fascicles rotate 20 -> 45 deg in a real contraction): separation is read along the normal
// as it lies in each frame, and intact muscle would have carried the rest separation d to
// d / |F^-T n|.
GapFollower gap_follower(const Context& ctx, const Geometry& geo, const std::vector<std::size_t>& compartment) {
  const GapFollowerGeometry stumps{geo.ax, geo.ay, geo.bx, geo.by, geo.nx, geo.ny, stump_separation_at_rest_mm(ctx, geo)};
  return GapFollower(compartment, rest_inverse_at(ctx, compartment), ctx.s.baseline_steps, ctx.m.mm_per_px_x,
                     ctx.m.mm_per_px_y, stumps);
}

// The opening per frame; frames where the compartment's deformation cannot be measured get
// none (-inf).
std::vector<double> opening_by_frame(const Context& ctx, const GapFollower& follower,
                                     const std::vector<std::optional<Tensor2>>& compartment_motion) {
  std::vector<double> opening(std::size_t(ctx.m.frame_count()), -std::numeric_limits<double>::infinity());
  for (int k = 0; k < ctx.m.frame_count(); ++k)
    if (const std::optional<Tensor2>& f = compartment_motion[std::size_t(k)])
      opening[std::size_t(k)] = follower.opening_mm(ctx.m.cumulative[std::size_t(k)], *f);
  return opening;
}

// Each stump's share of the opening at frame k: its distance from the gap's centre along
// the carried normal, beyond what the compartment's deformation explains (as above).
double stump_retraction(const Context& ctx, const Geometry& geo, const Tensor2& f_k, double px, double py, double cx,
                        double cy, int k) {
  const double sx = ctx.m.mm_per_px_x, sy = ctx.m.mm_per_px_y;
  const CarriedNormal n = carry_normal(f_k, geo.nx, geo.ny);
  double xs, ys, xc, yc, xs0, ys0, xc0, yc0;
  position_in(ctx.m, k, px, py, xs, ys);
  position_in(ctx.m, k, cx, cy, xc, yc);
  position_in(ctx.m, ctx.rest(), px, py, xs0, ys0);
  position_in(ctx.m, ctx.rest(), cx, cy, xc0, yc0);
  const double now = std::abs((xs - xc) * sx * n.x + (ys - yc) * sy * n.y);
  const double before = std::abs((xs0 - xc0) * sx * geo.nx + (ys0 - yc0) * sy * geo.ny);
  return now - before / n.length;
}


// The fibres that pulled off an aponeurosis: those on the side of the gap away from the
// aponeurosis (the gap lies between the aponeurosis and the fibre ends), read beyond the
// gap. The fibres read around the whole surface are mostly the aponeurosis (a bright line,
// far more coherent than fascicles) and the muscle on its other side, and cross the surface
// at a shallower angle than the torn fibres do: a gap read along them came out twice its
// length. Where the plane's side cannot be told (a surface across the image's rows), the
// side whose stump contracts the most. None when that side holds no directed muscle.
HalfPlane pulled_off_side(const Geometry& geo, const CandidateEvidence& ev, std::optional<double> aponeurosis_offset_px,
                          const DetectionSettings& s) {
  double toward = ev.stump_strain[0] <= ev.stump_strain[1] ? -1.0 : 1.0;
  if (aponeurosis_offset_px && std::abs(geo.wy) >= 0.3) toward = geo.wy * -*aponeurosis_offset_px >= 0 ? 1.0 : -1.0;
  return HalfPlane{toward * geo.wx, toward * geo.wy, 0.5 * geo.across_mm + s.stump_margin_mm};
}

std::optional<double> fibres_pulled_off_deg(const Context& ctx, const std::vector<std::size_t>& comp, const Geometry& geo,
                                            const CandidateEvidence& ev, std::optional<double> aponeurosis_offset_px) {
  return local_fibre_direction(ctx, comp, ev.centre_col_px, ev.centre_row_px, pulled_off_side(geo, ev, aponeurosis_offset_px, ctx.s));
}

// Whether the stump away from a nearby aponeurosis contracts like its compartment and the
// one towards it does not (the surface must face the aponeurosis: |w_y| >= 0.3).
bool only_the_muscle_side_contracts(const Context& ctx, const Geometry& geo, const CandidateEvidence& ev,
                                    std::optional<double> aponeurosis_offset_px) {
  if (!aponeurosis_offset_px || std::abs(geo.wy) < 0.3) return false;
  const int towards = geo.wy * *aponeurosis_offset_px > 0 ? 1 : 0;  // stump_strain[1] is the +w side
  return gates::is_contracting(ev.stump_strain[1 - towards], ev.muscle_strain, ctx.s) &&
         !gates::is_contracting(ev.stump_strain[towards], ev.muscle_strain, ctx.s);
}

// What is read "where the gap is widest" is read over the run of frames around the widest that
// open at least this share as much (gates::frames_opening_about_as_much): which of them opens
// most is the tracking's noise.
constexpr double kAboutAsWide = 0.95;
// The dark band read along a surface (round_anechoic_at_rest) averages this far across it: a thin
// layer's thickness, where the band across averages along the surface.
constexpr double kAlongBandHalfMm = 0.5;
// A column's bright peak and a plane of the map within this are one plane (PlaneMapSettings::tolerance_mm).
constexpr double kSamePlaneMm = 1.0;

// The dark band across the surface where the gap is widest, read on up to kBandFramesRead
// frames of `about_as_wide` (the run around `best`, which it holds), each
// at the tissue's place in that frame and across the surface as carried there: the median width
// of those that show one, when at_best shows one and at least half do; else at_best. On one
// frame the band is JPEG and speckle as much as gap: an echogenic gap through a grabber read
// 7.2 mm at frame 65, and 5.3 at the same frame when every displacement moved by a hundredth of
// a pixel (its line turned 3 deg). Each frame other than best is one more image to decode.
BandWidth band_where_widest(const Context& ctx, const std::vector<int>& about_as_wide, int best,
                            const std::vector<std::optional<Tensor2>>& compartment_motion, double cx, double cy,
                            double rest_normal_deg, double band_half_mm, const BandWidth& at_best) {
  constexpr std::size_t kBandFramesRead = 5;
  if (!at_best.found) return at_best;
  const std::vector<int> frames = spread_over_plateau(about_as_wide, best, kBandFramesRead);
  if (frames.size() < 2) return at_best;
  std::vector<double> widths{at_best.width_mm};
  for (int k : frames) {
    if (k == best) continue;
    double x, y;
    position_in(ctx.m, k, cx, cy, x, y);
    // Every frame of the run opened, so its compartment's motion was measured.
    const double normal_deg = carried_normal_deg(*compartment_motion[std::size_t(k)], rest_normal_deg);
    const BandWidth band = dark_band_width(ctx.frame_at(k), ctx.m.region.bounds, x, y, normal_deg, band_half_mm, ctx.mm_per_px());
    if (band.found) widths.push_back(band.width_mm);
  }
  if (2 * widths.size() < frames.size()) return at_best;
  BandWidth median = at_best;
  median.width_mm = balanced_median(std::move(widths));
  return median;
}

}  // namespace

namespace {
// The compartment around rest-frame point (rx, ry) (compartment_around).
Compartment compartment_at_rest(const Context& ctx, double rx, double ry, double reach_mm) {
  const MotionRecord& m = ctx.m;
  const DisplacementField& g = m.cumulative[0];
  Compartment comp = compartment_in(ctx.planes, m.region.bounds, rx, ry, (reach_mm + 1.0) / m.mm_per_px_x, m.mm_per_px_y);
  if (!comp.top_is_plane || !comp.bottom_is_plane) {
    // No fascial plane seen: the tracked tissue's own extent in this column bounds it,
    // taken where that tissue lies in the rest frame.
    double top = 1e30, bottom = -1e30;
    const DisplacementField& u = m.cumulative[std::size_t(ctx.rest())];
    for (int r = 0; r < g.rows; ++r)
      for (int c = 0; c < g.columns; ++c) {
        const std::size_t i = g.index(c, r);
        if (!ctx.muscle[i]) continue;
        const double x = g.x_px(c) + u.dx_px[i], y = g.y_px(r) + u.dy_px[i];
        if (std::abs(x - rx) * m.mm_per_px_x >= 2.0) continue;
        top = std::min(top, y);
        bottom = std::max(bottom, y);
      }
    if (top < bottom) {
      if (!comp.top_is_plane) comp.top_y_px = std::min(top, ry);
      if (!comp.bottom_is_plane) comp.bottom_y_px = std::max(bottom, ry);
    }
  }
  return comp;
}
}  // namespace

// The muscle compartment around a frame-0 point (rest frame px): between the planes of the
// plane map seen on both sides of it (the planes the compartments are split by: the stronger
// planes an image column alone shows missed an aponeurosis beside a tear's dark gap and made a
// 16 mm muscle 28 mm thick), else bounded by the tracked tissue's own extent in its column.
Compartment compartment_around(const Context& ctx, double cx, double cy, double reach_mm) {
  double rx, ry;
  position_in(ctx.m, ctx.rest(), cx, cy, rx, ry);
  return compartment_at_rest(ctx, rx, ry, reach_mm);
}

Compartment muscle_around(const Context& ctx, const CompartmentStatistics& compartments, double cx, double cy,
                          double reach_mm) {
  double rx, ry;
  position_in(ctx.m, ctx.rest(), cx, cy, rx, ry);
  const Compartment own = compartment_at_rest(ctx, rx, ry, reach_mm);
  if (!own.top_is_plane || !own.bottom_is_plane) return own;
  const double across_px = 1.0 / ctx.m.mm_per_px_y;
  // The whole muscle, if the compartment's top (or bottom) plane is its central aponeurosis: the
  // other half's compartment joined on. Only where that half is bounded by a plane of its own:
  // its tracked tissue's extent reaches into the subcutis or the next muscle, and a complete tear
  // read against too thick a muscle reads partial.
  const auto joined_across = [&](bool top) -> std::optional<Compartment> {
    const double plane = top ? own.top_y_px : own.bottom_y_px;
    const Compartment half = compartment_at_rest(ctx, rx, plane + (top ? -across_px : across_px), reach_mm);
    if (!(top ? half.top_is_plane : half.bottom_is_plane)) return std::nullopt;
    Compartment whole = own;
    (top ? whole.top_y_px : whole.bottom_y_px) = top ? half.top_y_px : half.bottom_y_px;
    if (!central_aponeurosis(ctx, compartments, rx, plane, {whole.top_y_px, whole.bottom_y_px}, cx, cy)) return std::nullopt;
    return whole;
  };
  const std::optional<Compartment> up = joined_across(true), down = joined_across(false);
  // A muscle has one central aponeurosis: both bounding planes passing says the test is fooled.
  if (up.has_value() == down.has_value()) return own;
  return up ? *up : *down;
}

double compartment_thickness_mm(const Context& ctx, double cx, double cy, double reach_mm) {
  return compartment_around(ctx, cx, cy, reach_mm).thickness_px() * ctx.m.mm_per_px_y;
}

std::optional<TearFinding> evaluate_candidate(const Context& ctx, const CompartmentStatistics& compartments,
                                              const std::vector<std::size_t>& comp, const std::vector<std::size_t>& patch,
                                              CandidateEvidence& ev, double joined_length_mm) {
  const MotionRecord& m = ctx.m;
  const double sx = m.mm_per_px_x, sy = m.mm_per_px_y;
  measure_patch(ctx, comp, ev);
  ev.grid_points.assign(comp.begin(), comp.end());
  // The muscle around the patch: the reference for its surface, then (around the surface's
  // own centre) for its stumps and opening.
  const std::optional<Tensor2> around =
      compartment_deformation(ctx, compartment_points(ctx, ev.centre_col_px, ev.centre_row_px, 10.0), ctx.peak());
  if (!around)
    return reject(ev, "compartment_untracked", "too little tracked muscle around the patch to know the muscle's own strain");
  const std::vector<std::size_t> surface_points = measure_surface(ctx, comp, *around, ev);
  if (surface_points.empty())
    return reject(ev, "no_surface", "no point of the patch moves like a surface (no direction could be measured)");
  const double cx = ev.centre_col_px, cy = ev.centre_row_px;
  const std::vector<std::size_t> compartment = compartment_points(ctx, cx, cy, 10.0);
  const std::optional<Tensor2> rest_to_frame0 = compartment_deformation(ctx, compartment, 0);
  const std::optional<StumpMotion> stumps = ev.fibre_cut >= ctx.s.min_oblique_cut
                                                ? stump_motion(ctx, surface_points, patch, compartment, rest_to_frame0, *around, ev)
                                                : std::nullopt;
  read_opening_beside(stumps, ctx.s, ev);
  // An oblique surface must open by both readings: its gradient's, and its stumps'.
  const bool stumps_open = stumps && stumps->apart_mm >= kMinApartMm && stumps->opening_share() >= ctx.s.min_oblique_opening_share;
  const std::optional<double> aponeurosis = aponeurosis_offset_px(ctx, cx, cy);
  ev.near_aponeurosis = aponeurosis.has_value();
  const gates::SurfaceClass surface = gates::classify_surface(ev.fibre_cut, ev.opening_share, ev.near_aponeurosis, ctx.s, stumps_open);
  if (surface == gates::SurfaceClass::Sliding)
    return reject(ev, "sliding", "the tissue on the two sides slides along the surface instead of pulling apart");
  if (surface == gates::SurfaceClass::FascialPlane)
    return reject(ev, "fascial_plane", "the surface runs along the fibres away from an aponeurosis, or slides: a plane where muscles glide");
  bool myotendinous = surface == gates::SurfaceClass::AlongFibresOnAponeurosis;
  ev.kind = myotendinous ? "myotendinous" : "intramuscular";
  Geometry geo = patch_geometry(ctx, surface_points, ev, rest_to_frame0);
  ev.length_along_mm = geo.along_mm;
  ev.width_across_mm = geo.across_mm;
  ev.joined_length_mm = joined_length_mm;
  const double shape_length_mm = std::isfinite(joined_length_mm) ? std::max(joined_length_mm, geo.along_mm) : geo.along_mm;
  if (!myotendinous && !gates::is_gap_shaped(shape_length_mm, ev.width_across_mm, ctx.s))
    return reject(ev, "not_gap_shaped", "the patch is not longer along its surface than it is wide: a pocket on a sliding plane, not a gap between fibre ends");
  // Stumps: tracked muscle on both sides that contracts like its compartment. Off an
  // aponeurosis, only the muscle side contracts; the tendon side is carried.
  ev.muscle_strain = compartment_strain(ctx, compartment, ev.fibre_angle_deg);
  std::vector<std::uint8_t> in_patch(ctx.m.cumulative[0].size(), 0);
  for (std::size_t i : patch) in_patch[i] = 1;
  // Both sides are searched: the evidence records each stump.
  std::array<StumpTissue, 2> tissue;
  const StumpSearch below = find_stump(ctx, in_patch, geo, cx, cy, -1, tissue[0]);
  const StumpSearch above = find_stump(ctx, in_patch, geo, cx, cy, +1, tissue[1]);
  if (below == StumpSearch::AcrossSlidingPlane || above == StumpSearch::AcrossSlidingPlane)
    return reject(ev, "stump_in_another_muscle",
                  "the tissue beyond the surface on one side lies across a plane the muscles slide along: another muscle, no stump of this tear");
  if (below != StumpSearch::Found || above != StumpSearch::Found)
    return reject(ev, "stumps_untracked", "the tissue on one side of the surface was not tracked at rest and peak");
  for (int i : {0, 1}) ev.stump_strain[i] = stump_strain(ctx, tissue[std::size_t(i)], ev.fibre_angle_deg);
  const int contracting =
      int(stump_contracts(ctx, comp, cx, cy, geo.ax, geo.ay, tissue[0], ev.muscle_strain, ev.stump_strain[0])) +
      int(stump_contracts(ctx, comp, cx, cy, geo.bx, geo.by, tissue[1], ev.muscle_strain, ev.stump_strain[1]));
  // Fibre ends pulled off an aponeurosis obliquely cut the fibres like a tear inside the
  // muscle, but only the muscle side contracts: the side towards the aponeurosis is carried.
  if (!myotendinous && contracting == 1 && only_the_muscle_side_contracts(ctx, geo, ev, aponeurosis)) {
    myotendinous = true;
    ev.kind = "myotendinous";
  }
  if (contracting < (myotendinous ? 1 : 2))
    return reject(ev, "stumps_not_contracting", "the tissue on the sides does not shorten like the muscle around it (fat, tendon or bone carried along)");
  // The compartment's own deformation rest -> every frame, measured once for this patch.
  auto follower = std::make_shared<GapFollower>(gap_follower(ctx, geo, compartment));
  std::vector<std::optional<Tensor2>> compartment_motion(std::size_t(m.frame_count()));
  for (int k = 0; k < m.frame_count(); ++k)
    compartment_motion[std::size_t(k)] = follower->compartment_deformation(m.cumulative[std::size_t(k)]);
  if (!compartment_motion[std::size_t(ctx.peak())])
    return reject(ev, "compartment_untracked", "too little tracked muscle around the surface to know the muscle's own strain");
  const std::vector<double> opening = opening_by_frame(ctx, *follower, compartment_motion);
  const int best = int(std::max_element(opening.begin(), opening.end()) - opening.begin());
  ev.best_frame = best;
  ev.opening_mm = opening[std::size_t(best)];
  const std::vector<int> about_as_wide = gates::frames_opening_about_as_much(opening, best, kAboutAsWide);
  {
    // Decorrelation where the gap is widest, not at the contraction's peak: the median over the
    // frames that open about as much as `best`.
    std::vector<double> shares;
    for (int k : about_as_wide) {
      const DisplacementField& at = ctx.m.cumulative[std::size_t(k)];
      std::size_t untracked = 0;
      for (std::size_t i : comp) untracked += !at.valid[i];
      shares.push_back(double(untracked) / double(comp.size()));
    }
    ev.untracked_share = shares.empty() ? kUnmeasured : balanced_median(std::move(shares));
  }
  if (!(ev.opening_mm >= ctx.s.min_opening_mm))  // NaN included
    return reject(ev, "no_opening", "the two sides do not separate by more than the muscle's own strain");
  const gates::ContractionsOpened cycles =
      gates::contractions_opened(opening, ctx.contraction.cycles, ctx.contraction.peak_strain);
  ev.contractions_seen = cycles.seen;
  ev.contractions_opened = cycles.opened;
  if (!gates::opens_with_the_contractions(cycles))
    return reject(ev, "opens_in_few_contractions", "the sides separate in too few of the clip's contractions: a tear opens with each one");
  // Gap at rest and at peak from the image (dark band across the surface).
  double rx, ry, px, py;
  position_in(m, ctx.rest(), cx, cy, rx, ry);
  position_in(m, best, cx, cy, px, py);
  const double band_half_mm = std::max(0.5, 0.3 * (myotendinous ? geo.along_mm : geo.span_mm));
  const BandWidth band = narrowest_band(
      [&](double normal) {
        return dark_band_width(ctx.rest_image, m.region.bounds, rx, ry, normal, band_half_mm, ctx.mm_per_px());
      },
      ev.surface_normal_deg);
  const Tensor2 f_best = *compartment_motion[std::size_t(best)];  // measured: its opening is finite
  const double normal_best_deg = carried_normal_deg(f_best, ev.surface_normal_deg);
  if (myotendinous)
    ev.fibres_pulled_off_deg = fibres_pulled_off_deg(ctx, comp, geo, ev, aponeurosis).value_or(kUnmeasured);
  const double gap_fibres_deg = std::isfinite(ev.fibres_pulled_off_deg) ? ev.fibres_pulled_off_deg : ev.fibre_angle_deg;
  const BandWidth band_peak = dark_band_width(ctx.frame_at(best), m.region.bounds, px, py, normal_best_deg, band_half_mm, ctx.mm_per_px());
  ev.band_rest_mm = band.found ? band.width_mm : 0.0;
  ev.band_peak_mm = band_peak.found ? band_peak.width_mm : 0.0;
  ev.band_contrast = std::max(band.contrast, band_peak.contrast);
  if (!gates::holds_haematoma(band, band_peak, ev.untracked_share, ev.surround_tracked_share, ctx.s))
    return reject(ev, "no_haematoma", "the gap is neither dark nor decorrelating inside tracked muscle: motion alone is not a tear");
  // Along an aponeurosis the planes where muscles glide decorrelate too: a myotendinous
  // tear must show its fluid, a dark layer that widens as the fibres pull off by at least
  // the smallest gap reported.
  if (myotendinous && !gates::fluid_layer_opens(band, band_peak, ctx.s))
    return reject(ev, "no_fluid_at_aponeurosis", "no clearly dark layer widens between the aponeurosis and the fibre ends");
  // A vessel crossing the image plane beside a bright line that is no plane of the map (its own
  // wall, a few millimetres long, taken for an aponeurosis: held-out 54000 through a focused beam)
  // is round and anechoic at rest, and the contraction stretches it (band 2.0 -> 5.0 mm). At a
  // plane of the map the rule is not asked: a real detachment's fluid is anechoic too, and may
  // pool in a round pocket. The motion path's patch is no measure of the fluid's length (five of
  // seven detachments it read were shorter than their layer is thick), so the fluid scan's
  // runs_along_the_plane does not apply here.
  if (myotendinous && aponeurosis && !ctx.planes.plane_near(rx, ry + *aponeurosis, kSamePlaneMm / m.mm_per_px_y)) {
    const BandWidth along_rest = dark_band_width(ctx.rest_image, m.region.bounds, rx, ry, ev.surface_normal_deg + 90.0,
                                                 kAlongBandHalfMm, ctx.mm_per_px());
    if (gates::round_anechoic_at_rest(band, along_rest))
      return reject(ev, "not_a_layer",
                    "the dark space is round and anechoic at rest: a vessel crossing the image, not fluid between fibre ends and an aponeurosis");
  }
  // Only at this gate (not at holds_haematoma above) a faint band that keeps its width may be no
  // structure but a sliver inside a bright haematoma (held-out 56000 through a focused beam: 0.85
  // -> 0.98 mm at contrast 0.16; the stumps opened 3.7 mm beyond the compartment's deformation,
  // where a structure carried whole between them would have opened 2.4). The gap is then judged
  // as one with no band is, by its decorrelation, as the same clip without the beam was. The band
  // still stands as the rest gap's measure below.
  ev.opening_if_unshortened_mm = follower->opening_if_unshortened_mm(f_best);
  if (gates::band_stays_the_same(band, band_peak, 0.5 * ctx.s.min_opening_mm)) {
    ev.band_is_a_sliver = !myotendinous && gates::sliver_in_bright_haematoma(band, band_peak, ev.opening_mm, ev.opening_if_unshortened_mm,
                                                                              ev.untracked_share, ev.surround_tracked_share, ctx.s);
    if (!ev.band_is_a_sliver)
      return reject(ev, "band_does_not_widen", "a dark band hardly wider at peak than at rest is a structure (vessel, fat, septum)");
  }
  ev.decision = "reported";
  ev.reason = myotendinous        ? "fibre ends pull away from the aponeurosis under contraction"
              : ev.band_is_a_sliver ? "fibre ends across the surface separate under contraction; the faint band that kept its width is a sliver inside a haematoma as bright as muscle, which decorrelates"
                                    : "fibre ends across the surface separate under contraction";

  TearFinding f;
  f.kind = myotendinous ? TearKind::Myotendinous : TearKind::Intramuscular;
  f.frame = best;
  f.opening_mm = ev.opening_mm;
  f.centre_col_px = px;
  f.centre_row_px = py;
  f.centre_x_mm = (px - m.region.bounds.x0_px) * sx;
  f.centre_z_mm = (py - m.region.bounds.y0_px) * sy;
  const Compartment muscle = muscle_around(ctx, compartments, cx, cy, geo.reach_mm);
  f.muscle_thickness_mm = muscle.thickness_px() * sy;
  // The tear spans what its whole patch spans: the surface alone loses the ends near the
  // planes, where the jump also holds the plane's slide and patch_surfaces splits them off
  // (with normals fitted over a disc, complete tears read 60-80 % and were graded partial).
  // A tear seen as two pieces spans what the pieces span together (its joined length, stood
  // up by the surface's angle to the vertical).
  const EvidenceSpan seen = evidence_span(ctx, patch, muscle);
  const double joined_span_mm = std::isfinite(joined_length_mm) ? joined_length_mm * std::abs(std::cos(ev.surface_normal_deg / kDeg)) : 0.0;
  const double span_mm = std::max(seen.span_mm, joined_span_mm);
  if (f.muscle_thickness_mm > 0) {
    f.extent_pct = std::min(100.0, 100.0 * span_mm / f.muscle_thickness_mm);
    // Fibres pulled off an aponeurosis are partial whatever their length; a tear told by its
    // joined length has ends this patch's do not say.
    if (!myotendinous && seen.span_mm >= joined_span_mm) {
      const double pct_per_mm = 100.0 / f.muscle_thickness_mm;
      f.set_beyond_ends(seen.unseen_above_mm * pct_per_mm, seen.unseen_below_mm * pct_per_mm, seen.spared_above_mm * pct_per_mm,
                        seen.spared_below_mm * pct_per_mm);
    }
  } else {
    f.extent_pct = -1.0;  // unmeasurable: said in the notes, never 0 %
  }
  // Gaps are reported along the fibres; a surface along them (myotendinous) is crossed obliquely.
  // Both read in their own frame: fibres and surface turn between rest and peak.
  const double floor_cut = myotendinous ? 0.25 : std::min(ctx.s.min_fibre_cut, std::max(ctx.s.min_oblique_cut, ev.fibre_cut));
  const double alignment = std::max(floor_cut, ev.fibre_cut);
  // Read once the gates have passed: reading the fibres on another frame's image costs a pass
  // of the fascicle estimator over the region.
  const double carried_deg = carried_direction_deg(f_best, gap_fibres_deg);
  const HalfPlane everywhere{0.0, 0.0, -std::numeric_limits<double>::infinity()};
  // A myotendinous tear's fibres are those that pulled off, on one side: not the compartment's.
  const std::optional<double> muscle_deg =
      myotendinous ? std::nullopt : compartment_fascicles_deg(ctx, compartments, comp, best);
  const double fibre_best_deg = fibres_seen_in_frame(ctx, comp, cx, cy, best, carried_deg, normal_best_deg + 90.0,
                                                     myotendinous ? pulled_off_side(geo, ev, aponeurosis, ctx.s) : everywhere,
                                                     muscle_deg);
  const double alignment_best = std::max(floor_cut, gates::fibre_cut(fibre_best_deg, normal_best_deg));
  // A haematoma as bright as muscle shows no dark band at rest: its rest gap is the band
  // where its filling churns (held-out 40000 read a gap of 3.57 mm for 4.89, the rest gap of
  // 1.58 unseen). A myotendinous tear's rest layer is the aponeurosis's normal fluid. The
  // band lies between the stumps, and is narrower than any band the gap shows at peak:
  // wider, it is the tissue's own decorrelation (strain, out-of-plane motion), not the gap.
  // A myotendinous gap is the fluid the gates saw on the widest frame's image; between fibre ends
  // the band is read over the frames that open about as much.
  const BandWidth band_widest = myotendinous ? band_peak
                                             : band_where_widest(ctx, about_as_wide, best, compartment_motion, cx, cy,
                                                                 ev.surface_normal_deg, band_half_mm, band_peak);
  double gap_rest_normal = ev.band_rest_mm;
  if (!myotendinous && !band.found) {
    const BandWidth churning =
        echogenic_gap_at_rest(ctx, cx, cy, {PointPx{geo.ax, geo.ay}, PointPx{geo.bx, geo.by}}, ev.surface_normal_deg,
                              band_half_mm);
    const bool between_the_stumps = churning.width_mm < std::abs(stump_separation_at_rest_mm(ctx, geo));
    const bool narrower_than_at_peak = !band_widest.found || churning.width_mm < band_widest.width_mm;
    ev.decorrelated_band_rest_mm = churning.found && between_the_stumps && narrower_than_at_peak ? churning.width_mm : 0.0;
    gap_rest_normal = ev.decorrelated_band_rest_mm;
  }
  // The dark band is the measure (the opening, read from stumps sampled beyond the gap's
  // edges, runs about 0.5 mm wide). Between fibre ends, though, a band narrower than the
  // stumps' separation by more than twice that is a sliver of an echogenic haematoma, not
  // the gap: over 24 clean tears of the development set the band fell short of it by at
  // most 0.65 mm, held-out 40000's sliver (read from frame 0, a faint band there) by 2.2.
  // Off an aponeurosis the far side is another muscle whose thickening adds to the opening:
  // there the fluid layer (which the gates required) is always the measure.
  constexpr double kStumpsBeyondTheEdgesMm = 0.5;
  const double gap_from_opening = gap_rest_normal + ev.opening_mm;
  const bool band_is_the_gap =
      band_widest.found && (myotendinous || band_widest.width_mm >= gap_from_opening - 2.0 * kStumpsBeyondTheEdgesMm);
  const double gap_peak_normal = band_is_the_gap ? band_widest.width_mm : gap_from_opening;
  f.gap_rest_mm = gap_rest_normal / alignment;
  f.gap_mm = std::max(f.gap_rest_mm, gap_peak_normal / alignment_best);
  f.retraction_mm = 0.5 * (f.gap_mm - f.gap_rest_mm);
  f.surface_angle_deg = normal_best_deg;
  f.fibre_angle_deg = fibre_best_deg;
  const double left = stump_retraction(ctx, geo, f_best, geo.ax, geo.ay, cx, cy, best);
  const double right = stump_retraction(ctx, geo, f_best, geo.bx, geo.by, cx, cy, best);
  const double left_fraction = left + right > 1e-6 ? std::clamp(left / (left + right), 0.0, 1.0) : 0.5;
  f.retraction_left_mm = 2.0 * f.retraction_mm * left_fraction;
  f.retraction_right_mm = 2.0 * f.retraction_mm * (1.0 - left_fraction);
  // Gap-time curve: the tracked opening, scaled to meet the measured gap at peak.
  // Frames whose compartment could not be measured: the rest gap, marked not measured. Live,
  // the follower reads the frames tracked after this evaluation the same way.
  follower->set_gap_scale(f.gap_rest_mm, ev.opening_mm > 0 ? (f.gap_mm - f.gap_rest_mm) / ev.opening_mm : 1.0);
  for (double o : opening) {
    f.gap_by_frame_mm.push_back(follower->gap_mm(o));
    f.gap_measured_by_frame.push_back(std::isfinite(o) ? 1 : 0);
  }
  f.follower = std::move(follower);
  f.grade = grade_of(f.kind, f.extent_pct, f.retraction_mm);
  f.contractions_seen = std::max(1, cycles.seen);
  f.contractions_opened = std::max(1, cycles.opened);
  // Confidence: how far the opening clears the reporting threshold, whether the gap is
  // hypoechoic, and how cleanly it opens.
  // Loss of tracking is never counted for a tear here: it has too many other causes.
  const double z = 3.0 * (ev.opening_mm / ctx.s.min_opening_mm - 1.0) + 4.0 * (ev.band_contrast - 0.15) +
                   2.0 * (ev.opening_share - 0.8);
  f.confidence = 1.0 / (1.0 + std::exp(-z));
  return f;
}

}  // namespace ft::detection
