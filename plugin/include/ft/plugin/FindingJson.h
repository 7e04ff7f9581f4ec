#pragma once
// A tear finding as `analyze --json` writes it. Without a trustworthy scale (no calibration,
// no depth scale) the mm fields are null and sizes are given in px and as fractions of the
// muscle's thickness, which do not depend on the scale; what could not be measured (the
// muscle's thickness, and so the extent) is null, never a number that reads as measured.
#include <nlohmann/json.hpp>

#include "ft/core/TearFinding.h"
#include "ft/plugin/MeasurementScale.h"

namespace ft {

nlohmann::json finding_json(const TearFinding& finding, const MeasurementScale& scale);

// A layer named for review (DetectionResult::for_review), which is no finding: where and when
// only (its centre in px, in mm on a trusted scale, else null), and that it is for review.
nlohmann::json layer_for_review_json(const TearFinding& layer, const MeasurementScale& scale);

// The clip's contractions (rest, peak, strain of each), as analyze and --explain list them.
nlohmann::json contractions_json(const ContractionSummary& contraction);

// A measurement as the JSON files carry it: rounded to thousandths; a small negative value
// that rounds to zero is 0, never -0.0 (which a reader takes for a sign that means something).
double json_rounded(double v);
// The same, or null for what was not measured (NaN), never a number that reads as measured.
nlohmann::json json_measured(double v);

}  // namespace ft
