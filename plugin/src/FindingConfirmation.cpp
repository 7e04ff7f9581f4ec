#include "ft/plugin/FindingConfirmation.h"

#include <cstdio>
#include <utility>

#include "ft/plugin/SessionFindings.h"

namespace ft {

bool FindingConfirmation::read_before(const TearFinding& f, double mm_per_px) const {
  for (const TearFinding& before : previous_)
    if (at_same_place(f, mm_per_px, before, previous_mm_per_px_, same_place_mm_)) return true;
  return false;
}

void FindingConfirmation::confirm(DetectionResult& result) {
  const double scale = placing_scale(result);
  std::vector<TearFinding> read = result.findings;
  std::vector<TearFinding> confirmed;
  for (TearFinding& f : result.findings) {
    if (read_before(f, scale)) {
      confirmed.push_back(std::move(f));
      continue;
    }
    char note[240];
    std::snprintf(note, sizeof note,
                  "a possible tear at (%.1f, %.1f) %s waits for the next frames to confirm it: live findings are shown "
                  "once two evaluations in a row read them",
                  f.centre_x_mm, f.centre_z_mm, result.calibrated ? "mm" : "mm (estimated scale)");
    result.notes.push_back(note);
  }
  const bool waiting = confirmed.size() < read.size();
  result.findings = std::move(confirmed);
  result.tear_detected = !result.findings.empty();
  if (waiting && !result.tear_detected) {
    result.conclusive = false;
    result.inconclusive_reason = "a possible tear waits for the next frames to confirm it";
  }
  previous_ = std::move(read);
  previous_mm_per_px_ = scale;
}

}  // namespace ft
