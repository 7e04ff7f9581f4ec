#include "ft/plugin/FindingJson.h"

#include <cmath>

namespace ft {

double json_rounded(double v) { return std::round(v * 1000.0) / 1000.0 + 0.0; }  // + 0.0: -0.0 becomes 0

nlohmann::json json_measured(double v) { return std::isfinite(v) ? nlohmann::json(json_rounded(v)) : nlohmann::json(); }

nlohmann::json finding_json(const TearFinding& f, const MeasurementScale& scale) {
  const bool mm = scale.trusted();
  auto in_mm = [&](double v) { return mm ? nlohmann::json(json_rounded(v)) : nlohmann::json(nullptr); };
  auto in_px = [&](double v_mm) { return json_rounded(v_mm / scale.mm_per_px()); };
  const bool thickness_measured = f.muscle_thickness_mm > 0;
  auto of_thickness = [&](double v_mm) {
    return thickness_measured ? nlohmann::json(json_rounded(v_mm / f.muscle_thickness_mm)) : nlohmann::json(nullptr);
  };
  // null on an analysed frame where the gap could not be measured (its value there is the rest
  // gap, which would read as a gap that closed).
  nlohmann::json gaps = nlohmann::json::array(), gaps_px = nlohmann::json::array();
  for (std::size_t k = 0; k < f.gap_by_frame_mm.size(); ++k) {
    const bool measured = f.gap_measured_on(k);
    gaps.push_back(measured ? in_mm(f.gap_by_frame_mm[k]) : nlohmann::json(nullptr));
    gaps_px.push_back(measured ? nlohmann::json(in_px(f.gap_by_frame_mm[k])) : nlohmann::json(nullptr));
  }
  return {{"kind", to_string(f.kind)},
          {"frame", f.frame},
          {"center_px", {json_rounded(f.centre_col_px), json_rounded(f.centre_row_px)}},
          {"center_mm", mm ? nlohmann::json{json_rounded(f.centre_x_mm), json_rounded(f.centre_z_mm)} : nlohmann::json(nullptr)},
          {"gap_mm", in_mm(f.gap_mm)},
          {"gap_rest_mm", in_mm(f.gap_rest_mm)},
          {"gap_px", in_px(f.gap_mm)},
          {"gap_rest_px", in_px(f.gap_rest_mm)},
          {"gap_of_thickness", of_thickness(f.gap_mm)},
          {"retraction_mm", in_mm(f.retraction_mm)},
          {"retraction_each_mm", mm ? nlohmann::json{json_rounded(f.retraction_left_mm), json_rounded(f.retraction_right_mm)} : nlohmann::json(nullptr)},
          {"opening_mm", in_mm(f.opening_mm)},
          {"extent_pct", f.extent_pct >= 0 ? nlohmann::json(json_rounded(f.extent_pct)) : nlohmann::json(nullptr)},
          {"extent_unseen_pct", {{"superficial", json_rounded(f.extent_unseen_above_pct)}, {"deep", json_rounded(f.extent_unseen_below_pct)}}},
          {"extent_spared_pct", {{"superficial", json_rounded(f.extent_spared_above_pct)}, {"deep", json_rounded(f.extent_spared_below_pct)}}},
          {"muscle_thickness_mm", thickness_measured ? in_mm(f.muscle_thickness_mm) : nlohmann::json(nullptr)},
          {"muscle_thickness_px", thickness_measured ? nlohmann::json(in_px(f.muscle_thickness_mm)) : nlohmann::json(nullptr)},
          {"grade", has_grade_number(f.grade) ? nlohmann::json(int(f.grade)) : nlohmann::json(nullptr)},
          {"grade_text", describe_grade(f)},
          {"may_be_complete", may_be_complete(f)},
          {"may_be_partial", may_be_partial(f)},
          {"confidence", json_rounded(f.confidence)},
          {"contractions_opened", f.contractions_opened},
          {"contractions_seen", f.contractions_seen},
          {"surface_angle_deg", json_rounded(f.surface_angle_deg)},
          {"fibre_angle_deg", json_rounded(f.fibre_angle_deg)},
          {"gap_by_analysed_frame_mm", gaps},
          {"gap_by_analysed_frame_px", gaps_px}};
}

nlohmann::json layer_for_review_json(const TearFinding& layer, const MeasurementScale& scale) {
  return {{"kind", review_kind(layer.review_reason)},
          {"for_review_not_a_finding", true},
          {"frame", layer.frame},
          {"center_px", {json_rounded(layer.centre_col_px), json_rounded(layer.centre_row_px)}},
          {"center_mm", scale.trusted() ? nlohmann::json{json_rounded(layer.centre_x_mm), json_rounded(layer.centre_z_mm)}
                                        : nlohmann::json(nullptr)}};
}

nlohmann::json contractions_json(const ContractionSummary& contraction) {
  nlohmann::json out = nlohmann::json::array();
  for (const ContractionCycle& c : contraction.cycles)
    out.push_back({{"rest_frame", c.rest_frame}, {"peak_frame", c.peak_frame}, {"peak_strain", json_rounded(c.peak_strain)}});
  return out;
}

}  // namespace ft
