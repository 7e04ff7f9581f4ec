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

TEST(OverlayImage, ShowsTheFindingsCaliperTheLegendAndTheNotice) {
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 41, 30));
  std::vector<Frame> frames;
  for (int k = 0; k < exam.frame_count(); ++k) frames.push_back(exam.render_frame(k));
  const ClipAnalysis a = analyse_clip(int(frames.size()), [&](int k) { return frames[std::size_t(k)]; }, exam.region());
  ASSERT_TRUE(a.detection.tear_detected);
  const TearFinding& f = a.detection.findings.front();
  const DisplacementField& field = a.motion.cumulative.back();
  const std::vector<float> strain(field.size(), -0.08f);
  const RgbImage img = render_overlay(frames[std::size_t(f.frame)], exam.region(), field, strain, a.detection.findings, {});
  const int cx = int(f.centre_col_px), cy = int(f.centre_row_px);
  EXPECT_GT(count_colour(img, {255, 220, 0}, cx - 30, cy - 30, cx + 30, cy + 30), 10) << "gap caliper at the finding";
  EXPECT_GT(count_colour(img, {255, 64, 64}, cx - 60, cy - 60, cx + 60, cy + 60), 20) << "tear outline";
  EXPECT_GT(count_colour(img, {255, 255, 255}, 0, img.height_px() - 10, img.width_px() - 1, img.height_px() - 1), 50)
      << "decision-support notice";
  test::TempDir dir;
  write_ppm(img, dir.file("overlay.ppm"));
  EXPECT_EQ(test::read_file(dir.file("overlay.ppm")).size(), std::size_t(img.width_px()) * img.height_px() * 3 + 15);
}

}  // namespace ft::ui
