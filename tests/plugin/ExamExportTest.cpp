// The exam's objects for the archive, burned-in capture included: the findings drawn as the
// viewer draws them (its scene, painted with QPainter), in colour, and the decision-support
// notice on every frame; a PACS viewer that ignores presentation states shows what we saw.
#include <gtest/gtest.h>

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"

#include <cmath>

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/plugin/ExamExport.h"
#include "ft/plugin/OverlayPainter.h"
#include "ft/plugin/ReviewScene.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {
namespace {

// Frame k of an 8-bit RGB multi-frame file, as stored.
RgbImage stored_frame(const std::string& path, int k) {
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(path.c_str()).good());
  DcmDataset& ds = *file.getDataset();
  Uint16 rows = 0, columns = 0;
  ds.findAndGetUint16(DCM_Rows, rows);
  ds.findAndGetUint16(DCM_Columns, columns);
  const Uint8* pixels = nullptr;
  unsigned long bytes = 0;
  EXPECT_TRUE(ds.findAndGetUint8Array(DCM_PixelData, pixels, &bytes).good());
  RgbImage picture(columns, rows);
  const std::size_t frame_bytes = std::size_t(rows) * columns * 3;
  EXPECT_GE(bytes, frame_bytes * std::size_t(k + 1));
  std::copy(pixels + frame_bytes * k, pixels + frame_bytes * (k + 1), picture.data());
  return picture;
}

int count_near(const RgbImage& img, Rgb c, int tolerance, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = std::max(0, y0); y <= std::min(img.height_px() - 1, y1); ++y)
    for (int x = std::max(0, x0); x <= std::min(img.width_px() - 1, x1); ++x) {
      const Rgb p = img.at(x, y);
      n += std::abs(p.r - c.r) <= tolerance && std::abs(p.g - c.g) <= tolerance && std::abs(p.b - c.b) <= tolerance;
    }
  return n;
}

}  // namespace

TEST(ExamExport, AStoredReportsCaptureShowsTheFindingAsTheViewerDrawsItAndTheNoticeOnEveryFrame) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("full_tear", 11, 4)).render_clip();
  dicom::write_ultrasound_clip(clip, {}, dir.file("clip.dcm"));
  DetectionResult result;
  result.tear_detected = true;
  result.mm_per_px_x = clip.regions.front().mm_per_px_x;
  result.mm_per_px_y = clip.regions.front().mm_per_px_y;
  TearFinding f;
  f.frame = 2;
  f.centre_col_px = 160;
  f.centre_row_px = 100;
  f.gap_mm = 4.0;
  f.grade = TearGrade::CompleteWithRetraction;
  f.extent_pct = 90;
  f.muscle_thickness_mm = 11;
  result.findings.push_back(f);
  const std::vector<ExportedObject> written = write_exam_objects(dir.file("clip.dcm"), result, dir.file("out"), true);
  ASSERT_EQ(written.size(), 3u);
  const std::string capture = written.back().path;
  EXPECT_EQ(test::dciodvfy_errors(capture), "");

  const RgbImage finding_frame = stored_frame(capture, 2), other = stored_frame(capture, 1);
  EXPECT_GT(count_near(finding_frame, overlay_colour::kCaliper, 40, 130, 70, 250, 130), 20) << "caliper and label";
  EXPECT_GT(count_near(finding_frame, overlay_colour::kOutline, 40, 120, 60, 200, 140), 20) << "outline";
  // A stored report has no motion: its finding is drawn where it was measured on every frame,
  // as the review shows it (it was drawn on its own frame only, unlike the screen).
  EXPECT_GT(count_near(other, overlay_colour::kCaliper, 40, 130, 70, 250, 130), 20) << "on every frame";
  // The notice: a black band across the bottom with white text, on every frame.
  for (const RgbImage* frame : {&finding_frame, &other}) {
    const int h = frame->height_px(), w = frame->width_px();
    EXPECT_GT(count_near(*frame, {255, 255, 255}, 60, 0, h - 14, w - 1, h - 1), 40) << "notice text";
    EXPECT_GT(count_near(*frame, {0, 0, 0}, 10, 0, h - 14, w - 1, h - 1), w * 6) << "on its own black band";
  }
}

// From the analysis, each frame of the capture is what the review shows over it: the strain
// layer (red where the muscle shortens), the arrows and the legend on the contracted frames,
// and the finding where its tissue is, its caliper as long as that frame's gap (shorter at rest
// than at the finding's peak). It showed the peak's outline and caliper, on that frame only.
TEST(ExamExport, AnAnalysedClipsCaptureShowsEachFrameAsTheReviewDoes) {
  test::TempDir dir;
  const Clip clip = sim::SimulatedExam(sim::make_preset("full_tear", 12, 30)).render_clip();
  dicom::write_ultrasound_clip(clip, {}, dir.file("clip.dcm"));
  const ClipAnalysis analysis = analyse_clip(int(clip.frames.size()), [&](int k) { return clip.frames[std::size_t(k)]; },
                                             clip.regions.front());
  ASSERT_FALSE(analysis.detection.findings.empty());
  const TearFinding& f = analysis.detection.findings.front();
  const int rest = analysis.detection.contraction.rest_frame;
  ASSERT_NE(rest, f.frame);
  const TearFinding at_rest = finding_in_frame(f, analysis, rest);
  EXPECT_LT(at_rest.gap_mm, f.gap_mm - 1.0) << "the gap opens from rest to peak";
  EXPECT_DOUBLE_EQ(finding_in_frame(f, analysis, f.frame).gap_mm, f.gap_mm) << "on its own frame, the gap reported";

  const std::vector<ExportedObject> written = write_exam_objects(dir.file("clip.dcm"), analysis, dir.file("out"), true);
  const std::string capture = written.back().path;
  EXPECT_EQ(test::dciodvfy_errors(capture), "");
  const RgbImage peak = stored_frame(capture, f.frame), relaxed = stored_frame(capture, rest);
  const PixelRect& r = clip.regions.front().bounds;
  const auto in_region = [&](const RgbImage& img, Rgb c, int tolerance) {
    return count_near(img, c, tolerance, r.x0_px, r.y0_px, r.x1_px, r.y1_px);
  };
  EXPECT_GT(in_region(peak, overlay_colour::kVector, 60), 20) << "arrows";
  // The caliper's length on each frame: yellow pixels along the finding's row.
  const auto caliper_px = [&](const RgbImage& img, const TearFinding& at) {
    return count_near(img, overlay_colour::kCaliper, 40, 0, int(std::lround(at.centre_row_px)), img.width_px() - 1,
                      int(std::lround(at.centre_row_px)));
  };
  const double px_per_mm = 1.0 / analysis.detection.mm_per_px();
  EXPECT_NEAR(caliper_px(peak, f), f.gap_mm * px_per_mm, 4.0);
  EXPECT_NEAR(caliper_px(relaxed, at_rest), at_rest.gap_mm * px_per_mm, 4.0);
  // The strain layer: at peak the muscle is tinted red (shortening); at rest it is not.
  const auto reddish = [&](const RgbImage& img) {
    int n = 0;
    for (int y = r.y0_px; y <= r.y1_px; ++y)
      for (int x = r.x0_px; x <= r.x1_px; ++x) {
        const Rgb p = img.at(x, y);
        n += p.r > p.g + 40 && p.r > p.b + 40;
      }
    return n;
  };
  EXPECT_GT(reddish(peak), 5 * reddish(relaxed) + 500) << "(at rest: the outline's magenta and a little noise)";
  EXPECT_GT(count_near(peak, {0, 0, 255}, 30, 0, 0, peak.width_px() - 1, peak.height_px() - 1), 20) << "the legend's blue end";
}

// Painting text needs Qt's fonts: without a QGuiApplication the painter says so, and a
// TextPainting makes one for as long as it is held.
TEST(OverlayPainter, TextNeedsAGuiApplicationWhichTextPaintingProvides) {
  RgbImage picture(120, 40);
  OverlayScene scene;
  scene.labels.push_back({"gap 4.0 mm", {4, 4}, overlay_colour::kCaliper});
  EXPECT_THROW(paint_overlay(picture, scene), Error);
  {
    const TextPainting fonts;
    paint_overlay(picture, scene);
  }
  EXPECT_GT(count_near(picture, overlay_colour::kCaliper, 60, 0, 0, 119, 39), 10);
}

}  // namespace ft
