#include <gtest/gtest.h>

#include "TestSupport.h"
#include "ft/plugin/ClipAnalysis.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"
#include "ft/ui/OverlayImage.h"

namespace ft::ui {
namespace {
int count_colour(const RgbImage& img, Rgb c, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = std::max(0, y0); y <= std::min(img.height_px() - 1, y1); ++y)
    for (int x = std::max(0, x0); x <= std::min(img.width_px() - 1, x1); ++x) {
      const Rgb p = img.at(x, y);
      n += p.r == c.r && p.g == c.g && p.b == c.b;
    }
  return n;
}

// A simulated full tear, its frames and their analysis.
struct AnalysedTear {
  std::vector<Frame> frames;
  UltrasoundRegion region;
  ClipAnalysis analysis;
  const TearFinding& finding() const { return analysis.detection.findings.front(); }
  const Frame& frame_of_finding() const { return frames[std::size_t(finding().frame)]; }
};
AnalysedTear analysed_tear() {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 41, 30));
  AnalysedTear t;
  for (int k = 0; k < exam.frame_count(); ++k) t.frames.push_back(exam.render_frame(k));
  t.region = exam.region();
  t.analysis = analyse_clip(int(t.frames.size()), [&](int k) { return t.frames[std::size_t(k)]; }, t.region);
  return t;
}
}  // namespace

TEST(OverlayImage, StrainScaleRunsFromBlueThroughWhiteToRed) {
  const Rgb shortening = strain_colour(-0.2, 0.1), none = strain_colour(0, 0.1), lengthening = strain_colour(0.05, 0.1);
  EXPECT_EQ(shortening.b, 255);
  EXPECT_EQ(shortening.r, 0);
  EXPECT_EQ(none.r, 255);
  EXPECT_EQ(none.b, 255);
  EXPECT_EQ(lengthening.r, 255);
  EXPECT_LT(lengthening.b, 255);
}

// The decision-support notice is not drawn into the picture on screen (the station's status bar
// says it, once): the bottom rows are the frame's own pixels.
TEST(OverlayImage, ShowsTheFindingsCaliperAndTheLegendAndLeavesTheNoticeToTheStatusBar) {
  const AnalysedTear t = analysed_tear();
  const ClipAnalysis& a = t.analysis;
  ASSERT_TRUE(a.detection.tear_detected);
  const TearFinding& f = t.finding();
  const DisplacementField& field = a.motion.cumulative.back();
  const std::vector<float> strain(field.size(), -0.08f);
  const RgbImage img = render_overlay(t.frame_of_finding(), t.region, field, strain, a.detection.findings, {});
  const int cx = int(f.centre_col_px), cy = int(f.centre_row_px);
  EXPECT_GT(count_colour(img, {255, 220, 0}, cx - 30, cy - 30, cx + 30, cy + 30), 10) << "gap caliper at the finding";
  EXPECT_GT(count_colour(img, {255, 64, 64}, cx - 60, cy - 60, cx + 60, cy + 60), 20) << "tear outline";
  // A black frame with nothing to draw stays black: no notice text over it.
  const Frame black(img.width_px(), img.height_px());
  const RgbImage plain = render_overlay(black, t.region, DisplacementField{}, {}, {}, {});
  EXPECT_EQ(count_colour(plain, {255, 255, 255}, 0, 0, plain.width_px() - 1, plain.height_px() - 1), 0)
      << "text drawn over the frame";
  test::TempDir dir;
  write_ppm(img, dir.file("overlay.ppm"));
  EXPECT_EQ(test::read_file(dir.file("overlay.ppm")).size(), std::size_t(img.width_px()) * img.height_px() * 3 + 15);
}

// A clip without calibration: the finding is placed at the scale the analysis measured it at
// (a depth scale or an estimate), and its gap is labelled in px when no calibration or depth
// scale stands behind the mm; with no scale at all it is not drawn (nothing to place it by).
TEST(OverlayImage, WithoutCalibrationTheGapIsLabelledInPixels) {
  const AnalysedTear t = analysed_tear();
  const ClipAnalysis& a = t.analysis;
  ASSERT_TRUE(a.detection.tear_detected);
  const TearFinding& f = t.finding();
  UltrasoundRegion uncalibrated = t.region;
  uncalibrated.units_x = uncalibrated.units_y = PhysicalUnits::None;
  uncalibrated.mm_per_px_x = uncalibrated.mm_per_px_y = 0.0;
  const Frame& frame = t.frame_of_finding();
  const DisplacementField none;
  OverlayLayers layers;
  layers.strain = layers.vectors = false;
  const int cx = int(f.centre_col_px), cy = int(f.centre_row_px);
  const RgbImage unplaced = render_overlay(frame, uncalibrated, none, {}, a.detection.findings, layers);
  EXPECT_EQ(count_colour(unplaced, {255, 220, 0}, cx - 60, cy - 60, cx + 60, cy + 60), 0) << "no scale: not drawn";
  DetectionResult estimated = a.detection;
  estimated.calibrated = false;  // the mm came from the speckle size, say
  layers.measure_findings_as(estimated);
  const RgbImage in_px = render_overlay(frame, uncalibrated, none, {}, a.detection.findings, layers);
  EXPECT_GT(count_colour(in_px, {255, 220, 0}, cx - 30, cy - 30, cx + 30, cy + 30), 10) << "placed at the analysis's scale";
  layers.findings_in_mm = true;
  const RgbImage in_mm = render_overlay(frame, uncalibrated, none, {}, a.detection.findings, layers);
  int differing = 0;
  for (int y = 0; y < in_px.height_px(); ++y)
    for (int x = 0; x < in_px.width_px(); ++x) {
      const Rgb p = in_px.at(x, y), q = in_mm.at(x, y);
      differing += p.r != q.r || p.g != q.g || p.b != q.b;
    }
  EXPECT_GT(differing, 5) << "the label reads px, not mm";
}

}  // namespace ft::ui
