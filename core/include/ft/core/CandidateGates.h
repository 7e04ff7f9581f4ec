#pragma once
// The physics each candidate of the tear detector must pass, as small pure functions so
// that each gate can be tested on constructed numbers (tests/detection/CandidateGatesTest).
// docs/detection.md explains them for sonographers.
#include <vector>

#include "ft/core/Deformation.h"
#include "ft/core/GapProfile.h"
#include "ft/core/TearDetector.h"

namespace ft::gates {

// How a surface inside the tissue moves, from the mean displacement gradient G = F - I
// over it (rest -> peak). A jump `a` across a surface with normal n gives G ~ a (x) n:
// the surface normal is G's largest right singular vector; the opening share is the part
// of the jump along the normal (1: the sides pull apart, 0: they slide along it).
struct SurfaceMotion {
  double normal_deg = 0.0;   // in (-90, 90]
  double opening_share = 0.0;
};
SurfaceMotion surface_motion(const Tensor2& displacement_gradient);

// The surface normal most of a patch agrees on, from each point's own jump G_i (its
// displacement gradient beyond the compartment's) weighted by `weights`: the mode of the
// points' normals (deg, in (-90, 90]), not their mean. A patch of area growth can join a
// gap to a band along an aponeurosis, whose sliding has a normal 60-90 deg away; a mean
// of the two is the normal of neither.
double dominant_normal_deg(const std::vector<Tensor2>& jumps, const std::vector<double>& weights);

// Smallest angle between two axial directions (deg, 0..90).
double axial_difference_deg(double a_deg, double b_deg);

// |cos| of the angle between the fibres and the surface normal: 1 when the surface cuts
// straight across the fibres, 0 when it runs along them.
double fibre_cut(double fibre_deg, double normal_deg);

// A gap between torn fibre ends is a surface across the muscle: its patch runs further
// along the surface than across it (measured tears: 1.6-6x). Small round pockets of
// apparent expansion where muscles slide past each other are not.
bool is_gap_shaped(double length_along_mm, double width_across_mm, const DetectionSettings& s);

enum class SurfaceClass { AcrossFibres, AlongFibresOnAponeurosis, FascialPlane, Sliding };
// Across the fibres and opening: a candidate intramuscular tear. Along the fibres: a
// myotendinous tear only on an aponeurosis with the fibre ends pulling away; otherwise
// a fascial plane where muscles normally slide.
SurfaceClass classify_surface(double cut, double opening_share, bool near_aponeurosis, const DetectionSettings& s);

// The gap holds haematoma: dark on the image at peak, or its echoes decorrelate
// (fresh blood, echogenic or not) while the muscle around it is tracked. Tissue that was
// simply not tracked anywhere is no evidence of anything.
bool holds_haematoma(const BandWidth& rest, const BandWidth& peak, double untracked_share,
                     double surround_tracked_share, const DetectionSettings& s);

// A dark band seen at rest and at peak that has not widened by min_widening_mm is a
// structure (fat, a vessel, a septum), not fibre ends pulling apart; tenths of a mm are
// the width measurement's own noise.
bool band_stays_the_same(const BandWidth& rest, const BandWidth& peak, double min_widening_mm);

// A dark band at peak at least min_widening_mm wider than at rest (absent at rest: 0 wide).
bool band_widens(const BandWidth& rest, const BandWidth& peak, double min_widening_mm);

// A stump is contracting muscle when it shortens along its fibres by at least
// contracting_share of the same compartment's median shortening (both strains < 0).
bool is_contracting(double stump_strain, double compartment_strain, const DetectionSettings& s);

}  // namespace ft::gates
