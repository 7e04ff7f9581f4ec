#pragma once
// What the detector reports: muscle-fibre discontinuities that open under contraction.
// FibreTrack is decision support: a finding is a suggestion for a clinician to confirm.
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace ft {

class GapFollower;

// Plain clinical grade of a finding (docs/detection.md says how it is derived):
// 0 no lesion; 1 minimal (< 5 % of the muscle thickness); 2 partial (5-90 %);
// 3 complete (>= 90 %) with retraction of the stumps. Ungraded: a tear whose extent could
// not be measured (the muscle's thickness at it was not found); the grade is then left to
// the reader rather than guessed (it has no number: null in JSON).
enum class TearGrade { None = 0, Minimal = 1, Partial = 2, CompleteWithRetraction = 3, Ungraded = 4 };
const char* describe(TearGrade grade) noexcept;
inline bool has_grade_number(TearGrade grade) noexcept { return grade != TearGrade::Ungraded; }

// Where the fibres came apart. Intramuscular: across the fibres, inside the belly.
// Myotendinous: fibres pulled off an aponeurosis (the commonest rectus femoris injury);
// the surface then runs along the aponeurosis, not across the fibres.
enum class TearKind { Intramuscular, Myotendinous };
const char* to_string(TearKind kind) noexcept;

// Why a dark layer on an aponeurosis that opened as fluid does is named for review and not
// reported (DetectionResult::for_review): its dip too faint to tell from the speckle beside it
// (the gate faint_layer), or its opening within what an error in the fibres' angle makes of a
// layer already there at rest (opening_within_angle_error).
enum class ReviewReason : std::uint8_t { FaintLayer, OpeningWithinAngleError };

// The plain grade of a tear (docs/detection.md): minimal under 5 % of the muscle's
// thickness, complete from 90 % with the stumps retracted by at least 0.5 mm, partial
// between. A tear whose extent could not be measured (extent_pct < 0) is Ungraded: minimal
// and complete cannot be told apart without the thickness. Fibres pulled off an aponeurosis
// are partial: the aponeurosis holds, and their length along it is in the extent.
TearGrade grade_of(TearKind kind, double extent_pct, double retraction_mm);

struct TearFinding {
  TearKind kind = TearKind::Intramuscular;
  int frame = 0;                  // frame of peak evidence (clip frame index)
  double centre_col_px = 0.0;     // whole-frame pixel coordinates, in that frame
  double centre_row_px = 0.0;
  double centre_x_mm = 0.0;       // from the image region's top-left
  double centre_z_mm = 0.0;
  double surface_angle_deg = 0.0;  // tear surface from the vertical (image x right, y down)
  double fibre_angle_deg = 0.0;    // fibres from the horizontal
  double gap_rest_mm = 0.0;        // along the fibres, muscle at rest
  double gap_mm = 0.0;             // along the fibres, at peak evidence
  double retraction_mm = 0.0;      // mean of the two stumps: (gap - gap_rest) / 2
  double retraction_left_mm = 0.0;   // of the stump on the side the surface normal points away from
  double retraction_right_mm = 0.0;  // of the other stump (the two add up to the widening)
  double opening_mm = 0.0;         // extra separation of the stumps beyond the muscle's own strain
  double extent_pct = 0.0;         // share of the muscle thickness across which fibres are cut
  // Beyond that extent, the share of the muscle thickness between the tear's seen end and the
  // aponeurosis above it (superficial) and below it (deep) that the tracker lost (shear along
  // the aponeurosis, a haematoma decorrelating): the tear may run on through it. 0: that end
  // reached its aponeurosis or stopped in tracked muscle. may_be_complete() says when it matters.
  double extent_unseen_above_pct = 0.0;
  double extent_unseen_below_pct = 0.0;
  double extent_unseen_pct() const { return extent_unseen_above_pct + extent_unseen_below_pct; }
  // Beyond that extent, the share of the muscle thickness between the tear's seen end and the
  // aponeurosis above (below) it where the tracker followed the muscle and it moved without
  // opening, two grid rows or more of it beyond the band along the aponeurosis where no
  // deformation is read: its fibres may be intact. 0: that end reached its aponeurosis, stopped
  // within those two rows, or the muscle beyond it was lost (unseen). may_be_partial() says
  // when it matters.
  double extent_spared_above_pct = 0.0;
  double extent_spared_below_pct = 0.0;
  double extent_spared_pct() const { return extent_spared_above_pct + extent_spared_below_pct; }
  // Sets the four shares beyond the extent (set first), in that order of precedence, each cut to
  // what the extent and the ones before it leave of the thickness.
  void set_beyond_ends(double unseen_above, double unseen_below, double spared_above, double spared_below);
  double muscle_thickness_mm = 0.0;
  ReviewReason review_reason = ReviewReason::FaintLayer;  // a layer for review only: why it is not a finding
  TearGrade grade = TearGrade::None;
  double confidence = 0.0;         // 0..1
  std::vector<double> gap_by_frame_mm;  // gap-time curve: one value per analysed (kept) frame
  // Per analysed frame: 1 where the curve was read on that frame, 0 where it holds the rest gap
  // because the gap could not be measured there (the muscle around it not measured; a fluid
  // layer lost while contracted). Empty: every frame read (a finding read back from a file).
  std::vector<std::uint8_t> gap_measured_by_frame;
  bool gap_measured_on(std::size_t analysed_frame) const {
    return analysed_frame >= gap_measured_by_frame.size() || gap_measured_by_frame[analysed_frame] != 0;
  }
  // Of the clip's contractions (ContractionSummary::cycles), how many opened the gap: a tear
  // opens with every contraction, tracking noise in one.
  int contractions_seen = 1;
  int contractions_opened = 1;
  // Reads the gap on later frames of the same tracking (live: the frames tracked after the
  // evaluation that found it); none for a gap read on the image alone (a fluid layer along a
  // plane), or once the finding is read back from a file.
  std::shared_ptr<const GapFollower> follower;
};

enum class ContractionPhase { Rest, Contraction, Hold, Relaxation };
const char* to_string(ContractionPhase phase) noexcept;

// One contraction of a clip that holds several: the most relaxed frame before it (after it,
// when the clip starts contracted) and its most contracted frame, and the fibre strain
// there relative to the clip's rest frame.
struct ContractionCycle {
  int rest_frame = 0;
  int peak_frame = 0;
  double peak_strain = 0.0;
  int first_frame = 0, last_frame = 0;  // its contracted stretch (level above 0.3), inclusive
  double rest_strain = 0.0;  // at its rest frame (a quick repeat may not relax fully)
};

struct ContractionSummary {
  int rest_frame = 0;
  int peak_frame = 0;
  // Every contraction reaching at least 60 % of the strongest, in order (find_contractions).
  std::vector<ContractionCycle> cycles;
  double peak_strain = 0.0;            // fibre strain at peak relative to rest (negative: shortening)
  std::vector<double> strain_by_frame;  // fibre strain of each frame relative to the rest frame
  std::vector<ContractionPhase> phases;
  // The rest and the peak as plateaus: every frame whose fibre strain from frame 0 lies within
  // 5 % of the contraction's range of the most relaxed (most contracted) frame's. A relaxed
  // stretch or a hold is a plateau whose frames differ by the tracking's noise, and which of
  // them is the single extreme a hundredth of a pixel decides; a gate that reads "at rest" or
  // "at peak" can take the median over the plateau instead (plateau_frames; so far the haematoma
  // gate's shares). rest_frame and peak_frame are in them.
  std::vector<int> rest_plateau, peak_plateau;
  // The fascicles' angle to the image's x axis (deg, y down; not to the aponeurosis, which is
  // how pennation is defined) in the largest tracked contracting compartment of the muscle,
  // measured on the rest and on the peak frame's image at fascicle scale: how far they turn
  // (about 20 -> 45 deg in a maximal contraction). Which muscle that is (it may be vastus
  // intermedius rather than rectus femoris, or one half of a bipennate muscle) its depth says.
  // NaN where it could not be measured.
  double fascicle_angle_rest_deg = std::numeric_limits<double>::quiet_NaN();
  double fascicle_angle_peak_deg = std::numeric_limits<double>::quiet_NaN();
  double fascicle_depth_top_mm = std::numeric_limits<double>::quiet_NaN();     // that compartment at rest,
  double fascicle_depth_bottom_mm = std::numeric_limits<double>::quiet_NaN();  // from the region's top
};

// Every frame number of a contraction summary (rest, peak, each contraction's) through
// `renumber` (analysed frame -> the clip's own, or window -> stream).
template <typename Renumber>
void renumber_frames(ContractionSummary& c, Renumber renumber) {
  c.rest_frame = renumber(c.rest_frame);
  c.peak_frame = renumber(c.peak_frame);
  for (std::vector<int>* plateau : {&c.rest_plateau, &c.peak_plateau})
    for (int& frame : *plateau) frame = renumber(frame);
  for (ContractionCycle& k : c.cycles)
    for (int* frame : {&k.rest_frame, &k.peak_frame, &k.first_frame, &k.last_frame}) *frame = renumber(*frame);
}

// A gate that rejects a candidate early leaves the later measurements unmeasured.
constexpr double kUnmeasured = std::numeric_limits<double>::quiet_NaN();

// Everything measured about one candidate (a patch where the tissue's area grew more
// than the muscle's), and the gate that decided it: "why was nothing found?" for the
// sonographer, and the record a reviewer checks the physics against.
struct CandidateEvidence {
  double centre_col_px = 0.0, centre_row_px = 0.0;  // frame-0 px
  int points = 0;                    // grid points in the patch
  double area_mm2 = 0.0;
  double log_area_growth = 0.0;      // mean excess over the muscle's, rest -> peak (log)
  double surface_normal_deg = 0.0;   // direction the surface opens in
  double opening_share = 0.0;        // of the displacement jump across the surface: 1 opens, 0 slides
  double fibre_angle_deg = 0.0;      // fibres around the patch (at rest)
  double fibre_cut = 0.0;            // |cos| between fibres and the surface normal
  double fibres_pulled_off_deg = kUnmeasured;  // myotendinous: the fibres beyond the gap on the side away
                                               // from the aponeurosis (at rest), along which the gap is read
  double length_along_mm = kUnmeasured;  // the patch's extent along its surface (rest frame)
  double width_across_mm = kUnmeasured;  // ... and across it, along the normal
  double joined_length_mm = kUnmeasured;  // with a short piece of another patch that continues it (one
                                          // tear seen as two patches), end to end
  double opening_mm = kUnmeasured;  // stumps' separation beyond the muscle's strain, at best frame
  int best_frame = -1;               // analysed frame of largest opening
  double stump_strain[2] = {kUnmeasured, kUnmeasured};  // fibre strain rest -> peak of each stump
  double muscle_strain = kUnmeasured;  // the same compartment's fibre strain, for comparison
  double band_rest_mm = kUnmeasured, band_peak_mm = kUnmeasured;  // dark band across the surface (0: none)
  double band_contrast = kUnmeasured;
  double band_off_plane_mm = kUnmeasured;  // a fluid layer at peak: the tissue between the plane's line and
                                           // it, across the plane (the lower quartile over its columns)
  double decorrelated_band_rest_mm = kUnmeasured;  // no dark band at rest: where the speckle does not
                                                   // persist between scanner frames (0: none)
  double fibre_angle_margin_deg = kUnmeasured;  // a fluid layer: how far the fibre directions its gap is read
                                                // along may be wrong before it opens less than min_opening_mm
  double opening_if_unshortened_mm = kUnmeasured;  // what the stumps would open had nothing between
                                                   // them shortened along the normal (a structure carried whole)
  bool band_is_a_sliver = false;     // a faint band that kept its width, inside a gap that decorrelates and
                                     // opens beyond a structure's reach: not held against the gap
  double untracked_share = kUnmeasured;  // of the patch not tracked where the gap is widest
  double surround_tracked_share = 0.0;  // of the muscle around the patch tracked rest and peak
  int contractions_seen = 0, contractions_opened = 0;  // of the clip's contractions, those that opened it
  bool near_aponeurosis = false;     // a bright fascial plane runs along the surface
  std::string kind;                  // "intramuscular" or "myotendinous" when it was judged as one
  std::string decision;              // "reported", or the gate that rejected it
  std::string reason;                // the gate's physics in a sentence
  // Its grid points (frame-0 grid indices, EvidenceMaps' grid): the surface judged, or the
  // whole patch when it was too small to judge; empty for a fluid layer read along a plane.
  std::vector<std::uint32_t> grid_points;
};

// Per grid point maps behind the candidates (frame-0 grid), for --explain.
struct EvidenceMaps {
  int columns = 0, rows = 0;
  double origin_x_px = 0.0, origin_y_px = 0.0, step_px = 1.0;
  std::vector<float> log_area_growth;  // rest -> peak, minus the muscle's median
  std::vector<float> opening_share;    // 1 opening, 0 shear (3x3 neighbourhood)
  std::vector<float> fibre_strain;     // rest -> peak along the fibres
  std::vector<std::uint8_t> tracked;   // tracked at rest and at peak
  // How much darker the peak frame is than the muscle, at each grid position taken as a
  // place in the peak frame (not a material point: the fluid of a gap opens between material
  // points): (muscle's median brightness at rest - mean of about 0.5 mm there at peak) / that
  // median. Fluid reads towards 1; a gap whose echoes decorrelate shows in `tracked` instead.
  std::vector<float> dark_at_peak;
  std::vector<float> fibre_angle_deg;  // at rest, as the gates read them (0 where the texture shows
  std::vector<float> fibre_coherence;  // no direction: coherence under min_fibre_coherence)
  double muscle_sd = 0.0;          // robust SD of the tracked muscle's area growth (log)
  double candidate_threshold = 0.0;  // growth above the muscle's median that makes a candidate
  // The same per compartment of the muscle (between the rest frame's bright planes): a
  // point is a candidate above either the muscle's threshold or its compartment's.
  struct CompartmentEvidence {
    double top_mm = 0.0, bottom_mm = 0.0;  // depth of its tracked points at rest (region mm)
    double area_mm2 = 0.0;                 // its tracked points' share of the grid
    double median = 0.0, sd = 0.0, candidate_threshold = 0.0;  // log area change rest -> peak
    // Its fascicles' angle (deg) measured on the rest and on the peak image; NaN unmeasured.
    double fascicle_rest_deg = std::numeric_limits<double>::quiet_NaN();
    double fascicle_peak_deg = std::numeric_limits<double>::quiet_NaN();
    // How well they agree on one direction at peak: the length of their coherence-weighted mean
    // on the doubled angle (1 all alike; two mirrored families at +-40 deg about 0.2). NaN unmeasured.
    double fascicle_peak_agreement = std::numeric_limits<double>::quiet_NaN();
  };
  std::vector<CompartmentEvidence> compartments;  // filled whenever a contraction was analysed, evidence recorded or not
  // With them, per point of the motion's frame-0 grid: the compartment it is in (an index
  // into `compartments`), -1 in none. Filled even when the other maps are not recorded.
  std::vector<std::int16_t> compartment_of_point;
};

struct DetectionResult {
  bool tear_detected = false;
  std::vector<TearFinding> findings;
  // Not findings: dark layers on an aponeurosis that opened with the contractions as fluid
  // between pulled-off fibres and the aponeurosis does, but too faint to be told from the
  // speckle beside them or widening within the fibres' angle error (review_reason), one per
  // place and none beside a finding. Their place and
  // frame as the findings'; note_layers_for_review words them once frames are numbered as shown.
  std::vector<TearFinding> for_review;
  ContractionSummary contraction;
  // Of the muscle in view at rest and at peak (of all trackable tissue when no contraction
  // shows which tissue is muscle: tracked_fraction_of), the share tracked at both (0..1):
  // what the detector actually used. Low values make "no tear" weak.
  double tracked_fraction = 0.0;
  std::string tracked_fraction_of = "the trackable tissue";  // or "the muscle"
  // False when "no tear" rests on too little: nothing tracked, no contraction judged, or
  // tracked_fraction below the detector's minimum; or on images where the detector was measured
  // to miss most tears (analyse_clip: texture as elongated as the recorded screens'). A finding
  // is always conclusive.
  bool conclusive = false;
  std::string inconclusive_reason;  // why not, in words ("" when conclusive)
  std::vector<CandidateEvidence> candidates;
  EvidenceMaps maps;
  bool calibrated = true;              // false: no calibration and no depth scale: the mm values are
                                       // estimates from the speckle size, not to be reported as mm
  double mm_per_px_x = 0.0, mm_per_px_y = 0.0;  // the scale the mm values were computed at
  double mm_per_px() const { return 0.5 * (mm_per_px_x + mm_per_px_y); }
  std::vector<std::string> notes;      // why nothing was found, what was assumed, warnings
  // The frame, as this result numbers frames, that was the motion record's frame 0: the
  // findings' followers read positions in its pixels, on fields cumulative from it (live: the
  // window's first frame).
  long motion_frame0 = 0;
};

// The result in a line, as every view says it: "fibre discontinuity found", "no tear found", or
// "inconclusive: " and why (a "no tear" that rests on too little is not shown as one).
std::string describe_verdict(const DetectionResult& result);

// The gap of a finding in words for annotations and reports: in mm when the result is
// calibrated, else in px and as a share of the muscle's thickness (e.g. "gap 4.5 mm (rest
// 1.5)" or "gap 45 px (rest 15), 28 % of the muscle's thickness").
std::string describe_gap(const TearFinding& f, const DetectionResult& result);
// Where the finding is, by the same rule: "(19.5, 10.7) mm" from the image region's corner,
// else "pixel (173, 99)" in the whole frame.
std::string describe_position(const TearFinding& f, const DetectionResult& result);
// A partial tear seen across less of the muscle than a complete one, that would run through
// it (90 %) had it run on through the muscle the tracker lost beside its aponeuroses
// (extent_unseen_pct): only the images can tell. Its retraction is not asked (a report of an
// uncalibrated clip carries none); without one it would be complete but not retracted.
bool may_be_complete(const TearFinding& f);
// A tear graded complete (it spans 90 % of the muscle) whose end stopped short of an
// aponeurosis in muscle that moved without opening (extent_spared_pct): the fibres there may
// be intact, the tear a high-grade partial one. Motion alone does not prove them intact (a
// stump tethered at the aponeurosis, retracting less, looks alike), so the grade stands and
// only the images can tell.
bool may_be_partial(const TearFinding& f);
// The grade in words, "partial tear (may be complete)" where may_be_complete, "complete tear
// with retraction (may be partial)" where may_be_partial.
std::string describe_grade(const TearFinding& f);
// The note for a finding that may_be_complete: where, what was seen, and what to look at.
std::string describe_unseen_end(const TearFinding& f, const DetectionResult& result);
// The note for a finding that may_be_partial: how far short of which aponeurosis it stops.
std::string describe_spared_end(const TearFinding& f, const DetectionResult& result);
// One note per finding whose grade its ends put in doubt: each that may_be_complete and each
// that may_be_partial. Call once the result's frames are numbered as the clip's or the
// stream's and its calibration is known (as note_layers_for_review).
void note_tear_ends(DetectionResult& result);
// A layer for review in words: what it is, its place by describe_position and its frame as the
// findings' are shown, counted from 1, and why it is not a finding. The report's text and the note.
std::string describe_layer_for_review(const TearFinding& layer, const DetectionResult& result);
// Why such a layer is not a finding, in one sentence (part of describe_layer_for_review's).
std::string why_only_for_review(ReviewReason why);
// What such a layer is, in a few words for a label: "faint dark layer", ...
std::string layer_for_review_label(ReviewReason why);
// The gate's name for it, as --explain and the JSON name it: "faint_layer", ...
const char* review_kind(ReviewReason why) noexcept;
// Whether a note is describe_layer_for_review's (a viewer that lists the layers apart from the
// notes leaves these out).
bool is_layer_for_review_note(const std::string& note);
// One note per layer for review (result.for_review), describe_layer_for_review's: call once the
// result's frames are numbered as the clip's or the stream's and its calibration is known.
void note_layers_for_review(DetectionResult& result);
// How far across the muscle it reaches: "extent 40 %", or "extent unknown" where the
// muscle's thickness could not be measured (extent_pct < 0), never a negative share.
std::string describe_extent(const TearFinding& f);

}  // namespace ft
