#include "ft/core/TearFinding.h"

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

std::string why_only_for_review() {
  return "it opened with the contractions as fluid between pulled-off fibres and the aponeurosis does, but its dip "
         "(against the tissue around it) is within 15 % of the speckle's beside it at rest: too faint to tell from "
         "speckle.";
}

std::string describe_layer_for_review(const TearFinding& layer, const DetectionResult& result) {
  return kForReviewNote + std::string("a dark layer on an aponeurosis at ") + describe_position(layer, result) + ", frame " +
         std::to_string(layer.frame + 1) + ": " + why_only_for_review() + " Look at the image there.";
}

bool is_layer_for_review_note(const std::string& note) { return note.rfind(kForReviewNote, 0) == 0; }

void note_layers_for_review(DetectionResult& result) {
  for (const TearFinding& layer : result.for_review) result.notes.push_back(describe_layer_for_review(layer, result));
}

std::string describe_extent(const TearFinding& f) {
  if (f.extent_pct < 0) return "extent unknown";
  char text[32];
  std::snprintf(text, sizeof text, "extent %.0f %%", f.extent_pct);
  return text;
}

}  // namespace ft
