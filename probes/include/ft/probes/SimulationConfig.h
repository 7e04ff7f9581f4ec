#pragma once
// Everything that defines a simulated dynamic MSUS exam of the anterior thigh.
// Lengths are in mm in the image plane: x lateral (to the right), z depth (down),
// measured from the top-left corner of the image region.
#include <cstdint>
#include <string>
#include <vector>

namespace ft::sim {

// The transducer and scanner: PSF, sampling, field of view, timing, display.
struct ProbeModel {
  double centre_frequency_mhz = 7.5;
  double speed_of_sound_m_per_s = 1540.0;
  double lateral_fwhm_mm = 0.60;
  double axial_fwhm_mm = 0.40;
  double pixel_pitch_mm = 0.15;  // square pixels
  double width_mm = 38.0;
  double depth_mm = 30.0;
  double frame_rate_hz = 20.0;
  double dynamic_range_db = 50.0;
  double noise_db = -38.0;             // additive noise relative to unit-amplitude speckle
  double scatterers_per_cell = 12.0;   // >= 10 for fully developed speckle
  // The scanner's speckle-reduction filter (SRI, XRES and the like): 0 off .. 1 strong.
  // Smooths speckle inside tissue and keeps edges, as scanners do before the video out.
  double speckle_reduction = 0.0;
  // One fixed focus, transmit and receive (the worst case; dynamic receive focusing keeps the
  // beam within about 1.4x of its focal width): the lateral PSF is narrowest at the focus
  // (lateral_fwhm_mm) and widens above and below it as a Gaussian beam does,
  // FWHM x sqrt(1 + ((z - focus) / focal_half_depth)^2). The echo's mean brightness is kept
  // (the focal zone's own brightening is left out). 0: the same PSF at every depth.
  double focus_depth_mm = 0.0;
  double focal_half_depth_mm = 10.0;
  // Attenuation the scanner's TGC leaves uncorrected: echoes fall this much per mm of depth.
  double residual_attenuation_db_per_mm = 0.0;
};

// Depths of the layers of the anterior thigh, at rest.
struct ThighAnatomy {
  double skin_mm = 1.2;
  double fascia_mm = 5.0;            // superficial fascia: top of rectus femoris
  double aponeurosis_mm = 16.0;      // deep aponeurosis: rectus femoris over vastus intermedius
  double femur_mm = 26.5;            // femoral cortex; acoustic shadow below
  double rf_pennation_deg = 14.0;    // fibre angle of rectus femoris to the skin
  double vi_pennation_deg = -9.0;    // vastus intermedius runs the other way
  double fibre_spacing_mm = 0.9;     // spacing of the bright perimysium streaks
  double aponeurosis_half_mm = 0.35; // half thickness of the bright deep aponeurosis
  // Curved layers: the fascia and everything under it lie this much deeper at the edges
  // of the field than under its centre (a round thigh under a flat probe; the skin
  // stays flat against the probe, the subcutis takes up the difference). >= 0.
  double layer_sagitta_mm = 0.0;
  // Bipennate rectus femoris: a central aponeurosis at mid depth, the fibres of the
  // superficial half running mirrored (-rf_pennation_deg) into it. Under contraction
  // each half steepens on its own, so the central aponeurosis slides against both.
  bool rf_bipennate = false;
};

// Rest -> contraction ramp -> hold -> relaxation, as keyframes (fraction of clip, level 0..1).
struct ContractionProfile {
  std::vector<std::pair<double, double>> keyframes{{0.0, 0.0}, {0.15, 0.0}, {0.45, 1.0}, {0.70, 1.0}, {1.0, 0.0}};
  double level_at(double clip_fraction) const;
};

struct MuscleMotion {
  double rf_shortening = 0.10;      // lateral strain of rectus femoris at full contraction
  double vi_shortening = 0.05;
  double thickening_share = 0.5;    // share of the shortening that shows as thickening in plane
  double sliding_mm = 1.0;          // vastus intermedius slides past rectus femoris (x) at peak
  double jitter_mm = 0.06;          // probe jitter amplitude (x and z)
  // Steady probe movement: every structure moves by this much per frame (a rigid
  // translation with exact ground truth, used to test tracking).
  double probe_drift_x_mm_per_frame = 0.0;
  double probe_drift_z_mm_per_frame = 0.0;
  // The sonographer moves the probe mid-clip: the image moves by (x, z) mm between the
  // clip fractions probe_move_from and probe_move_to (eased), then stays there.
  double probe_move_x_mm = 0.0;
  double probe_move_z_mm = 0.0;
  double probe_move_from = 0.0;
  double probe_move_to = 0.0;
  ContractionProfile profile;

  // Realistic pennate contraction (all 0 by default: the gentle motion above alone).
  // The deep aponeurosis of rectus femoris slides past its superficial fascia (x, at
  // peak): a simple shear inside rectus femoris, linear in the normalised rest depth.
  // Its direction is chosen so that the fibres get steeper, as in a real contraction.
  double aponeurosis_slide_mm = 0.0;
  double rf_thickening = 0.0;         // extra thickening of rectus femoris at full contraction
  double muscle_translation_mm = 0.0; // rectus femoris and vastus intermedius move (x) under the probe
  // Share of the muscles' thickening that shows as the femur moving deeper (the bulging
  // thigh lifts the probe); the rest squeezes vastus intermedius.
  double femur_descent_share = 0.0;
  // Out-of-plane speckle change: each scatterer's amplitude turns from a towards an
  // independent b by this angle at full contraction (cos = correlation with rest).
  double decorrelation_deg_at_peak = 0.0;
};

enum class LesionKind { None, Tear };

// Transverse: a band across the fibres whose stumps retract along x (tilt it for an
// oblique tear). Myotendinous: fibres detach from the deep aponeurosis and retract
// along themselves, leaving a haematoma layer over the aponeurosis.
enum class TearKind { Transverse, Myotendinous };

// A tear of rectus femoris: a band of lost fibres whose stumps retract under contraction.
struct Tear {
  TearKind kind = TearKind::Transverse;
  // Transverse: where the tear surface crosses the muscle (rest). Myotendinous: the
  // centre of the detached stretch of the deep aponeurosis (rest).
  double centre_x_mm = 19.0;
  double surface_tilt_deg = 0.0;    // tilt of the tear surface from the vertical
  // Gap at rest (haematoma): along x (transverse), normal to the aponeurosis (myotendinous).
  double gap_rest_mm = 1.5;
  // Retraction at full contraction: of each stump along x (transverse), of the fibre
  // ends along the fibres (myotendinous).
  double retraction_mm = 1.8;
  double decay_mm = 9.0;            // how far into the stump the retraction reaches
  double extent_fraction = 1.0;     // share of the muscle thickness torn (transverse)
  bool from_deep_side = true;       // partial tears start at the deep aponeurosis
  double detached_length_mm = 12.0; // myotendinous: length of aponeurosis that lost its fibres
  double detached_taper_mm = 2.5;   // myotendinous: smooth ends of the detachment
  double haematoma_amplitude = 0.12;  // echo of the gap filling (0.5..0.8: echogenic haematoma)
};

// A vessel (or other dark round structure) that moves with the tissue.
struct Vessel {
  bool present = false;
  double centre_x_mm = 22.0;
  double centre_z_mm = 10.5;
  double radius_mm = 1.6;
  // Pulsation: radius (1 + distension sin(2 pi f t + phase)); 0 keeps the vessel still.
  // The tissue around it is pushed radially, area-preserving.
  double distension = 0.0;
  double pulse_hz = 1.2;
  double pulse_phase_rad = 0.0;
};

// Where the image region sits in the frame a scanner sends, and what surrounds it.
struct FrameLayout {
  int frame_width_px = 320;
  int frame_height_px = 256;
  int region_x0_px = 40;
  int region_y0_px = 30;
  bool burn_in_text = true;
};

struct SimulationConfig {
  std::string preset = "intact";
  std::uint64_t seed = 1;
  int frame_count = 40;
  ProbeModel probe;
  ThighAnatomy anatomy;
  MuscleMotion motion;
  LesionKind lesion = LesionKind::None;
  Tear tear;
  Vessel vessel;
  FrameLayout layout;

  int region_width_px() const;
  int region_height_px() const;
  void validate() const;  // throws ft::Error naming the first inconsistent parameter
  // True when any part of the realistic model is in use (truth files then say more).
  bool uses_realistic_model() const;
};

}  // namespace ft::sim
