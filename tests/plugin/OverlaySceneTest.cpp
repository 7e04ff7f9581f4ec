#include "ft/plugin/OverlayScene.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "OverlayFixtures.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/plugin/MuscleStrain.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {
namespace {

bool same(Rgb a, Rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

bool near_point(const std::vector<PointPx>& points, double x, double y, double within_px) {
  return std::any_of(points.begin(), points.end(), [&](PointPx p) { return std::hypot(p.x - x, p.y - y) <= within_px; });
}

// A simulated full tear, its frames and their analysis.
struct AnalysedTear {
  std::vector<Frame> frames;
  UltrasoundRegion region;
  ClipAnalysis analysis;
  const TearFinding& finding() const { return analysis.detection.findings.front(); }
};
const AnalysedTear& analysed_tear() {
  static const AnalysedTear t = [] {
    const sim::SimulatedExam exam(sim::make_preset("full_tear", 41, 30));
    AnalysedTear a;
    for (int k = 0; k < exam.frame_count(); ++k) a.frames.push_back(exam.render_frame(k));
    a.region = exam.region();
    a.analysis = analyse_clip(int(a.frames.size()), [&](int k) { return a.frames[std::size_t(k)]; }, a.region);
    return a;
  }();
  return t;
}

}  // namespace

TEST(OverlayScene, StrainScaleRunsFromRedShorteningThroughWhiteToBlueLengthening) {
  const Rgb shortening = strain_colour(-0.2, 0.1), none = strain_colour(0, 0.1), lengthening = strain_colour(0.05, 0.1);
  EXPECT_TRUE(same(shortening, {255, 0, 0})) << "the contraction in red";
  EXPECT_TRUE(same(none, {255, 255, 255}));
  EXPECT_EQ(lengthening.b, 255);
  EXPECT_LT(lengthening.r, 255);
}

// Colour only on muscle inside the image: the strain is given only in the muscle's bands (at
// the points' places at rest), and the layer is drawn where that tissue is in this frame (moved
// 10 px down, more than a grid step), inside the region; untracked points are left out, weak
// tracking fades, and the colours between points are the legend's (cells subdivided).
TEST(OverlayScene, TheStrainLayerCoversTrackedMuscleInsideTheImageRegionOnly) {
  const UltrasoundRegion region = test::inset_region();
  DisplacementField f = test::whole_frame_field(3.0f, 10.0f);
  f.valid[f.index(10, 8)] = 0;
  f.quality[f.index(12, 8)] = 0.5f;   // between the tracker's floor and trust: fainter
  f.quality[f.index(14, 8)] = 0.36f;  // just above the floor: all but invisible
  const Muscle muscle{{{60.0, 100.0, 0.0}}, {}};
  std::vector<float> strain = fibre_strain_in(f, 0.1, 0.1, muscle);
  for (int r = 0; r < f.rows; ++r)
    for (int c = 0; c < f.columns; ++c)
      if (std::isfinite(strain[f.index(c, r)])) strain[f.index(c, r)] = c % 2 ? -0.1f : 0.1f;  // alternating
  const OverlayScene s = compose_overlay(region, f, strain, {}, OverlayLayers{});
  ASSERT_FALSE(s.strain.empty());
  EXPECT_DOUBLE_EQ(s.legend_range_pct, 15.0);
  const PixelRect& b = region.bounds;
  for (const PointPx& p : s.strain.points_px) {
    EXPECT_TRUE(p.x >= b.x0_px && p.x <= b.x1_px && p.y >= b.y0_px && p.y <= b.y1_px) << p.x << "," << p.y;
    EXPECT_TRUE(p.y - 10.0 >= 60.0 - 1e-9 && p.y - 10.0 <= 100.0 + 1e-9) << "at rest " << p.y - 10.0 << ": not muscle";
  }
  const auto alpha_at = [&](double x_rest, double y_rest) {
    for (std::size_t k = 0; k < s.strain.points_px.size(); ++k)
      if (std::abs(s.strain.points_px[k].x - 3.0 - x_rest) < 1e-9 && std::abs(s.strain.points_px[k].y - 10.0 - y_rest) < 1e-9)
        return int(s.strain.rgba[k][3]);
    return -1;
  };
  EXPECT_EQ(alpha_at(f.x_px(10), f.y_px(8)), -1) << "untracked point drawn";
  const int full = alpha_at(f.x_px(16), f.y_px(8)), faint = alpha_at(f.x_px(12), f.y_px(8)), floor = alpha_at(f.x_px(14), f.y_px(8));
  EXPECT_GT(full, faint);
  EXPECT_GT(faint, floor);
  EXPECT_GE(floor, 0);
  EXPECT_LT(floor, 5);
  // Between a shortening and a lengthening point the colours pass through white: each cell's
  // corners are close on the legend (the renderer mixes colours, and red mixed with blue is not
  // on it), and neighbouring cells share their edge's points.
  for (const auto& cell : s.strain.cells)
    for (int k = 0; k < 4; ++k) {
      const auto& p = s.strain.rgba[std::size_t(cell[k])];
      const auto& q = s.strain.rgba[std::size_t(cell[(k + 1) % 4])];
      for (int ch = 0; ch < 3; ++ch) EXPECT_LE(std::abs(p[ch] - q[ch]), 120) << "a step of more than a third of the legend";
    }
  EXPECT_LT(s.strain.points_px.size(), 12 * s.strain.cells.size() / 9) << "edge points shared, not repeated per cell";
  for (const auto& cell : s.strain.cells)
    for (int k : cell) ASSERT_LT(std::size_t(k), s.strain.points_px.size());

  OverlayLayers off;
  off.strain = false;
  const OverlayScene none = compose_overlay(region, f, strain, {}, off);
  EXPECT_TRUE(none.strain.empty());
  EXPECT_EQ(none.legend_range_pct, 0.0) << "no strain shown: no legend";
}

// The quality shade lies over the tissue where it is in the frame shown (moved 3 px right and
// 10 down), darkest where a point is untracked (carried with its neighbours), clear where the
// tracking is trusted; off, it is not drawn.
TEST(OverlayScene, TheQualityVeilFollowsTheTissueAndThickensWhereTrackingIsLost) {
  const UltrasoundRegion region = test::inset_region();
  DisplacementField f = test::whole_frame_field(3.0f, 10.0f);
  f.valid[f.index(10, 8)] = 0;
  f.valid[f.index(11, 8)] = 0;
  f.quality[f.index(14, 8)] = 0.5f;
  OverlayLayers layers;
  layers.quality = true;
  const OverlayScene s = compose_overlay(region, f, {}, {}, layers);
  ASSERT_FALSE(s.quality_shade.empty());
  const auto alpha_at = [&](int c, int r) {
    for (std::size_t k = 0; k < s.quality_shade.points_px.size(); ++k)
      if (std::abs(s.quality_shade.points_px[k].x - f.x_px(c) - 3.0) < 1e-9 &&
          std::abs(s.quality_shade.points_px[k].y - f.y_px(r) - 10.0) < 1e-9)
        return int(s.quality_shade.rgba[k][3]);
    return -1;
  };
  EXPECT_EQ(alpha_at(10, 8), 153) << "untracked: veiled, where its neighbours' tissue went";
  for (const auto& rgba : s.quality_shade.rgba)
    EXPECT_GT(std::min({rgba[0], rgba[1], rgba[2]}), 150) << "pale: a dark shade reads as fluid, like a tear's gap";
  EXPECT_EQ(alpha_at(11, 8), 153);
  EXPECT_EQ(alpha_at(16, 8), 0) << "trusted: clear";
  EXPECT_GT(alpha_at(14, 8), 0);
  EXPECT_LT(alpha_at(14, 8), 153);
  for (const PointPx& p : s.quality_shade.points_px) {
    const PixelRect& b = region.bounds;
    EXPECT_TRUE(p.x >= b.x0_px && p.x <= b.x1_px && p.y >= b.y0_px && p.y <= b.y1_px);
  }
  layers.quality = false;
  EXPECT_TRUE(compose_overlay(region, f, {}, {}, layers).quality_shade.empty());
}

// Sparse arrows, each wholly inside the image region even where the tissue moves out of it.
TEST(OverlayScene, ArrowsAreSparseAndStayInsideTheImageRegion) {
  const UltrasoundRegion region = test::inset_region();
  const DisplacementField f = test::whole_frame_field(5.0f, 1.0f);  // x 4 gain: 20 px to the right
  const OverlayScene s = compose_overlay(region, f, {}, {}, OverlayLayers{});
  ASSERT_GE(s.arrows.size(), 4u);
  const PixelRect& b = region.bounds;
  for (const OverlayArrow& a : s.arrows) {
    for (PointPx p : {a.base_px, a.tip_px}) EXPECT_TRUE(p.x >= b.x0_px + 2 && p.x <= b.x1_px - 2 && p.y >= b.y0_px + 2 && p.y <= b.y1_px - 2);
    EXPECT_NEAR(a.tip_px.x - a.base_px.x, 20.0, 1e-6);
    for (const OverlayArrow& o : s.arrows)
      if (&o != &a) {
        EXPECT_GE(std::hypot(o.base_px.x - a.base_px.x, o.base_px.y - a.base_px.y), 23.9);
      }
  }
}

// Real contractions move tissue 10-35 mm: at a fixed gain of 4 those arrows ran off the image
// and were all left out at the peak. The gain is chosen so that the long displacements (95th
// percentile: one stray point does not decide) are drawn a few mm long, and small motions at
// most 4 times their length; a field with nothing tracked in the region keeps the most.
TEST(OverlayScene, ArrowsOfALargeMotionAreScaledToAFewMmNotLeftOut) {
  const UltrasoundRegion region = test::inset_region();  // 0.1 mm/px, 120 x 100 px
  const DisplacementField large = test::whole_frame_field(150.0f, 0.0f);  // 15 mm
  EXPECT_TRUE(compose_overlay(region, large, {}, {}, OverlayLayers{}).arrows.empty()) << "x4: 60 mm, off the image";
  const double gain = arrow_gain_for(region, test::whole_frame_field(0.0f, 0.0f), 0.1);
  EXPECT_DOUBLE_EQ(gain, kMaxArrowGain) << "no motion: the most gain";
  // Points moved out of the region are not counted; one stray point inside does not set the scale.
  DisplacementField inside = test::whole_frame_field(20.0f, 0.0f);  // 2 mm
  inside.dx_px[inside.index(10, 8)] = 300.0f;                        // one stray point
  EXPECT_NEAR(arrow_gain_for(region, inside, 0.1), kLongestArrowMm / 2.0, 1e-9);
  EXPECT_DOUBLE_EQ(arrow_gain_for(region, test::whole_frame_field(3.0f, 4.0f), 0.1), kMaxArrowGain) << "0.5 mm: x4 at most";
  DisplacementField fast = test::whole_frame_field(40.0f, 30.0f);  // 5 mm: drawn 4 mm
  OverlayLayers layers;
  layers.vector_gain = arrow_gain_for(region, fast, 0.1);
  EXPECT_NEAR(layers.vector_gain, 0.8, 1e-9);
  const OverlayScene s = compose_overlay(region, fast, {}, {}, layers);
  ASSERT_FALSE(s.arrows.empty());
  for (const OverlayArrow& a : s.arrows) EXPECT_NEAR(std::hypot(a.tip_px.x - a.base_px.x, a.tip_px.y - a.base_px.y), 40.0, 1e-6);
  std::fill(fast.valid.begin(), fast.valid.end(), std::uint8_t(0));
  EXPECT_DOUBLE_EQ(arrow_gain_for(region, fast, 0.1), kMaxArrowGain);
  EXPECT_NEAR(arrow_gain_for(region, inside, 0.0), kLongestArrowMm / 2.0, 1e-9) << "no scale: 0.1 mm/px assumed";
}

// On an analysed clip the strain layer is the analysis's own: every point of the muscle is
// in a compartment the detector labelled, the rest frame shows no strain, and the peak frame's
// muscle shortens about as much as the clip's strain-time curve says (within a factor of 2:
// the curve is a median over a wider baseline along each point's own fibre direction; this
// simulation's rectus femoris shortens 10 %, the curve reads 6 %, the layer's median 9 %).
TEST(OverlayScene, AnAnalysedClipsStrainLayerIsZeroAtRestAndItsCurvesPeakAtPeak) {
  const AnalysedTear& t = analysed_tear();
  const ClipAnalysis& a = t.analysis;
  const MotionRecord& m = a.motion;
  ASSERT_EQ(a.detection.maps.compartment_of_point.size(), m.cumulative[0].size());
  const Muscle muscle = muscle_of(a.detection, m.region, true);
  ASSERT_FALSE(muscle.empty());
  const int rest = analysed_index_at(a, a.detection.contraction.rest_frame);
  const int peak = analysed_index_at(a, a.detection.contraction.peak_frame);
  ASSERT_NE(rest, peak);
  const auto strain_at = [&](int k) { return fibre_strain_in(m.cumulative[std::size_t(rest)], m.cumulative[std::size_t(k)], m.mm_per_px_x, m.mm_per_px_y, muscle); };
  std::vector<double> at_rest, at_peak;
  for (float v : strain_at(rest))
    if (std::isfinite(v)) at_rest.push_back(v);
  for (float v : strain_at(peak))
    if (std::isfinite(v)) at_peak.push_back(v);
  ASSERT_GT(at_rest.size(), 100u);
  for (double v : at_rest) ASSERT_NEAR(v, 0.0, 1e-5);
  std::nth_element(at_peak.begin(), at_peak.begin() + long(at_peak.size() / 2), at_peak.end());
  const double median = at_peak[at_peak.size() / 2];
  EXPECT_LT(median, 0.0) << "shortening at peak";
  EXPECT_GT(median / a.detection.contraction.peak_strain, 0.5);
  EXPECT_LT(median / a.detection.contraction.peak_strain, 2.0);
}

TEST(OverlayScene, ShowsTheFindingsOutlineGapCaliperAndLabel) {
  const AnalysedTear& t = analysed_tear();
  const ClipAnalysis& a = t.analysis;
  ASSERT_TRUE(a.detection.tear_detected);
  const TearFinding& f = t.finding();
  OverlayLayers layers;
  layers.measure_findings_as(a.detection);
  const OverlayScene s = compose_overlay(t.region, a.motion.cumulative.back(), {}, a.detection.findings, layers);
  int outlines = 0, calipers = 0;
  for (const OverlayPolyline& l : s.lines) {
    if (same(l.colour, overlay_colour::kOutline) && l.closed && near_point(l.points_px, f.centre_col_px, f.centre_row_px, 60)) ++outlines;
    if (same(l.colour, overlay_colour::kCaliper) && near_point(l.points_px, f.centre_col_px, f.centre_row_px, 30)) ++calipers;
  }
  EXPECT_EQ(outlines, 1);
  EXPECT_GE(calipers, 1);
  ASSERT_EQ(s.labels.size(), 1u);
  char expected[48];
  std::snprintf(expected, sizeof expected, "gap %.1f mm, grade %d", f.gap_mm, int(f.grade));
  EXPECT_EQ(s.labels[0].text, expected);
}

// On another frame (live following, review) the label names this frame's gap and the peak's;
// where the frame's gap could not be read, the finding is drawn as found and the label says so.
TEST(OverlayScene, AFindingOnAnotherFrameNamesThePeakAndSaysWhenItsGapWasNotRead) {
  const AnalysedTear& t = analysed_tear();
  const ClipAnalysis& a = t.analysis;
  ASSERT_TRUE(a.detection.tear_detected);
  std::vector<TearFinding> findings = a.detection.findings;
  const double peak_mm = findings.front().gap_mm;
  findings.front().gap_mm = 1.6;
  OverlayLayers layers;
  layers.measure_findings_as(a.detection);
  layers.findings_peak_gap_mm = {peak_mm};
  const std::string grade = ", grade " + std::to_string(int(findings.front().grade));
  char peak[16];
  std::snprintf(peak, sizeof peak, "%.1f", peak_mm);
  EXPECT_EQ(compose_overlay(t.region, {}, {}, findings, layers).labels.at(0).text, "gap 1.6 mm (peak " + std::string(peak) + ")" + grade);
  layers.findings_peak_gap_mm = {0.0};  // 0: no peak to name (live, a finding not followed)
  EXPECT_EQ(compose_overlay(t.region, {}, {}, findings, layers).labels.at(0).text, "gap 1.6 mm" + grade);
  findings.front().gap_mm = peak_mm;  // drawn as found
  layers.findings_gap_not_read = {1};
  EXPECT_EQ(compose_overlay(t.region, {}, {}, findings, layers).labels.at(0).text,
            "gap " + std::string(peak) + " mm (peak; not read on this frame)" + grade);
  // A partial grade that the muscle lost beyond the tear's end would make complete says so.
  findings.front().grade = TearGrade::Partial;
  findings.front().extent_pct = 88.0;
  findings.front().extent_unseen_below_pct = 12.0;
  findings.front().retraction_mm = 1.5;
  layers.findings_gap_not_read = {0};
  EXPECT_EQ(compose_overlay(t.region, {}, {}, findings, layers).labels.at(0).text, "gap " + std::string(peak) + " mm, grade 2, may be 3");
  // A complete grade whose end stopped in muscle that moved without opening says so too.
  findings.front().grade = TearGrade::CompleteWithRetraction;
  findings.front().extent_pct = 91.0;
  findings.front().extent_unseen_below_pct = 0.0;
  findings.front().extent_spared_above_pct = 9.0;
  EXPECT_EQ(compose_overlay(t.region, {}, {}, findings, layers).labels.at(0).text, "gap " + std::string(peak) + " mm, grade 3, may be 2");
}

// A clip without calibration: the finding is placed at the scale the analysis measured it at
// (a depth scale or an estimate), and its gap is labelled in px when no calibration or depth
// scale stands behind the mm; with no scale at all it is not drawn (nothing to place it by).
TEST(OverlayScene, WithoutCalibrationTheGapIsLabelledInPixels) {
  const AnalysedTear& t = analysed_tear();
  const ClipAnalysis& a = t.analysis;
  ASSERT_TRUE(a.detection.tear_detected);
  UltrasoundRegion uncalibrated = t.region;
  uncalibrated.units_x = uncalibrated.units_y = PhysicalUnits::None;
  uncalibrated.mm_per_px_x = uncalibrated.mm_per_px_y = 0.0;
  OverlayLayers layers;
  const OverlayScene unplaced = compose_overlay(uncalibrated, {}, {}, a.detection.findings, layers);
  EXPECT_TRUE(unplaced.lines.empty()) << "no scale: not drawn";
  EXPECT_TRUE(unplaced.labels.empty());
  DetectionResult estimated = a.detection;
  estimated.calibrated = false;  // the mm came from the speckle size, say
  layers.measure_findings_as(estimated);
  const OverlayScene in_px = compose_overlay(uncalibrated, {}, {}, a.detection.findings, layers);
  ASSERT_EQ(in_px.labels.size(), 1u);
  EXPECT_NE(in_px.labels[0].text.find(" px, grade "), std::string::npos) << in_px.labels[0].text;
  EXPECT_FALSE(in_px.lines.empty()) << "placed at the analysis's scale";
}

// A layer named for review is drawn with the findings (and hidden with them) as an orange ring
// around its place, a few mm across at the findings' scale, labelled as no finding and with the
// frame it was seen on.
TEST(OverlayScene, ALayerForReviewIsARingLabelledAsNoFinding) {
  const UltrasoundRegion region = test::inset_region();
  OverlayLayers layers;
  layers.findings_mm_per_px_x = layers.findings_mm_per_px_y = 0.1;
  TearFinding layer;
  layer.centre_col_px = 90;
  layer.centre_row_px = 60;
  layers.layers_for_review.push_back(layer);
  const OverlayScene s = compose_overlay(region, {}, {}, {}, layers);
  ASSERT_EQ(s.lines.size(), 1u);
  const OverlayPolyline& ring = s.lines[0];
  EXPECT_TRUE(same(ring.colour, overlay_colour::kForReview));
  EXPECT_TRUE(ring.closed);
  for (const PointPx& p : ring.points_px) EXPECT_NEAR(std::hypot(p.x - 90, p.y - 60), 40.0, 0.01) << "4 mm at 0.1 mm/px";
  ASSERT_EQ(s.labels.size(), 1u);
  EXPECT_NE(s.labels[0].text.find("not a finding"), std::string::npos) << s.labels[0].text;
  EXPECT_NE(s.labels[0].text.find("(frame 1)"), std::string::npos) << "the frame it was seen on, from 1";
  EXPECT_TRUE(same(s.labels[0].colour, overlay_colour::kForReview));
  EXPECT_NE(s.labels[0].text.find("faint dark layer"), std::string::npos) << s.labels[0].text;
  layers.layers_for_review[0].review_reason = ReviewReason::OpeningWithinAngleError;  // labelled by its reason
  EXPECT_NE(compose_overlay(region, {}, {}, {}, layers).labels[0].text.find("opening uncertain (fibre angle)"), std::string::npos);
  layers.findings = false;
  const OverlayScene hidden = compose_overlay(region, {}, {}, {}, layers);
  EXPECT_TRUE(hidden.lines.empty() && hidden.labels.empty()) << "hidden with the findings";
}

TEST(OverlayScene, CalipersAndAPresentationStatesGraphicsAreDrawnWithTheirLabels) {
  OverlayLayers layers;
  layers.calipers.push_back({10, 20, 110, 20, "10.0 mm"});
  layers.annotations.push_back({{{5, 5}, {50, 5}, {50, 40}}, "seen at rest"});
  const UltrasoundRegion region = test::inset_region();
  const OverlayScene s = compose_overlay(region, {}, {}, {}, layers);
  ASSERT_EQ(s.labels.size(), 2u);
  EXPECT_EQ(s.labels[0].text, "seen at rest");
  EXPECT_EQ(s.labels[1].text, "10.0 mm");
  EXPECT_TRUE(same(s.labels[0].colour, overlay_colour::kAnnotation));
  EXPECT_EQ(s.lines.size(), 1u + 1u + 2u) << "the graphic, the caliper and its two end ticks";
  EXPECT_TRUE(s.arrows.empty());
  EXPECT_TRUE(s.strain.empty());
}

TEST(OverlayScene, LabelsThatWouldCoverEachOtherAreStackedBelow) {
  const LabelBox picture{0, 0, 200, 100};
  const std::vector<LabelBox> placed =
      place_labels({{10, 10, 60, 24}, {12, 14, 70, 28}, {100, 10, 140, 24}, {20, 12, 50, 26}}, picture);
  ASSERT_EQ(placed.size(), 4u);
  EXPECT_DOUBLE_EQ(placed[0].y0, 10) << "the first stays at its anchor";
  EXPECT_DOUBLE_EQ(placed[1].y0, 26) << "below the first";
  EXPECT_DOUBLE_EQ(placed[2].y0, 10) << "nothing to cover: stays";
  EXPECT_DOUBLE_EQ(placed[3].y0, 42) << "below both";
  for (std::size_t i = 0; i < placed.size(); ++i)
    for (std::size_t j = i + 1; j < placed.size(); ++j) EXPECT_FALSE(placed[i].overlaps(placed[j]));
  EXPECT_DOUBLE_EQ(placed[1].x0, 12) << "moved down only";
  const std::vector<LabelBox> at_edges = place_labels({{180, 50, 230, 64}, {-5, 95, 40, 109}}, picture);
  EXPECT_DOUBLE_EQ(at_edges[0].x1, 200) << "moved left into the picture";
  EXPECT_DOUBLE_EQ(at_edges[0].x1 - at_edges[0].x0, 50) << "same size";
  EXPECT_DOUBLE_EQ(at_edges[1].x0, 0);
  EXPECT_DOUBLE_EQ(at_edges[1].y1, 100) << "moved up into the picture";
  // Near the bottom there is no room below: the next label goes above, still inside (it was
  // pushed below the area, over the scanner's scale or the capture's notice band).
  const std::vector<LabelBox> low = place_labels({{10, 80, 60, 94}, {12, 82, 70, 96}}, picture);
  EXPECT_DOUBLE_EQ(low[1].y1, 78) << "above the first";
  EXPECT_FALSE(low[0].overlaps(low[1]));
  // More labels than room: each still inside the area.
  const std::vector<LabelBox> crowded = place_labels(std::vector<LabelBox>(12, {10, 40, 60, 54}), picture);
  for (const LabelBox& b : crowded) EXPECT_TRUE(b.y0 >= 0 && b.y1 <= 100) << b.y0 << ".." << b.y1;
}

}  // namespace ft
