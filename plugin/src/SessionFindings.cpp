#include "ft/plugin/SessionFindings.h"

#include <cmath>
#include <utility>

namespace ft {
namespace {

// The more severe reading of a place ranks higher. A partial tear that may be complete ranks
// above one seen to end in tracked muscle: a later window's plain partial reading of the same
// place must not hide the doubt. A plain complete tear ranks above one that may be partial (its
// end stopped in muscle that moved without opening): the doubt must not hide the complete reading.
int rank(const TearFinding& f) {
  switch (f.grade) {
    case TearGrade::CompleteWithRetraction: return may_be_partial(f) ? 8 : 9;
    case TearGrade::Partial: return may_be_complete(f) ? 7 : 6;
    case TearGrade::Ungraded: return 4;
    case TearGrade::Minimal: return 2;
    case TearGrade::None: break;
  }
  return 0;
}

constexpr double kFallbackMmPerPx = 0.1;  // a result with no scale at all: a typical probe's

}  // namespace

double placing_scale(const DetectionResult& result) {
  return result.mm_per_px() > 0 ? result.mm_per_px() : kFallbackMmPerPx;
}

bool stronger(const TearFinding& a, const TearFinding& b) {
  if (rank(a) != rank(b)) return rank(a) > rank(b);
  return a.confidence > b.confidence;
}

// By frame pixels (the same in every window of a session), on the finders' scale: a probe
// held still keeps a tear at the same pixels; one moved further than the tolerance makes a new place.
bool SessionFindings::same_place(const TearFinding& a, double a_mm_per_px, const Place& b) const {
  const double px = std::hypot(a.centre_col_px - b.finding.centre_col_px, a.centre_row_px - b.finding.centre_row_px);
  return px * 0.5 * (a_mm_per_px + b.mm_per_px) <= same_place_mm_;
}

void SessionFindings::add(const DetectionResult& result) {
  const double scale = placing_scale(result);
  for (const TearFinding& f : result.findings) {
    Place* place = nullptr;
    for (Place& p : places_)
      if (!place && same_place(f, scale, p)) place = &p;
    if (!place) {
      places_.push_back({f, scale});
    } else if (stronger(f, place->finding)) {
      *place = {f, scale};
      absorb_places_near(*place);
    }
  }
}

// A place moves to its strongest reading: places it came within the tolerance of are the same place
// now (a sonographer would see one tear listed twice). Of them the strongest reading stays, where
// it is, in the first of their places in the order found.
void SessionFindings::absorb_places_near(const Place& moved) {
  const Place at = moved;
  std::vector<Place> out;
  std::size_t merged = places_.size();  // its index in `out`, once there
  for (Place& p : places_) {
    const bool one = &p == &moved || same_place(at.finding, at.mm_per_px, p);
    if (!one) {
      out.push_back(std::move(p));
    } else if (merged == places_.size()) {
      merged = out.size();
      out.push_back(std::move(p));
    } else if (stronger(p.finding, out[merged].finding)) {
      out[merged] = std::move(p);
    }
  }
  places_ = std::move(out);
}

std::vector<TearFinding> SessionFindings::strongest() const {
  std::vector<TearFinding> out;
  for (const Place& p : places_) out.push_back(p.finding);
  return out;
}

std::vector<TearFinding> SessionFindings::stronger_than(const DetectionResult& shown) const {
  const double scale = placing_scale(shown);
  std::vector<TearFinding> out;
  for (const Place& p : places_) {
    bool read_as_strongly = false;
    // By grade: the same grade at a confidence a little lower is the same reading, not news.
    for (const TearFinding& f : shown.findings)
      read_as_strongly |= same_place(f, scale, p) && rank(f) >= rank(p.finding);
    if (!read_as_strongly) out.push_back(p.finding);
  }
  return out;
}

}  // namespace ft
