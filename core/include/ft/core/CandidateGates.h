#pragma once
// The physics each candidate of the tear detector must pass, as small pure functions so
// that each gate can be tested on constructed numbers (tests/detection/CandidateGatesTest).
// docs/detection.md explains them for sonographers.
#include <cstdint>
#include <optional>
#include <vector>

#include "ft/core/Deformation.h"
#include "ft/core/GapProfile.h"
#include "ft/core/TearDetector.h"

namespace ft::gates {

// How a surface inside the tissue moves, from the displacement gradient over it beyond
// the surrounding tissue's, G = F - F_around (rest -> peak). A jump `a` across a surface
// with rest-frame normal N gives G ~ a (x) N: N is G's largest right singular vector, and
// a ~ G N is the jump as it lies at peak. The opening share is the part of the jump along
// the surface's normal at peak, F_around^-T N (1: the sides pull apart, 0: they slide
// along it): in a contraction that shears the muscle by 1-2, the rest-frame normal would
// read an opening as half sliding and a slide as mostly opening.
struct SurfaceMotion {
  double normal_deg = 0.0;   // rest frame, in (-90, 90]
  double opening_share = 0.0;
};
SurfaceMotion surface_motion(const Tensor2& jump_gradient, const Tensor2& around = Tensor2{});

// The surface normal most of a patch agrees on, from each point's own jump G_i (its
// displacement gradient beyond the compartment's) weighted by `weights`: the mode of the
// points' normals (deg, in (-90, 90]), not their mean. A patch of area growth can join a
// gap to a band along an aponeurosis, whose sliding has a normal 60-90 deg away; a mean
// of the two is the normal of neither. Weights are capped at max_weight: the largest
// area growth is where tracking failed, and a few such points must not outvote the rest.
double dominant_normal_deg(const std::vector<Tensor2>& jumps, const std::vector<double>& weights, double max_weight);

// Smallest angle between two axial directions (deg, 0..90).
double axial_difference_deg(double a_deg, double b_deg);

// |cos| of the angle between the fibres and the surface normal: 1 when the surface cuts
// straight across the fibres, 0 when it runs along them.
double fibre_cut(double fibre_deg, double normal_deg);

// A small patch must be a surface: a gap between torn fibre ends runs further along it
// than across it (1.6-6x on the simulated tears), while the pockets of apparent expansion
// where muscles slide past each other are small and round. Patches at least
// shape_judged_below_mm long are left to the other gates (a round haematoma cavity). Real
// tears shorter than about 3 mm can fail this: the deformation gradient's +-2 grid steps
// widen every patch by about 2 mm.
bool is_gap_shaped(double length_along_mm, double width_across_mm, const DetectionSettings& s);

// Whether a fibre direction read on a frame's image (read_deg) is taken over the one the
// tracking carried to that frame (carried_deg), beside a surface whose own lines the reader
// can mistake for fibres (surface_deg: a gap's edges, an aponeurosis): where the two agree
// within agree_deg; or where the reading lies on the same side of the surface as the carried
// direction, turned further from it by min_turn_deg to max_turn_deg (the tracking under-carried
// the fascicles' turn; an edge read as fibres pulls a reading towards the surface, and a
// mirrored or far-off reading is another structure). Degrees, any range.
bool take_fibres_read(double read_deg, double carried_deg, double surface_deg, double agree_deg, double min_turn_deg,
                      double max_turn_deg);

// Whether a direction read beside a plane whose direction there is plane_deg can be a fibre's:
// more than along_deg off it (the plane's line and a fluid layer's edges read as directions
// along it). Degrees, any range (axial).
bool crosses_the_plane(double read_deg, double plane_deg, double along_deg);

enum class SurfaceClass { AcrossFibres, AlongFibresOnAponeurosis, FascialPlane, Sliding };
// Across the fibres and opening: a candidate intramuscular tear (obliquely across them, away
// from an aponeurosis, only when it clearly opens by its gradient and by its stumps: stumps_open).
// Along the fibres: a myotendinous tear only on an aponeurosis with the fibre ends pulling away;
// otherwise a fascial plane where muscles normally slide.
SurfaceClass classify_surface(double cut, double opening_share, bool near_aponeurosis, const DetectionSettings& s,
                              bool stumps_open = false);

// The gap holds haematoma: dark on the image at peak, or its echoes decorrelate
// (fresh blood, echogenic or not) while the muscle around it is tracked. Tissue that was
// simply not tracked anywhere is no evidence of anything.
bool holds_haematoma(const BandWidth& rest, const BandWidth& peak, double untracked_share,
                     double surround_tracked_share, const DetectionSettings& s);

// A dark band seen at rest and at peak that has not widened by min_widening_mm is a
// structure (fat, a vessel, a septum), not fibre ends pulling apart; tenths of a mm are
// the width measurement's own noise.
bool band_stays_the_same(const BandWidth& rest, const BandWidth& peak, double min_widening_mm);

// A band that keeps its width between fibre ends (`rest` and `peak` both found) is a structure
// (a vessel, fat), unless it is a sliver inside a haematoma as bright as muscle. It is one where
// all hold: the band is fainter than fluid at rest and at peak (an anechoic one is a vessel or the
// gap itself); the gap decorrelates as a haematoma with no band must (holds_haematoma); and the
// stumps opened by at least half min_opening_mm (the widening asked of a band) more than
// `opening_if_unshortened_mm`, what they would read had nothing between them shortened along the
// normal: a structure that does not lengthen along it, however wide, opens them at most that
// much. Where the muscle lengthens along the normal (an oblique surface) that is 0.
bool sliver_in_bright_haematoma(const BandWidth& rest, const BandWidth& peak, double opening_mm,
                                double opening_if_unshortened_mm, double untracked_share, double surround_tracked_share,
                                const DetectionSettings& s);

// A dark band at peak at least min_widening_mm wider than at rest (absent at rest: 0 wide).
bool band_widens(const BandWidth& rest, const BandWidth& peak, double min_widening_mm);

// A band dark like fluid (min_fluid_contrast).
bool shows_fluid(const BandWidth& b, const DetectionSettings& s);
// The width of the fluid a band shows: 0 where it shows none.
double fluid_width_mm(const BandWidth& b, const DetectionSettings& s);

// Whether `band` is a faint band where `fluid` lies, not that fluid: fainter than fluid, and the
// fluid darker by min_fluid_over_faint_band. Beside an aponeurosis's bright line a faint darker
// line is the plane's partial-volume edge, or dark speckle: read at its own half depth it
// measures 1-2 mm whatever lies beneath. A band whose contrast merely wanders across
// min_fluid_contrast (tilt, probe pressure, gain) is one layer, not a faint band and fluid.
bool fainter_than_fluid(const BandWidth& band, const BandWidth& fluid, const DetectionSettings& s);
// The layer `before` showed, as `fluid` is measured against it: 0 where it was a faint band.
double layer_before_mm(const BandWidth& before, const BandWidth& fluid, const DetectionSettings& s);

// Fluid between fibre ends and an aponeurosis: fluid at peak at least min_opening_mm wider
// than the layer at rest (layer_before_mm).
bool fluid_layer_opens(const BandWidth& rest, const BandWidth& peak, const DetectionSettings& s);

// A running median of three (the ends kept as they are): one column's speckle is not a
// layer, one frame's is not a gap.
std::vector<double> running_median3(std::vector<double> values);
// Which values of a curve are still readings after running_median3, from which were before
// (1/0 per sample): a reading between two non-readings takes their value, so it is one no more.
std::vector<std::uint8_t> readings_after_median3(const std::vector<std::uint8_t>& readings);

// Where a value along a run peaks (a layer's widths in order along the plane): the largest
// of their running median of three, among the inner samples (the ends have no median; a run
// of fewer than three: its largest; ties: the first). One column's speckle does not decide.
std::size_t largest_along(const std::vector<double>& values);

// The stretch of a run around its largest value (largest_along): the samples on either side
// whose running median is at least `fraction` of that largest, up to the first that is not.
// A detachment's fluid at peak is about as wide over the detached stretch and narrows at its
// tapering ends: it is placed at the middle of its wide stretch.
struct Stretch {
  std::size_t first = 0, last = 0;  // inclusive
  std::size_t largest = 0;
  double largest_value = 0.0;       // its running median there
};
Stretch stretch_around_largest(const std::vector<double>& values, double fraction);

// Fluid between fibre ends and an aponeurosis is a layer along the plane: its run along the
// plane (rest) at least 1.5 times as long as the layer is thick at peak (the detachments of the
// development set run 3-5 times; real ones are lens-shaped along the aponeurosis). A vessel
// pressed against the plane by the thickening muscle, distending, is round: about as long as
// it is thick (3.5 mm against 3.7 on a clip where it read as fibres pulled off).
bool runs_along_the_plane(double run_length_mm, double peak_layer_mm);

// Fluid between fibre ends and an aponeurosis lies against the aponeurosis: at peak, at most
// 1.5 mm of tissue between the line's edge and the layer's near edge (across the plane; the
// run's lower quartile, FluidLayerScan). Measured from the line's edge, not its middle: an
// aponeurosis is 0.5-3 mm thick in B-mode. A dark space with more tissue than that between it
// and the line lies in the muscle: a vein flattened into a slit by the contracting muscle (6 x 1.5
// mm, 3.1 mm of muscle above a deep aponeurosis through a focused beam), not fibres pulled off
// the aponeurosis. Fibre stumps or clot left on the aponeurosis put tissue between too; beyond
// 1.5 mm the fluid is no longer read as fibres pulled off it. Unmeasured (NaN): not refused.
bool lies_against_the_plane(double tissue_between_mm);

// A vessel crossing the image plane is a round anechoic space already at rest: its dark band
// across the surface (`across`) and along it (`along`), both read on the rest image through the
// same point, both at least 0.6 in contrast, the one along it under 1.5 times the one across,
// with tissue as bright around it along the surface as across (at least half the level: inside a
// long black layer the band along it is noise against noise). The vessel that read as fibres
// pulled off (held-out 54000 through a focused beam): 0.85 and 0.89, 2.0 mm across, 2.5 along.
// The development sets' detachments read by the motion path: the lower contrast 0.15-0.24, or no
// band along. Real fluid is anechoic too: the caller asks this only beside a bright line that is
// no plane of the map (a vessel's own wall), never at an aponeurosis.
bool round_anechoic_at_rest(const BandWidth& across, const BandWidth& along);

// Fluid is darker than the speckle of the plane it lies on: the layer's dip at peak (its contrast,
// the mean over its columns) below 0.85 of the grey the darkest stretch of its plane's band dips to
// at rest, both as shares of their level (a running median of three, as largest_along: one
// column's speckle does not decide; of fewer than three, the faintest). Through a focused beam,
// beyond its focus, a deep aponeurosis's band reads 0.30-0.45 at rest by speckle alone. There, and
// where the tracking piled tissue up at the image's edge, false layers of contrast 0.32-0.42 stood
// only 0.05-0.10 above their speckle beside: dips 0.87-0.93 of the speckle's. Every detachment's
// fluid of 32 development clips (main and focused beam; 0.35-0.77 of it) and those four false
// layers are all the cut was set on: toward the false layers, as a missed detachment costs more.
// No stretch: true.
bool darker_than_plane_speckle(double layer_contrast, const std::vector<double>& rest_contrasts_along);
// The layer's contrast above the darkest stretch's (the same stretches; no stretch: true): it dips
// past the speckle, though perhaps not far enough to be told from it (darker_than_plane_speckle).
bool dips_past_plane_speckle(double layer_contrast, const std::vector<double>& rest_contrasts_along);

// The layer a band at rest shows as the fluid at peak carried along (0 where none): fluid at
// rest (shows_fluid) either clearly dark (0.10 above the fluid floor) or not fainter than the
// fluid at peak by min_fluid_over_faint_band or more. A vessel or fat carried along the plane is
// as dark at rest as at peak; a 0.6 mm haematoma under the fibre ends that widens to 2 mm deepens
// its dip with it (0.31 at rest against 0.66 at peak through a focused beam), and speckle beside a
// deep aponeurosis passes the fluid floor here and there at 0.30-0.33. A band clearly dark at rest
// is fluid whatever the peak reads: one column's contrast is noisy, and the muscle's brightness
// (the contrast's reference) changes as its fascicles turn.
double carried_layer_mm(const BandWidth& rest, const BandWidth& fluid, const DetectionSettings& s);

// Fluid that opened under contraction, not fluid carried along: the layer at peak must be
// at least min_opening_mm wider than the widest layer the same muscle had beneath it at rest
// on its way along the plane (rest widths in order along it, 0 where no layer was seen;
// a running median of three, or the narrowest of fewer than three). A vessel in the
// septum or fat pushed by the bulging muscle was already there at rest; a tear's fluid is new.
bool fluid_is_new(double peak_layer_mm, const std::vector<double>& rest_layers_along_mm, const DetectionSettings& s);

// A fluid layer's gap read along the fibres that pulled off it: the layer's width down the image
// column, across the plane (x cos of its slope), over the sine of the fibres' angle to the plane
// (at least a quarter: fibres read nearly along the plane are a misreading). Degrees in mm space.
double along_fibres_mm(double column_width_mm, double fibre_deg, double plane_deg);

// A layer read along the fibres at rest and at peak: its widths down the image column and the
// directions (deg, mm space) of the fibres beside it and of its plane.
struct LayerAlongFibres {
  double rest_width_mm = 0, peak_width_mm = 0;
  double fibre_rest_deg = 0, fibre_peak_deg = 0, plane_deg = 0;
  double rest_gap_mm() const { return along_fibres_mm(rest_width_mm, fibre_rest_deg, plane_deg); }
  double peak_gap_mm() const { return along_fibres_mm(peak_width_mm, fibre_peak_deg, plane_deg); }
};

// Its opening (the gap at peak, at least the gap at rest, less the gap at rest) read with the
// fibres off_deg flatter to the plane at rest and off_deg steeper at peak: the reading least
// favourable to an opening that fibre directions off_deg wrong could give.
double opening_with_fibres_off_mm(const LayerAlongFibres& layer, double off_deg);

// How far (deg) the fibre directions may be wrong, each the unfavourable way (the fascicles' turn
// under-read by twice that), before the layer's opening falls below min_opening_mm: 0 where it is
// below already, kNoAngleErrorCloses (90) where no error closes it. A gap is its width over the sine
// of the fibres' angle to the plane, and at 15-20 deg a degree changes that by 5-6.5 %: a band
// already there at rest that widens about as the fascicles turn opens only by a degree or two of
// reading (on a recorded push of a healthy gastrocnemius, beside its deep aponeurosis, 2.46 -> 5.28 mm
// across as the fibres read 21.8 -> 38.2 deg off it: 6.6 -> 8.5 mm along them, margin 1.9 deg). New
// fluid, with no layer at rest, is held to it only where its own width barely opens min_opening_mm.
constexpr double kNoAngleErrorCloses = 90.0;
double fibre_angle_margin_deg(const LayerAlongFibres& layer, double min_opening_mm);

// A layer stays open over the contraction's hold: at least min_frames frames of its
// gap-time curve (already smoothed) min_opening_mm wider than at rest. A layer wider at one
// frame only is speckle or a frame's misplaced edge.
bool stays_open(const std::vector<double>& gap_by_frame_mm, double gap_rest_mm, double min_opening_mm, int min_frames);

// A tear's surface as it lay on frame 0: its centre, normal and length along it (mm).
struct RestSurface {
  double x_mm = 0, y_mm = 0;
  double normal_deg = 0;
  double length_mm = 0;
};
// Distance (mm) from a point to that surface: the larger of how far across it and how far
// beyond its nearer end (so "within r" is a band along the surface prolonged by r at each
// end). Fluid or a myotendinous surface this near a tear found by its motion is that tear's own.
double mm_from_surface(const RestSurface& surface, double x_mm, double y_mm);

// How a surface's points lie on frame 0 (mm): the direction of their longest axis and their
// extent along it. A long, thin patch shows its surface's direction by its shape alone; the
// normal read from the motion across it can be 25-30 deg off where the muscle around shears
// (an oblique tear under a 27 mm aponeurosis slide read -1.4 deg for a surface 27 deg off
// vertical). Nullopt for fewer than min_points points or a patch less than min_elongation
// times as long as it is wide: its shape says nothing then.
struct PointsLie {
  double along_deg = 0;  // (-90, 90], from the image's x axis
  double length_mm = 0;  // from the first point to the last along it
};
std::optional<PointsLie> points_lie(const std::vector<double>& x_mm, const std::vector<double>& y_mm, std::size_t min_points = 6,
                                    double min_elongation = 3.0);

// When two short surfaces are pieces of one tear (cut in two by a plane's line, or by a row
// where the gap's growth stayed under the threshold).
struct PiecesOfOneTear {
  double within_deg = 25.0;         // normals alike, and the line between the centres along the surface
  double ends_within_mm = 3.0;      // a plane's line and the clearance beside it
  double across_fibres_deg = 50.0;  // the line between the centres crosses each piece's fibres (planes: 15-45 deg)
};

// Two pieces continue each other: they face the same way, lie one beyond the other along
// the surface with their near ends close, and the line between them crosses the fibres as
// a tear does. Their joined length, far end to far end; nullopt when they do not continue
// each other. Pockets on a sliding plane lie one beside the other along the plane, which
// runs at the pennation angle to the fibres (15-45 deg): the line between them does not
// cross the fibres enough, whatever their surfaces say.
std::optional<double> joined_length_mm(const RestSurface& a, double a_fibres_deg, const RestSurface& b,
                                       double b_fibres_deg, const PiecesOfOneTear& tolerance = {});

// A stump is contracting muscle when it shortens along its fibres by at least
// contracting_share of the same compartment's median shortening (both strains < 0).
bool is_contracting(double stump_strain, double compartment_strain, const DetectionSettings& s);

// A tear opens with every contraction; tracking noise or a probe slip opens a surface in one.
// In each contraction of the clip (ContractionSummary::cycles) the opening is the largest over
// its contracted stretch less the one at its rest frame (frames whose opening could not be
// measured, non-finite, are skipped; a contraction with none is not counted as seen), divided
// by the contraction's strength (its shortening from its own rest over the clip's strongest).
// It opened when that is at least half of the largest among the strong contractions (at least
// 0.8 of the strongest's strength).
struct ContractionsOpened {
  int seen = 0, opened = 0;
};
ContractionsOpened contractions_opened(const std::vector<double>& opening_by_frame_mm,
                                       const std::vector<ContractionCycle>& cycles, double peak_strain);
// One contraction decides nothing; of several, all but a third must open the surface.
bool opens_with_the_contractions(const ContractionsOpened& c);

// The frames where a gap is about as wide as at its widest frame `widest`: the run of frames
// around it whose opening stays at least `share` of that frame's (an unmeasured, non-finite,
// frame ends the run). A gap holds its width through a hold, and which frame of the hold opens
// most is the tracking's noise: what is read "where the gap is widest" is read over all of them.
std::vector<int> frames_opening_about_as_much(const std::vector<double>& opening_by_frame_mm, int widest, double share);

}  // namespace ft::gates
