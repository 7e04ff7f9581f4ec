#pragma once
// The physics each candidate of the tear detector must pass, as small pure functions so
// that each gate can be tested on constructed numbers (tests/detection/CandidateGatesTest).
// docs/detection.md explains them for sonographers.
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

// |cos| of the angle between the fibres and the surface normal: 1 when the surface cuts
// straight across the fibres, 0 when it runs along them.
double fibre_cut(double fibre_deg, double normal_deg);

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

// A dark band that is no wider at peak than at rest is a structure (fat, a vessel, a
// septum), not fibre ends pulling apart.
bool band_stays_the_same(const BandWidth& rest, const BandWidth& peak);

// A dark band at peak at least min_widening_mm wider than at rest (absent at rest: 0 wide).
bool band_widens(const BandWidth& rest, const BandWidth& peak, double min_widening_mm);

// A stump is contracting muscle when it shortens along its fibres by at least
// contracting_share of the same compartment's median shortening (both strains < 0).
bool is_contracting(double stump_strain, double compartment_strain, const DetectionSettings& s);

}  // namespace ft::gates
