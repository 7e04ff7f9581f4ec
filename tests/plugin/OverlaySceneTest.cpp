#include "ft/plugin/OverlayScene.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "ft/plugin/ClipAnalysis.h"
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

// A 200 x 160 frame whose image region is (40..159, 30..129); the grid covers the whole frame.
UltrasoundRegion inset_region() {
  UltrasoundRegion r;
  r.bounds = {40, 30, 159, 129};
  r.units_x = r.units_y = PhysicalUnits::Centimetre;
  r.mm_per_px_x = r.mm_per_px_y = 0.1;
  return r;
}
DisplacementField whole_frame_field(float dx, float dy, float quality = 0.9f) {
  DisplacementField f(25, 20, 4, 4, 8);
  std::fill(f.dx_px.begin(), f.dx_px.end(), dx);
  std::fill(f.dy_px.begin(), f.dy_px.end(), dy);
  std::fill(f.quality.begin(), f.quality.end(), quality);
  std::fill(f.valid.begin(), f.valid.end(), std::uint8_t(1));
  return f;
}

}  // namespace

TEST(OverlayScene, StrainScaleRunsFromBlueThroughWhiteToRed) {
  const Rgb shortening = strain_colour(-0.2, 0.1), none = strain_colour(0, 0.1), lengthening = strain_colour(0.05, 0.1);
  EXPECT_TRUE(same(shortening, {0, 0, 255}));
  EXPECT_TRUE(same(none, {255, 255, 255}));
  EXPECT_EQ(lengthening.r, 255);
  EXPECT_LT(lengthening.b, 255);
}

// Colour only on muscle inside the image: every point of the strain layer is where its
// tissue is in this frame (moved by the field), inside the region, and was inside the
// muscle's band at rest; untracked points are left out and weak tracking fades.
TEST(OverlayScene, TheStrainLayerCoversTrackedMuscleInsideTheImageRegionOnly) {
  const UltrasoundRegion region = inset_region();
  DisplacementField f = whole_frame_field(3.0f, -2.0f);
  f.valid[f.index(10, 8)] = 0;
  f.quality[f.index(12, 8)] = 0.5f;   // between the tracker's floor and trust: fainter
  f.quality[f.index(14, 8)] = 0.36f;  // just above the floor: all but invisible
  const MuscleBand muscle{60.0, 100.0};
  const std::vector<float> strain(f.size(), -0.05f);
  const OverlayScene s = compose_overlay(region, muscle, f, strain, {}, OverlayLayers{});
  ASSERT_FALSE(s.strain.empty());
  EXPECT_DOUBLE_EQ(s.legend_range_pct, 15.0);
  const PixelRect& b = region.bounds;
  std::uint8_t full = 0, faint = 255, floor = 255;
  for (std::size_t k = 0; k < s.strain.points_px.size(); ++k) {
    const PointPx p = s.strain.points_px[k];
    EXPECT_TRUE(p.x >= b.x0_px && p.x <= b.x1_px && p.y >= b.y0_px && p.y <= b.y1_px) << p.x << "," << p.y;
    const double y_rest = p.y + 2.0;
    EXPECT_TRUE(y_rest >= muscle.top_y_px && y_rest <= muscle.bottom_y_px) << "at rest " << y_rest;
    EXPECT_FALSE(std::abs(p.x - 3.0 - f.x_px(10)) < 1e-9 && std::abs(y_rest - f.y_px(8)) < 1e-9) << "untracked point drawn";
    const std::uint8_t alpha = s.strain.rgba[k][3];
    if (std::abs(y_rest - f.y_px(8)) < 1e-9 && std::abs(p.x - 3.0 - f.x_px(12)) < 1e-9) faint = alpha;
    else if (std::abs(y_rest - f.y_px(8)) < 1e-9 && std::abs(p.x - 3.0 - f.x_px(14)) < 1e-9) floor = alpha;
    else full = std::max(full, alpha);
  }
  EXPECT_GT(full, faint);
  EXPECT_GT(faint, floor);
  EXPECT_LT(floor, 5);
  for (const auto& cell : s.strain.cells)
    for (int k : cell) ASSERT_LT(std::size_t(k), s.strain.points_px.size());
  EXPECT_GT(s.strain.cells.size(), 20u);

  OverlayLayers off;
  off.strain = false;
  const OverlayScene none = compose_overlay(region, muscle, f, strain, {}, off);
  EXPECT_TRUE(none.strain.empty());
  EXPECT_EQ(none.legend_range_pct, 0.0) << "no strain shown: no legend";
}

TEST(OverlayScene, TheMuscleIsTheBandOfItsCompartmentsAtRest) {
  const UltrasoundRegion region = inset_region();
  DetectionResult r;
  r.mm_per_px_y = 0.1;
  EXPECT_DOUBLE_EQ(muscle_band_of(r, region).top_y_px, 30.0) << "none measured: the whole region";
  EXPECT_DOUBLE_EQ(muscle_band_of(r, region).bottom_y_px, 129.0);
  r.maps.compartments.resize(2);
  r.maps.compartments[0].top_mm = 3.0, r.maps.compartments[0].bottom_mm = 5.0;
  r.maps.compartments[1].top_mm = 5.5, r.maps.compartments[1].bottom_mm = 8.0;
  EXPECT_DOUBLE_EQ(muscle_band_of(r, region).top_y_px, 60.0);
  EXPECT_DOUBLE_EQ(muscle_band_of(r, region).bottom_y_px, 110.0);
}

// Sparse arrows, each wholly inside the image region even where the tissue moves out of it.
TEST(OverlayScene, ArrowsAreSparseAndStayInsideTheImageRegion) {
  const UltrasoundRegion region = inset_region();
  const DisplacementField f = whole_frame_field(5.0f, 1.0f);  // x 4 gain: 20 px to the right
  const OverlayScene s = compose_overlay(region, whole_region(region), f, {}, {}, OverlayLayers{});
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

TEST(OverlayScene, ShowsTheFindingsOutlineGapCaliperAndLabel) {
  const AnalysedTear& t = analysed_tear();
  const ClipAnalysis& a = t.analysis;
  ASSERT_TRUE(a.detection.tear_detected);
  const TearFinding& f = t.finding();
  OverlayLayers layers;
  layers.measure_findings_as(a.detection);
  const OverlayScene s = compose_overlay(t.region, muscle_band_of(a.detection, t.region), a.motion.cumulative.back(),
                                         {}, a.detection.findings, layers);
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
  const OverlayScene unplaced = compose_overlay(uncalibrated, whole_region(uncalibrated), {}, {}, a.detection.findings, layers);
  EXPECT_TRUE(unplaced.lines.empty()) << "no scale: not drawn";
  EXPECT_TRUE(unplaced.labels.empty());
  DetectionResult estimated = a.detection;
  estimated.calibrated = false;  // the mm came from the speckle size, say
  layers.measure_findings_as(estimated);
  const OverlayScene in_px = compose_overlay(uncalibrated, whole_region(uncalibrated), {}, {}, a.detection.findings, layers);
  ASSERT_EQ(in_px.labels.size(), 1u);
  EXPECT_NE(in_px.labels[0].text.find(" px, grade "), std::string::npos) << in_px.labels[0].text;
  EXPECT_FALSE(in_px.lines.empty()) << "placed at the analysis's scale";
}

TEST(OverlayScene, CalipersAndAPresentationStatesGraphicsAreDrawnWithTheirLabels) {
  OverlayLayers layers;
  layers.calipers.push_back({10, 20, 110, 20, "10.0 mm"});
  layers.annotations.push_back({{{5, 5}, {50, 5}, {50, 40}}, "seen at rest"});
  const UltrasoundRegion region = inset_region();
  const OverlayScene s = compose_overlay(region, whole_region(region), {}, {}, {}, layers);
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
}

}  // namespace ft
