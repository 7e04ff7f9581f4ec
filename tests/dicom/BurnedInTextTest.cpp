#include <gtest/gtest.h>

#include "ft/core/BitmapFont.h"
#include "ft/dicom/BurnedInText.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft::dicom {
namespace {

bool covers(const PixelRect& box, int x0, int y0, int x1, int y1) {
  return box.x0_px <= x0 && box.y0_px <= y0 && box.x1_px >= x1 && box.y1_px >= y1;
}

}  // namespace

TEST(BurnedInText, ALineOfLettersIsFoundWithItsMargin) {
  Frame f(300, 80);
  const int end = draw_text(f, 10, 20, "DOE JANE 01.02.1980", 230.0f, 2);
  const std::vector<PixelRect> lines = find_text_lines(f);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(covers(lines[0], 8, 18, end - 1, 20 + 2 * kGlyphHeightPx + 1)) << lines[0].x0_px << "," << lines[0].x1_px;
}

TEST(BurnedInText, TwoLinesAreTwoAndColouredDimTextCountsWhenBrightEnough) {
  Frame f(200, 80);
  draw_text(f, 5, 5, "ST MARYS", 200.0f, 1);
  draw_text(f, 5, 40, "MSK 12L", 160.0f, 2);
  EXPECT_EQ(find_text_lines(f).size(), 2u);
  Frame dim(200, 80);
  draw_text(dim, 5, 40, "MSK 12L", 100.0f, 2);  // below the threshold: not what scanners draw
  EXPECT_TRUE(find_text_lines(dim).empty());
}

// What is bright in a muscle image and not text: an aponeurosis (a long line), a bone surface
// (a wide blob), isolated bright speckle, and two glyph-sized blobs (a line needs three).
TEST(BurnedInText, AponeurosesBoneSpecklesAndPairsAreNotText) {
  Frame f(200, 120);
  for (int x = 0; x < 200; ++x)
    for (int y = 30; y < 34; ++y) f.set_value(x, y, 250.0f);
  for (int x = 40; x < 140; ++x)
    for (int y = 80; y < 100; ++y) f.set_value(x, y, 250.0f);
  for (int k = 0; k < 12; ++k) f.set_value(10 + 15 * k, 60 + (k % 3) * 7, 255.0f);
  draw_text(f, 150, 5, "OK", 255.0f, 1);
  EXPECT_TRUE(find_text_lines(f).empty());
}

TEST(BurnedInText, SimulatedMuscleSpeckleOnOneFrameIsNotText) {
  const Clip clip = sim::SimulatedExam(sim::make_preset("real_tear", 5, 2)).render_clip();
  Frame inside(clip.regions[0].bounds.width_px(), clip.regions[0].bounds.height_px());
  for (int y = 0; y < inside.height_px(); ++y)
    for (int x = 0; x < inside.width_px(); ++x)
      inside.set_value(x, y, clip.frames[1].value(x + clip.regions[0].bounds.x0_px, y + clip.regions[0].bounds.y0_px));
  EXPECT_TRUE(find_text_lines(inside).empty());
}

}  // namespace ft::dicom
