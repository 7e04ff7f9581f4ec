#include "ft/core/TearFinding.h"

namespace ft {

const char* describe(TearGrade grade) noexcept {
  switch (grade) {
    case TearGrade::None: return "no lesion";
    case TearGrade::Minimal: return "minimal fibre disruption (< 5 % of the muscle thickness)";
    case TearGrade::Partial: return "partial tear";
    case TearGrade::CompleteWithRetraction: return "complete tear with retraction";
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

}  // namespace ft
