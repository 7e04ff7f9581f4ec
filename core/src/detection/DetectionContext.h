#pragma once
// What the tear detector knows about one clip while it judges candidates, and the
// measurements of the muscle's own motion that several gates share. Internal to the
// detection logic (core/src/detection).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "ft/core/Deformation.h"
#include "ft/core/FibreOrientation.h"
#include "ft/core/FascicleOrientation.h"
#include "ft/core/FascicleReadings.h"
#include "ft/core/GapFollower.h"
#include "ft/core/GapProfile.h"
#include "ft/core/LesionMerging.h"
#include "ft/core/MotionRecord.h"
#include "ft/core/PlaneMap.h"
#include "ft/core/TearGeometry.h"
#include "ft/core/TearDetector.h"

namespace ft::detection {

constexpr double kDeg = 180.0 / M_PI;

inline double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// The median with an even count's two middle values averaged (median_of takes the upper one):
// a share read over pairs of frames must not lean towards either decision.
inline double balanced_median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const auto upper = v.begin() + long(v.size() / 2);
  std::nth_element(v.begin(), upper, v.end());
  if (v.size() % 2 == 1) return *upper;
  return 0.5 * (*upper + *std::max_element(v.begin(), upper));
}

// At most `most` frames of a plateau (sorted), spread evenly over it, and always `extreme`, the
// frame a single reading would take: bounds the cost of reading every pair of two long plateaus.
inline std::vector<int> spread_over_plateau(const std::vector<int>& plateau, int extreme, std::size_t most) {
  if (plateau.empty()) return {extreme};
  if (plateau.size() <= most || most < 2) return plateau;
  std::vector<int> frames;
  for (std::size_t j = 0; j < most; ++j) frames.push_back(plateau[j * (plateau.size() - 1) / (most - 1)]);
  if (!std::binary_search(frames.begin(), frames.end(), extreme)) {
    *std::min_element(frames.begin(), frames.end(),
                      [extreme](int a, int b) { return std::abs(a - extreme) < std::abs(b - extreme); }) = extreme;
    std::sort(frames.begin(), frames.end());
  }
  return frames;
}

struct Context {
  const MotionRecord& m;
  const FrameAt& frame_at;
  const DetectionSettings& s;
  FascicleReadings& readings;           // directions read per frame, each frame once
  FibreField fibres;                    // per material point, read on the rest frame
  FibreField fibres_at_peak;            // ... and read again on the peak frame (fibres_in_frame)
  std::vector<std::uint8_t> muscle;     // tracked at rest and at peak
  ContractionSummary contraction;
  std::vector<double> log_j;            // local area change, rest -> peak, log
  double log_j_median = 0;
  // Per point, what its area growth is judged above: its compartment's median where it has
  // one, else the muscle's (see candidate_points).
  std::vector<double> log_j_reference;
  double dominant_fibre_deg = 0;        // coherence-weighted over the whole muscle
  Frame rest_image;
  std::vector<Tensor2> rest_inverse;    // per point, F(0 -> rest)^-1: every rest -> k comparison needs it
  std::vector<Tensor2> rest_to_peak;    // per point, F(rest -> peak): the comparison most gates read
  PlaneMap planes;                      // the rest image's bright planes, column by column
  // The muscle's trackable tissue, tracked or not (muscle_region): the compartments between the
  // rest image's planes, off their lines, not shown to be fat or tendon. Empty without a contraction.
  std::vector<std::uint8_t> muscle_region;
  double mm_per_px() const { return 0.5 * (m.mm_per_px_x + m.mm_per_px_y); }
  int rest() const { return contraction.rest_frame; }
  int peak() const { return contraction.peak_frame; }
  // The frames a gate reads "at rest" and "at peak" through a median: up to 9 of each plateau,
  // the extreme frame among them, or that one frame where the summary has no plateau (a context
  // built by hand). A long relaxed stretch of a live window holds tens of frames.
  static constexpr std::size_t kPlateauFramesRead = 9;
  std::vector<int> rest_frames() const { return spread_over_plateau(contraction.rest_plateau, rest(), kPlateauFramesRead); }
  std::vector<int> peak_frames() const { return spread_over_plateau(contraction.peak_plateau, peak(), kPlateauFramesRead); }
};

// Fibres beside an aponeurosis are read at least this far from its line: the fascicle
// estimator reads the plane's own bright texture as fibres within half its window of it.
inline constexpr double kFibresBeyondPlaneMm = 0.5 * FascicleScale{}.window_mm + 1.0;

inline int column_of(const DisplacementField& g, std::size_t i) { return int(i % std::size_t(g.columns)); }
inline int row_of(const DisplacementField& g, std::size_t i) { return int(i / std::size_t(g.columns)); }

// Position (frame px) in frame k of the tissue at frame-0 position (x0, y0).
inline void position_in(const MotionRecord& m, int k, double x0, double y0, double& x, double& y) {
  double dx = 0, dy = 0;
  displacement_at(m.cumulative[std::size_t(k)], x0, y0, dx, dy);
  x = x0 + dx;
  y = y0 + dy;
}

// --- fibre directions read on a frame (FibresInFrame.cpp) ---
// Fibre directions where each material point (frame-0 grid point) lies in frame k, measured on
// that frame's image at fascicle scale; coherence 0 where the point is out of view. Fascicles
// turn 20 -> 45 deg in a real contraction: the rest frame's directions are not the peak's.
FibreField fibres_in_frame(const MotionRecord& m, FascicleReadings& readings, const Frame& image, int k,
                           double grain_elongation);
// Angles of points whose texture shows no direction (coherence under min_coherence) set to 0.
void drop_undirected(FibreField& fibres, double min_coherence);

// --- the muscle's own motion (CompartmentMotion.cpp) ---
// Deformation gradient rest -> k at grid point (c, r).
Tensor2 rest_to_frame(const Context& ctx, int k, int c, int r);
struct HalfPlane {
  double x = 0, y = 0;       // unit direction on frame 0
  double min_off_mm = 1.5;   // how far beyond the point along it
};
std::optional<double> aponeurosis_offset_px(const Context& ctx, double cx, double cy);
// Whether a plane of the rest image (ctx.planes) lies between two frame-0 points, in the
// column midway between their rest positions: across it is another muscle.
bool plane_between(const Context& ctx, double xa, double ya, double xb, double yb);
double local_fibre_direction(const Context& ctx, const std::vector<std::size_t>& comp, double cx, double cy);
std::optional<double> local_fibre_direction(const Context& ctx, const std::vector<std::size_t>& comp, double cx, double cy,
                                            const HalfPlane& side);
// The same read from other directions of the same material points (read on another frame).
std::optional<double> local_fibre_direction(const Context& ctx, const FibreField& fibres, const std::vector<std::size_t>& comp,
                                            double cx, double cy, const HalfPlane& side);
double strain_along(const Context& ctx, int c, int r, double angle_deg);
std::vector<std::size_t> compartment_points(const Context& ctx, double cx, double cy, double radius_mm);
double compartment_strain(const Context& ctx, const std::vector<std::size_t>& points, double angle_deg);
double stump_strain_near(const Context& ctx, double x, double y, double angle_deg);
// Whether any grid point within one grid step of (x, y) is tracked muscle (stump_strain_near is then a number).
bool tracked_near(const Context& ctx, double x, double y);
// Whether a bright plane of the rest frame lies between frame-0 points (cx, cy) and (x, y):
// (x, y) is beyond the planes bounding the muscle around (cx, cy) (never when that lies on one).
bool across_a_plane(const Context& ctx, double cx, double cy, double x, double y);
// How far the tissue on one side of a bright plane between frame-0 points a and b slides along
// it against the other's from rest to peak (mm, along the image's rows), each side's motion
// carried on to the plane past its own shear (CompartmentMotion.cpp); the largest over the
// planes between them. a is a tear's centre: the tissue within 3 mm of it is left out. Rectus
// femoris slides 15-35 mm over vastus intermedius in a maximal contraction; a bipennate muscle's
// halves both grip their central aponeurosis. None where no plane lies between them or either
// side holds too little tracked muscle.
std::optional<double> plane_slide_mm(const Context& ctx, double xa, double ya, double xb, double yb);
std::optional<Tensor2> compartment_deformation(const Context& ctx, const std::vector<std::size_t>& points, int k);
// F(0 -> rest)^-1 at each of the points, in their order.
std::vector<Tensor2> rest_inverse_at(const Context& ctx, const std::vector<std::size_t>& points);
// A rest-frame unit normal n carried by F: direction F^-T n / |F^-T n| and that length.
// Intact tissue takes a rest separation d across the surface to d / length.
struct CarriedNormal {
  double x = 1, y = 0, length = 1;
};
CarriedNormal carry_normal(const Tensor2& f, double nx, double ny);
double carried_normal_deg(const Tensor2& f, double normal_deg);
double carried_direction_deg(const Tensor2& f, double angle_deg);
// The tracked share of the muscle 1-4 mm around a patch, the lower of the two sides of its
// surface (centre cx, cy and rest normal, frame 0); 0 when neither side has muscle to judge.
double surround_tracked(const Context& ctx, const std::vector<std::size_t>& comp, double cx, double cy, double normal_deg);

// Area growth above the point's reference (its compartment's median, else the muscle's), log.
inline double excess_growth_at(const Context& ctx, std::size_t i) { return ctx.log_j[i] - ctx.log_j_reference[i]; }

// --- the muscle's compartments (CompartmentGrowth.cpp) ---
// A compartment's fascicles are one family when they agree at peak at least this well
// (fascicle_peak_agreement; here 0.71 over a pennate rectus femoris at peak); two mirrored
// families at +-25 deg read 0.64, at +-40 deg 0.17.
inline constexpr double kMinFascicleAgreement = 0.65;

// The tracked muscle split by the bright planes of the rest image into compartments (a
// muscle, a half of a bipennate one) and the own area change rest -> peak of each one that
// is large and contracting muscle.
struct CompartmentStatistics {
  std::vector<int> label;  // per grid point: its compartment, -1 none (on a plane, small, untracked)
  std::vector<EvidenceMaps::CompartmentEvidence> each;  // as --explain reports them
};
CompartmentStatistics compartment_growth(const Context& ctx);
// Coherence-weighted direction (deg) of the points whose texture shows one in `fibres`; none
// when fewer than 20 do.
std::optional<double> fibre_direction_of(const Context& ctx, const FibreField& fibres, const std::vector<std::size_t>& points);
// How well they agree on one direction: the length of the coherence-weighted mean of their
// doubled angles (0..1); NaN when fewer than 20 show a direction.
double fibre_agreement_of(const Context& ctx, const FibreField& fibres, const std::vector<std::size_t>& points);
// The compartment most of `points` lie in and how many of them do (ties: the first label);
// label -1 and 0 points where none lies in any.
struct CommonCompartment {
  int label = -1;
  int points = 0;
};
CommonCompartment most_common_compartment(const CompartmentStatistics& compartments, const std::vector<std::size_t>& points);
// Whether the bright plane at rest row plane_row near `column` is a bipennate muscle's central
// aponeurosis, inside one muscle, rather than the plane between two muscles: the tissue on both
// sides grip it (the slide along it under 1.5 mm, read on each side of the tear and averaged: the
// stumps retract in opposite directions) while the muscle slides past a neighbouring muscle
// (another contracting compartment beyond one of `outer_rows`, the planes that would bound the
// whole muscle; not the subcutis, nor still texture tracked under a bone) by at least 1.5 mm and
// 4 times that grip — 0.1-0.4 mm against 4.4-6.3 mm of rectus femoris over vastus intermedius in
// the simulator's bipennate clips (21-28 mm unipennate, 15-35 mm in real maximal contractions) —
// and the fascicles beside it on its two sides (kFibresBeyondPlaneMm to 2 mm beyond that off it,
// 3.5-5.5 mm, and as far from any other plane) lie mirrored about it (on
// opposite sides of its direction at rest and at peak, each at least 8 deg off it at peak: a
// feather about its shaft). Vastus intermedius's fascicles mirror rectus femoris's deep ones about
// the plane between them too: there only the slide tells. (x0, y0): a tear's centre (frame 0),
// left out of the motion.
bool central_aponeurosis(const Context& ctx, const CompartmentStatistics& compartments, double column, double plane_row,
                         const std::vector<double>& outer_rows, double x0, double y0);
// Median fibre strain rest -> frame k of the points (along each one's rest fibre direction).
double median_fibre_strain(const Context& ctx, const std::vector<std::size_t>& points, int k);
void rest_positions(const Context& ctx, const std::vector<std::uint8_t>& use, std::vector<double>& x,
                    std::vector<double>& y);
double on_plane_px(const Context& ctx);

// --- how much of the muscle was tracked (MuscleCoverage.cpp) ---
// The muscle's grid points in view at rest and at peak, tracked or not (ctx.muscle_region).
// Needs ctx.rest_to_peak (measure_area_growth).
std::vector<std::uint8_t> muscle_region(const Context& ctx);
// Of ctx.muscle_region, the share tracked at rest and peak; nullopt when it is empty.
std::optional<double> muscle_tracked_fraction(const Context& ctx);
// Area growth above a median that makes a candidate (log): the muscle's or a compartment's.
inline double candidate_threshold(const DetectionSettings& s, double sd) {
  return std::max(s.min_log_expansion, s.noise_multiple * sd);
}

// --- the jump across a surface, read beside it (JumpAcrossSurface.cpp) ---
// How the tissue on the +normal side moved rest -> peak relative to the tissue on the other
// (mm, peak frame axes), the muscle's own deformation taken out: the median over the tracked
// points of `compartment` 1-4 mm from the surface's points, at least 1 mm beyond its width
// across it, not past its ends, outside the patch, with no bright plane between them and the
// surface (across one is another muscle). A
// gap's own points are often untracked (dark fluid, speckle a frame grabber's JPEG flattened)
// and their gradient, read through it, can point anywhere; the stumps beside it are tissue.
// None with fewer than five such points on a side. `surface`: the points of the surface
// judged (its width), `patch`: all of the patch it belongs to (kept clear of). The centre,
// normal (deg) and the points are on frame 0.
struct SurfaceJump {
  double x_mm = 0, y_mm = 0;
};
std::optional<SurfaceJump> jump_across_surface(const Context& ctx, const std::vector<std::size_t>& surface,
                                               const std::vector<std::size_t>& patch, const std::vector<std::size_t>& compartment,
                                               double cx, double cy, double normal_deg, const Tensor2& compartment_f);

// --- the surfaces of a patch (PatchSurfaces.cpp) ---
// Each point's displacement gradient rest -> peak beyond the compartment's own
// (G_i = F_i - F_compartment): across a gap with jump a and normal n, a (x) n / width.
std::vector<Tensor2> surface_jumps(const Context& ctx, const std::vector<std::size_t>& points, const Tensor2& compartment_f);
// Each point's area growth (log) above the muscle's median.
std::vector<double> excess_growth(const Context& ctx, const std::vector<std::size_t>& points);
// For each point (same order as `jumps`): 1 when its own normal lies within
// surface_agreement_deg of the dominant normal of all of them (weighted by `excess`).
std::vector<std::uint8_t> agrees_with_dominant(const Context& ctx, const std::vector<Tensor2>& jumps,
                                               const std::vector<double>& excess);
// A patch of area growth can join a gap to the sliding band along an aponeurosis (or to
// another gap). Its surfaces: the points that agree with its dominant normal, and each
// coherent group (at least min_evidence_area_mm2) that does not, judged on its own.
std::vector<std::vector<std::size_t>> patch_surfaces(const Context& ctx, const std::vector<std::size_t>& patch);

// --- the gap on the images (GapBands.cpp) ---
// The band `measure(normal_deg)` reads across a surface, refined to where it is narrowest
// within 20 deg of the normal when it is seen across the normal itself.
BandWidth narrowest_band(const std::function<BandWidth(double normal_deg)>& measure, double normal_deg);
// A haematoma as bright as muscle shows no dark band at rest; its filling churns from one
// scanner frame to the next while the muscle's speckle persists. The band of lost correlation
// between the rest frame and the next few, across the surface through frame-0 point (cx, cy)
// with its rest normal; `stumps` (frame-0 px), the tissue each side whose motion is followed.
BandWidth echogenic_gap_at_rest(const Context& ctx, double cx, double cy, const std::array<PointPx, 2>& stumps,
                                double normal_deg, double half_length_mm);

// --- one candidate (CandidateEvaluation.cpp) ---
// The muscle compartment around a frame-0 point (rest frame px), its planes looked for
// reach_mm + 1 mm to each side.
Compartment compartment_around(const Context& ctx, double cx, double cy, double reach_mm);
// The muscle a tear's extent is read against (a tear is graded by how much of the muscle it
// crosses): the compartment around a frame-0 point, and across a bounding plane that is a
// bipennate muscle's central aponeurosis (central_aponeurosis) the other half's compartment too,
// where that half is bounded by a plane of its own. Only across one of the two: a muscle has one
// central aponeurosis. A partial tear through one half of a bipennate rectus femoris crossed all
// of its half and was graded complete (extent 100 % for 50 %) through a focused beam in six
// development sets of seven. Not where the tear's own compartment lacks a plane on either side.
// Where the test refuses, the compartment stands and a tear is read against too thin a muscle
// (graded too high); only a wrong acceptance reads it against too thick a one.
Compartment muscle_around(const Context& ctx, const CompartmentStatistics& compartments, double cx, double cy,
                          double reach_mm);
// Its thickness, mm; <= 0 unmeasurable.
double compartment_thickness_mm(const Context& ctx, double cx, double cy, double reach_mm);
// --- how much of the muscle's depth a tear's evidence spans (EvidenceSpan.cpp) ---
struct EvidenceSpan {
  double span_mm = 0.0;
  // Beyond the span, the muscle between its top (bottom) end and the plane above (below) it that
  // the tracker lost: the tear may run on through it (0: that end reached its plane or stopped
  // in tracked muscle).
  double unseen_above_mm = 0.0, unseen_below_mm = 0.0;
  // Beyond the span, the muscle between an end and its plane where the end lies two grid rows or
  // more beyond the band along the plane where nothing is read, and those rows were tracked and
  // did not open: its fibres may be intact (0: that end reached its plane or stopped nearer, or
  // the muscle there was lost or half tracked).
  double spared_above_mm = 0.0, spared_below_mm = 0.0;
};
// How much of the compartment's depth the evidence at `points` spans (rest frame): their depth
// range and a grid step. An end point within a grid step of the band beside a bounding plane
// where no deformation can be read (on_plane_px: the gradient reads across the sliding plane)
// reaches that plane: nothing closer to it is seen, so a tear through the whole muscle read
// 80-87 % of it and was graded partial.
// An end further from its plane, where the muscle between them beside the end was not tracked
// (at most DetectionSettings::unseen_end_tracked_share of its grid points), is not taken to
// reach it: complete echogenic tears whose haematoma decorrelated down to the deep aponeurosis
// stopped 1.4-2.2 mm short of it with 0-18 % of the muscle there tracked, but the same loss ran
// along the aponeurosis for millimetres either side (its shear at peak), and a partial tear
// whose last intact fibres are lost so looks the same. That muscle is told apart (unseen_*):
// the tear may run through it. An end two grid rows or more beyond the band, where those rows
// were tracked (DetectionSettings::spared_end_tracked_share) and did not open, may end at intact
// fibres (spared_*).
EvidenceSpan evidence_span(const Context& ctx, const std::vector<std::size_t>& points, const Compartment& muscle);
// Measures one surface of a patch of area growth into `ev` and runs the gates; a finding
// when all pass. `patch`: the whole connected patch (stumps are looked for beyond it, not
// in another surface of the same patch). `joined_length_mm`: the length of the tear it is part
// of when a piece of another patch continues it (join_pieces), for the shape gate and extent.
std::optional<TearFinding> evaluate_candidate(const Context& ctx, const CompartmentStatistics& compartments,
                                              const std::vector<std::size_t>& surface, const std::vector<std::size_t>& patch,
                                              CandidateEvidence& ev, double joined_length_mm = kUnmeasured);

// --- one tear seen as two short patches (TearPieces.cpp) ---
// A surface rejected only for its shape (not_gap_shaped), kept to be judged again if a piece
// of another patch continues it.
struct ShortSurface {
  std::vector<std::size_t> points;
  std::size_t patch = 0;     // index of its patch
  std::size_t evidence = 0;  // its candidate in DetectionResult::candidates
};
struct JoinedPieces {
  std::vector<double> length_mm;        // per short surface: joined with its longest continuation, or kUnmeasured
  std::vector<std::size_t> patch_root;  // per patch: the patch whose id the findings of all its joined pieces share
};
// Pieces of different patches that continue each other (gates::joined_length_mm) and are
// together longer along the surface than the wider one is across it: one tear. Patches joined
// through any chain of pieces share one root.
JoinedPieces join_pieces(const Context& ctx, const std::vector<ShortSurface>& pieces, std::size_t patch_count,
                         const DetectionResult& result);

// --- myotendinous tears seen as fluid on an aponeurosis (FluidLayerScan.cpp) ---
// Along every bright plane of the rest image with contracting muscle on one side: where a
// dark (fluid) layer between the plane and the muscle widens from rest to peak, over a run
// along the plane, a myotendinous finding — unless a tear already found (`found`, frame-0
// centres) lies there at peak, whose gap it is. Every run is recorded in `candidates`.
std::vector<std::pair<TearFinding, CandidateEvidence>> fluid_layers_opening(const Context& ctx,
                                                                            const CompartmentStatistics& compartments,
                                                                            const std::vector<PlacedFinding>& found);

}  // namespace ft::detection
