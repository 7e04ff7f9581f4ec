#include "ft/core/TearFinding.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace ft {

const char* describe(TearGrade grade) noexcept {
  switch (grade) {
    case TearGrade::None: return "no lesion";
    case TearGrade::Minimal: return "minimal fibre disruption (< 5 % of the muscle thickness)";
    case TearGrade::Partial: return "partial tear";
    case TearGrade::CompleteWithRetraction: return "complete tear with retraction";
    case TearGrade::Ungraded: return "tear, not graded (its extent across the muscle could not be measured)";
  }
  return "unknown";
}

const char* to_string(TearKind kind) noexcept {
  switch (kind) {
    case TearKind::Intramuscular: return "intramuscular";
    case TearKind::Myotendinous: return "myotendinous";
  }
  return "unknown";
}

const char* to_string(ContractionPhase phase) noexcept {
  switch (phase) {
    case ContractionPhase::Rest: return "rest";
    case ContractionPhase::Contraction: return "contraction";
    case ContractionPhase::Hold: return "hold";
    case ContractionPhase::Relaxation: return "relaxation";
  }
  return "unknown";
}

std::string describe_verdict(const DetectionResult& result) {
  if (result.tear_detected) return "fibre discontinuity found";
  if (result.conclusive) return "no tear found";
  return "inconclusive: " + (result.inconclusive_reason.empty() ? std::string("a tear cannot be ruled out")
                                                                 : result.inconclusive_reason);
}

std::string describe_gap(const TearFinding& f, const DetectionResult& result) {
  char text[128];
  const double mm_per_px = result.mm_per_px();
  if (result.calibrated || mm_per_px <= 0.0) {
    std::snprintf(text, sizeof text, "gap %.1f mm (rest %.1f)", f.gap_mm, f.gap_rest_mm);
  } else if (f.muscle_thickness_mm > 0.0) {
    std::snprintf(text, sizeof text, "gap %.0f px (rest %.0f), %.0f %% of the muscle's thickness", f.gap_mm / mm_per_px,
                  f.gap_rest_mm / mm_per_px, 100.0 * f.gap_mm / f.muscle_thickness_mm);
  } else {
    std::snprintf(text, sizeof text, "gap %.0f px (rest %.0f)", f.gap_mm / mm_per_px, f.gap_rest_mm / mm_per_px);
  }
  return text;
}

std::string describe_position(const TearFinding& f, const DetectionResult& result) {
  char text[64];
  if (result.calibrated)
    std::snprintf(text, sizeof text, "(%.1f, %.1f) mm", f.centre_x_mm, f.centre_z_mm);
  else
    std::snprintf(text, sizeof text, "pixel (%.0f, %.0f)", f.centre_col_px, f.centre_row_px);
  return text;
}

namespace {
constexpr char kForReviewNote[] = "for review, not a finding: ";
}  // namespace

std::string why_only_for_review(ReviewReason why) {
  switch (why) {
    case ReviewReason::FaintLayer:
      return "it opened with the contractions as fluid between pulled-off fibres and the aponeurosis does, but its dip "
             "(against the tissue around it) is within 15 % of the speckle's beside it at rest: too faint to tell from "
             "speckle.";
    case ReviewReason::OpeningWithinAngleError:
      return "a dark band was already there at rest; read along the fibres, its widening under contraction is within "
             "what a 3 degree error in reading the fibres' direction could produce. It may be normal muscle (such a band "
             "looks wider as the fascicles steepen) or fluid already there at rest. Compare the rest and peak frames.";
  }
  return "";
}

std::string layer_for_review_label(ReviewReason why) {
  switch (why) {
    case ReviewReason::FaintLayer: return "faint dark layer";
    case ReviewReason::OpeningWithinAngleError: return "dark layer, opening uncertain (fibre angle)";
  }
  return "dark layer";
}

const char* review_kind(ReviewReason why) noexcept {
  switch (why) {
    case ReviewReason::FaintLayer: return "faint_layer";
    case ReviewReason::OpeningWithinAngleError: return "opening_within_angle_error";
  }
  return "layer_for_review";
}

std::string describe_layer_for_review(const TearFinding& layer, const DetectionResult& result) {
  return kForReviewNote + std::string("a dark layer on an aponeurosis at ") + describe_position(layer, result) + ", frame " +
         std::to_string(layer.frame + 1) + ": " + why_only_for_review(layer.review_reason) + " Look at the image there.";
}

bool is_layer_for_review_note(const std::string& note) { return note.rfind(kForReviewNote, 0) == 0; }

void note_layers_for_review(DetectionResult& result) {
  for (const TearFinding& layer : result.for_review) result.notes.push_back(describe_layer_for_review(layer, result));
}

namespace {
constexpr double kCompleteExtentPct = 90.0;  // of the muscle's thickness
constexpr double kRetractedMm = 0.5;         // mean of the two stumps
}  // namespace

TearGrade grade_of(TearKind kind, double extent_pct, double retraction_mm) {
  if (kind == TearKind::Myotendinous) return TearGrade::Partial;
  if (!(extent_pct >= 0)) return TearGrade::Ungraded;  // NaN included
  if (extent_pct < 5.0) return TearGrade::Minimal;
  if (extent_pct >= kCompleteExtentPct && retraction_mm >= kRetractedMm) return TearGrade::CompleteWithRetraction;
  return TearGrade::Partial;
}

bool may_be_complete(const TearFinding& f) {
  return f.grade == TearGrade::Partial && f.kind == TearKind::Intramuscular && f.extent_pct >= 0 &&
         f.extent_pct < kCompleteExtentPct && f.extent_pct + f.extent_unseen_pct() >= kCompleteExtentPct;
}

void TearFinding::set_beyond_ends(double unseen_above, double unseen_below, double spared_above, double spared_below) {
  double left_pct = 100.0 - extent_pct;
  const auto take = [&](double pct) {
    const double taken = std::min(left_pct, pct);
    left_pct -= taken;
    return taken;
  };
  extent_unseen_above_pct = take(unseen_above);
  extent_unseen_below_pct = take(unseen_below);
  extent_spared_above_pct = take(spared_above);
  extent_spared_below_pct = take(spared_below);
}

bool may_be_partial(const TearFinding& f) {
  return f.grade == TearGrade::CompleteWithRetraction && f.kind == TearKind::Intramuscular && f.extent_spared_pct() > 0;
}

std::string describe_grade(const TearFinding& f) {
  return std::string(describe(f.grade)) + (may_be_complete(f) ? " (may be complete)" : may_be_partial(f) ? " (may be partial)" : "");
}

namespace {

// "2.2 mm" of muscle, or "12 % of the thickness" where the clip has no scale.
std::string amount_of_muscle(const TearFinding& f, double pct, bool calibrated) {
  char text[48];
  if (calibrated) std::snprintf(text, sizeof text, "%.1f mm", 0.01 * pct * f.muscle_thickness_mm);
  else std::snprintf(text, sizeof text, "%.0f %% of the thickness", pct);
  return text;
}

// "2.2 mm of muscle before the deep aponeurosis", both where both ends were lost.
std::string unseen_muscle(const TearFinding& f, bool calibrated) {
  const auto amount = [&](double pct) { return amount_of_muscle(f, pct, calibrated); };
  const double above = f.extent_unseen_above_pct, below = f.extent_unseen_below_pct;
  if (above > 0 && below > 0)
    return "the last " + amount(above) + " of muscle before the superficial aponeurosis and " + amount(below) +
           " before the deep one";
  return "the last " + amount(above > 0 ? above : below) + " of muscle before the " + (above > 0 ? "superficial" : "deep") +
         " aponeurosis";
}

}  // namespace

std::string describe_unseen_end(const TearFinding& f, const DetectionResult& result) {
  char seen[32];
  std::snprintf(seen, sizeof seen, "%.0f %%", f.extent_pct);
  return "the tear at " + describe_position(f, result) + ", frame " + std::to_string(f.frame + 1) + ", is seen across " + seen +
         " of the muscle's thickness (graded partial), but " + unseen_muscle(f, result.calibrated) +
         " could not be tracked (shear along the aponeurosis, or a haematoma): the tear may run through it and be "
         "complete. Check frame " + std::to_string(f.frame + 1) + " for intact fibres there.";
}

std::string describe_spared_end(const TearFinding& f, const DetectionResult& result) {
  char seen[32];
  std::snprintf(seen, sizeof seen, "%.0f %%", f.extent_pct);
  const double above = f.extent_spared_above_pct, below = f.extent_spared_below_pct;
  const auto short_of = [&](double pct, const char* which) {
    return amount_of_muscle(f, pct, result.calibrated) + " short of the " + which + " aponeurosis";
  };
  const std::string where = above > 0 && below > 0 ? short_of(above, "superficial") + " and " + short_of(below, "deep")
                            : above > 0            ? short_of(above, "superficial")
                                                   : short_of(below, "deep");
  const std::string frame = std::to_string(f.frame + 1);
  return "the tear at " + describe_position(f, result) + ", frame " + frame + ", runs across " + seen +
         " of the muscle's thickness (graded complete), but stops " + where +
         ": the muscle beside its end was tracked and moved without opening (the band along the aponeurosis itself "
         "cannot be read), so the fibres there may be intact and the tear a high-grade partial one. A complete tear "
         "whose stump is tethered at the aponeurosis can look the same. Check frame " + frame +
         " for continuous fibres there.";
}

void note_tear_ends(DetectionResult& result) {
  for (const TearFinding& f : result.findings) {
    if (may_be_complete(f)) result.notes.push_back(describe_unseen_end(f, result));
    if (may_be_partial(f)) result.notes.push_back(describe_spared_end(f, result));
  }
}

std::string describe_extent(const TearFinding& f) {
  if (f.extent_pct < 0) return "extent unknown";
  char text[32];
  std::snprintf(text, sizeof text, "extent %.0f %%", f.extent_pct);
  return text;
}

}  // namespace ft
