#pragma once
// The tears a live session has found so far. Live findings come from windows of a few
// seconds, re-evaluated as frames arrive: a window's first evaluations read only its first
// frames, so a tear found over a whole contraction can read as partial, or as nothing, a moment
// later (a new window, the probe lifted, the muscle relaxed). What the sonographer saw found
// stays on the screen: the strongest reading of each place in the session is kept (a place is
// where its strongest reading is).
#include <vector>

#include "ft/core/TearFinding.h"

namespace ft {

// Readings this close (mm) are of one place: the session's places, and what live confirmation
// compares (FindingConfirmation).
inline constexpr double kSamePlaceMm = 5.0;

// The mm per px a result's findings are placed at: its own, or a typical probe's where it has no
// scale at all.
double placing_scale(const DetectionResult& result);

class SessionFindings {
 public:
  // Findings whose centres lie within `same_place_mm` of each other (on the scale of the
  // result that found them) are one place.
  explicit SessionFindings(double same_place_mm = kSamePlaceMm) : same_place_mm_(same_place_mm) {}

  // Frames numbered as the stream counts them (LiveTearMonitor's results are).
  void add(const DetectionResult& result);
  void clear() { places_.clear(); }

  // The strongest finding of each place, in the order the places were first found.
  std::vector<TearFinding> strongest() const;
  // Those the result shown does not read at the same place with as high a grade (a lower
  // grade, or nothing there): what the panel lists as "earlier in this session".
  std::vector<TearFinding> stronger_than(const DetectionResult& shown) const;

 private:
  struct Place {
    TearFinding finding;
    double mm_per_px = 0.0;  // its result's scale (estimated where not calibrated)
  };
  bool same_place(const TearFinding& a, double a_mm_per_px, const Place& b) const;
  void absorb_places_near(const Place& moved);
  double same_place_mm_;
  std::vector<Place> places_;
};

// Complete with retraction, partial, ungraded (no mm to grade by), minimal; then confidence.
bool stronger(const TearFinding& a, const TearFinding& b);

}  // namespace ft
