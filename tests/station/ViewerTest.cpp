// The viewer under Xvfb: a sample clip opened, stepped, analysed (in the background, and
// cancelled), its findings panel, plots and overlay checked on the grabbed picture;
// calipers in mm; the live exam on the simulated probe finding the tear; a recording.
#include <gtest/gtest.h>

#include <QApplication>
#include <QChartView>
#include <QCheckBox>
#include <QMouseEvent>
#include <QPushButton>
#include <QWheelEvent>
#include <QImage>
#include <QValueAxis>
#include <cmath>
#include <QElapsedTimer>
#include <QLineSeries>
#include <QRegularExpression>
#include <QTest>
#include <filesystem>
#include <fstream>

#include "StationTestSupport.h"
#include "TestSupport.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/MeasurementReportWriter.h"
#include "ft/plugin/ReviewScene.h"
#include "ft/ui/ExamPlots.h"
#include "ft/ui/FindingsPanel.h"
#include "ft/ui/LivePanel.h"
#include "ft/ui/MsusWorkspace.h"
#include "ft/ui/ReviewPanel.h"

namespace ft {
namespace {
std::string sample(const std::string& name) { return test::sample_data_dir() + "/" + name; }
}  // namespace

// Without calibration or a depth scale the mm are estimates from the speckle: the gap plot
// shows px, and each gap value sits at its analysed frame's time in the clip (grabber repeats
// dropped from the analysis do not compress the curve).
TEST(ExamPlots, TheGapIsInMmOnlyWhenCalibratedAndAtEachAnalysedFramesTime) {
  DetectionResult r;
  r.calibrated = false;
  r.mm_per_px_x = r.mm_per_px_y = 0.2;
  TearFinding f;
  f.gap_by_frame_mm = {1.0, 2.0, 3.0};
  r.findings.push_back(f);
  const std::vector<double> times{0.0, 0.15, 0.30};  // every third clip frame analysed (50 ms each)
  ui::ExamPlots plots;
  plots.show_analysis(r, times, 0.05);
  EXPECT_EQ(plots.gap_unit().toStdString(), "gap (px, no calibration)");
  auto* series = plots.findChild<QChartView*>("gapPlot")->chart()->series().front();
  const QList<QPointF> points = static_cast<QLineSeries*>(series)->points();
  ASSERT_EQ(points.size(), 3);
  EXPECT_DOUBLE_EQ(points[2].x(), 0.30);
  EXPECT_DOUBLE_EQ(points[2].y(), 15.0) << "3 mm at 0.2 mm/px";
  r.calibrated = true;
  plots.show_analysis(r, times, 0.05);
  EXPECT_EQ(plots.gap_unit().toStdString(), "gap (mm)");
  EXPECT_DOUBLE_EQ(static_cast<QLineSeries*>(series)->points()[2].y(), 3.0);
}

namespace {
// 1, 2 or 5 times a power of ten (Qt's nice numbers).
bool nice(double step) {
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (std::abs(mantissa - m) < 1e-6) return true;
  return false;
}
}  // namespace

// Ticks a reader can read (strain rising to 0.49 % used to tick at 0.49/0.98 ...), units on every
// axis, and both plots saved: one PNG as shown, and their data as CSV with the gap's unit.
TEST(ExamPlots, TickAtNiceNumbersWithUnitsAndSaveAsPngAndCsv) {
  DetectionResult r;
  r.calibrated = true;
  r.mm_per_px_x = r.mm_per_px_y = 0.1;
  r.contraction.strain_by_frame = {0.0, -0.0012, -0.0049};
  TearFinding f;
  f.gap_by_frame_mm = {0.0, 1.3, 2.71};
  r.findings.push_back(f);
  ui::ExamPlots plots;
  plots.resize(500, 400);
  plots.show();
  plots.show_analysis(r, {0.0, 0.05, 0.1}, 0.05);
  for (const char* name : {"strainPlot", "gapPlot"}) {
    QChart* chart = plots.findChild<QChartView*>(name)->chart();
    for (QAbstractAxis* a : chart->axes()) {
      auto* axis = static_cast<QValueAxis*>(a);
      EXPECT_TRUE(axis->titleText().contains("(")) << name << ": no unit in " << axis->titleText().toStdString();
      const double step = (axis->max() - axis->min()) / (axis->tickCount() - 1);
      EXPECT_TRUE(nice(step)) << name << " " << axis->titleText().toStdString() << ": ticks every " << step;
      const double first = axis->min() / step;
      EXPECT_NEAR(first, std::round(first), 1e-6) << name << ": the first tick, " << axis->min() << ", is off the steps";
    }
  }
  test::TempDir dir;
  ASSERT_TRUE(plots.save_png(QString::fromStdString(dir.file("plots.png"))));
  const QImage png(QString::fromStdString(dir.file("plots.png")));
  EXPECT_EQ(png.width(), int(plots.width() * plots.devicePixelRatioF())) << "as shown, plus the notice below";
  EXPECT_GT(png.height(), int(plots.height() * plots.devicePixelRatioF()));
  ASSERT_TRUE(plots.save_csv(QString::fromStdString(dir.file("plots.csv"))));
  EXPECT_EQ(test::read_file(dir.file("plots.csv")),
            "# FibreTrack: decision support, not a certified medical device\n"
            "# an empty gap cell: no gap open at that time, or a frame where the gap could not be measured\n"
            "time_s,strain_pct,gap_mm\n0,0,\n0.05,-0.12,1.3\n0.1,-0.49,2.71\n");
  // The axes are the clip's own, whatever was shown before.
  const auto axes_of = [&] {
    std::vector<double> v;
    for (QAbstractAxis* a : plots.findChild<QChartView*>("strainPlot")->chart()->axes()) {
      auto* axis = static_cast<QValueAxis*>(a);
      v.insert(v.end(), {axis->min(), axis->max(), double(axis->tickCount())});
    }
    return v;
  };
  const std::vector<double> first = axes_of();
  for (double end_s : {0.7, 1.2, 3.3, 7.9, 13.0}) {
    DetectionResult other = r;
    other.contraction.strain_by_frame = {0.0, -0.03, -0.21 * end_s, -0.33, -0.07};
    plots.show_analysis(other, {0.0, 0.1 * end_s, 0.4 * end_s, 0.8 * end_s, end_s}, 0.05);
    plots.show_analysis(r, {0.0, 0.05, 0.1}, 0.05);
    EXPECT_EQ(axes_of(), first) << "after a clip of " << end_s << " s";
  }
}

// An intact clip has no gap curve: its plot says none opened ("none") (an empty plot read as "not
// analysed") and spans the clip's time like the strain plot above it (it spanned 0..1 s).
TEST(ExamPlots, AClipWithNoGapSaysSoOnTheClipsTime) {
  DetectionResult r;
  r.calibrated = true;
  r.contraction.strain_by_frame = {0.0, -0.02, -0.06, -0.01};
  ui::ExamPlots plots;
  plots.show_analysis(r, {0.0, 0.6, 1.2, 1.9}, 0.05);
  QChart* gap = plots.findChild<QChartView*>("gapPlot")->chart();
  QChart* strain = plots.findChild<QChartView*>("strainPlot")->chart();
  EXPECT_EQ(gap->title().toStdString(), "Gap along the fibres: none");
  const auto x_of = [](QChart* chart) { return static_cast<QValueAxis*>(chart->axes(Qt::Horizontal).front()); };
  EXPECT_EQ(x_of(gap)->max(), x_of(strain)->max());
  EXPECT_GE(x_of(gap)->max(), 1.9);
  const auto y_of = [](QChart* chart) { return static_cast<QValueAxis*>(chart->axes(Qt::Vertical).front()); };
  EXPECT_GE(y_of(gap)->min(), 0.0) << "no negative gaps on the axis";
  r.findings.push_back(TearFinding{});
  r.findings.back().gap_by_frame_mm = {0.0, 1.0, 2.0, 0.5};
  plots.show_analysis(r, {0.0, 0.6, 1.2, 1.9}, 0.05);
  EXPECT_EQ(gap->title().toStdString(), "Gap along the fibres");
  EXPECT_EQ(plots.gap_points(), 3) << "open at analysed frames 1 to 3";
  r.findings.back().gap_measured_by_frame = {1, 1, 0, 1};
  plots.show_analysis(r, {0.0, 0.6, 1.2, 1.9}, 0.05);
  EXPECT_EQ(plots.gap_points(), 2) << "frame 2's gap could not be read: left out, not drawn at its rest value";
  r.findings.back().gap_measured_by_frame.clear();
  plots.show_analysis(r, {0.0, 0.6, 1.2, 1.9}, 0.05);
  EXPECT_EQ(plots.gap_points(), 3) << "no flags: every frame measured";
  // The frame marker spans the axis after a refit (a compared clip widens the range).
  plots.set_cursor_s(1.2);
  DetectionResult wider = r;
  wider.findings.back().gap_by_frame_mm = {0.0, 3.0, 9.0, 1.0};
  plots.show_comparison(wider, {0.0, 0.6, 1.2, 1.9}, "this", "that");
  auto* marker = static_cast<QLineSeries*>(gap->series().back());
  ASSERT_EQ(marker->count(), 2);
  EXPECT_DOUBLE_EQ(marker->at(1).y(), y_of(gap)->max());
  EXPECT_GE(y_of(gap)->max(), 9.0);
  plots.clear();
  EXPECT_EQ(gap->title().toStdString(), "Gap along the fibres") << "nothing analysed: nothing to say";
}

// A comparison's data leave with both clips: the second's columns beside the first's, at its
// frames' places on the first's time, and a line that says which clip is which.
TEST(ExamPlots, AComparisonsCsvHoldsBothClipsNamed) {
  DetectionResult r;
  r.calibrated = true;
  r.mm_per_px_x = r.mm_per_px_y = 0.1;
  r.contraction.strain_by_frame = {0.0, -0.05};
  TearFinding f;
  f.gap_by_frame_mm = {0.0, 2.5};
  r.findings.push_back(f);
  DetectionResult other = r;
  other.contraction.strain_by_frame = {0.0, -0.02, -0.04};
  other.findings.clear();
  ui::ExamPlots plots;
  plots.show_analysis(r, {0.0, 0.1}, 0.05);
  plots.show_comparison(other, {0.0, 0.05, 0.1}, "left.dcm", "right.dcm");
  test::TempDir dir;
  ASSERT_TRUE(plots.save_csv(QString::fromStdString(dir.file("both.csv"))));
  EXPECT_EQ(test::read_file(dir.file("both.csv")),
            "# FibreTrack: decision support, not a certified medical device\n"
            "# an empty gap cell: no gap open at that time, or a frame where the gap could not be measured\n"
            "# time_s: left.dcm; other_*: right.dcm, its frames placed on that time by contraction phase (onset, peak, release)\n"
            "time_s,strain_pct,gap_mm,other_strain_pct,other_gap_mm\n"
            "0,0,,0,\n0.05,,,-2,\n0.1,-5,2.5,-4,\n");
  plots.show_analysis(r, {0.0, 0.1}, 0.05);  // the comparison gone: its columns too
  ASSERT_TRUE(plots.save_csv(QString::fromStdString(dir.file("one.csv"))));
  EXPECT_EQ(test::read_file(dir.file("one.csv")).find("other_"), std::string::npos);
}

TEST(ReviewPanel, OpensStepsAnalysesAndShowsFindingsPlotsAndOverlay) {
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host();
  ui::ReviewPanel review(host);
  review.resize(1200, 800);
  review.show();
  ASSERT_TRUE(review.open_clip(QString::fromStdString(sample("full_tear.dcm"))));
  EXPECT_EQ(review.frame_count(), 40);
  EXPECT_NEAR(recorded.duration_s, 2.0, 1e-6) << "40 frames at 50 ms on the shared timeline";
  review.step(3);
  EXPECT_EQ(review.frame(), 3);
  EXPECT_NEAR(recorded.cursor_s, 0.15, 1e-6);
  review.step(-10);
  EXPECT_EQ(review.frame(), 0) << "stepping stops at the first frame";

  review.start_analysis();
  EXPECT_TRUE(review.analysing()) << "the analysis runs off the GUI thread";
  ASSERT_TRUE(test::wait_until([&] { return !review.analysing() && review.analysis(); }, 180));
  EXPECT_TRUE(review.analysis()->detection.tear_detected);
  EXPECT_NE(review.findings()->toPlainText().indexOf("Fibre discontinuity found"), -1);
  EXPECT_GT(review.plots()->strain_points(), 10);
  EXPECT_GT(review.plots()->gap_points(), 10);
  ASSERT_EQ(recorded.marks.size(), 1u);
  EXPECT_NE(recorded.marks[0].label.find("tear opens"), std::string::npos);
  // One arrow scale for the clip, named on its toggle (the sample's motion needs less than the
  // most gain, so a toggle left at x4 would not pass).
  const double gain = clip_arrow_gain(*review.analysis());
  EXPECT_LT(gain, kMaxArrowGain);
  auto* vectors = review.findChild<QCheckBox*>("showVectors");
  ASSERT_NE(vectors, nullptr);
  EXPECT_EQ(vectors->text(), QString("Vectors \u00d7%1").arg(gain, 0, 'g', 2)) << vectors->text().toStdString();

  // The picture on the finding's frame: tear outline (red) and gap caliper (yellow).
  EXPECT_EQ(review.frame(), review.analysis()->detection.findings.front().frame);
  test::wait_until([] { return false; }, 0.3);  // lets the view paint before it is grabbed
  const QImage shown = review.image_view()->grabFramebuffer();
  const Rgb outline = overlay_colour::kOutline;
  EXPECT_GT(test::count_colour(shown, outline.r, outline.g, outline.b, 8), 30) << "tear outline";
  EXPECT_GT(test::count_colour(shown, 255, 220, 0, 8), 10) << "gap caliper";

  // Tracks, on request: pale blue lines where the tissue under the arrows came from.
  auto* tracks = review.findChild<QCheckBox*>("showTracks");
  ASSERT_NE(tracks, nullptr);
  EXPECT_TRUE(tracks->isEnabled());
  tracks->setChecked(true);
  test::wait_until([] { return false; }, 0.3);
  const Rgb track = overlay_colour::kTrack;
  EXPECT_GT(test::count_colour(review.image_view()->grabFramebuffer(), track.r, track.g, track.b, 30), 20) << "tracks drawn";
  tracks->setChecked(false);

  // Zoomed in, the "Whole image" button shows the whole image again.
  review.image_view()->zoom_by(3.0, QPointF(100, 100));
  auto* whole = review.findChild<QPushButton*>("wholeImage");
  ASSERT_NE(whole, nullptr);
  whole->click();
  EXPECT_NEAR(review.image_view()->zoom(), 1.0, 1e-9);

  // A caliper over 100 px of a calibrated clip reads in mm.
  review.add_caliper(100, 120, 200, 120);
  const dicom::DicomClipInfo info = dicom::read_clip_info(sample("full_tear.dcm"));
  const double expected_mm = 100 * info.analysis_region().mm_per_px_x;
  EXPECT_EQ(review.calipers().back().label, QString("%1 mm").arg(expected_mm, 0, 'f', 1).toStdString());
}

// Exported next to the clip, the report comes back with the clip: its findings are shown
// over the frames without analysing again.
TEST(ReviewPanel, AStoredReportIsShownWhenTheClipIsOpenedAgain) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("exam"));
  std::filesystem::copy_file(sample("full_tear.dcm"), dir.file("exam/clip.dcm"));
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host();
  TearFinding analysed;
  {
    ui::ReviewPanel review(host);
    ASSERT_TRUE(review.open_clip(QString::fromStdString(dir.file("exam/clip.dcm"))));
    EXPECT_FALSE(review.stored_result()) << "nothing stored yet";
    review.start_analysis();
    ASSERT_TRUE(test::wait_until([&] { return !review.analysing(); }, 180));
    ASSERT_TRUE(review.analysis() && review.analysis()->detection.tear_detected);
    analysed = review.analysis()->detection.findings.front();
    EXPECT_EQ(review.export_objects(QString::fromStdString(dir.file("exam/reports"))).size(), 3u);
  }
  ui::ReviewPanel again(host);
  again.resize(1000, 700);
  again.show();
  ASSERT_TRUE(again.open_clip(QString::fromStdString(dir.file("exam/clip.dcm"))));
  ASSERT_TRUE(again.stored_result());
  ASSERT_EQ(again.stored_result()->findings.size(), 1u);
  const TearFinding& stored = again.stored_result()->findings.front();
  EXPECT_EQ(stored.frame, analysed.frame);
  EXPECT_NEAR(stored.gap_mm, analysed.gap_mm, 0.01);
  EXPECT_NEAR(stored.centre_col_px, analysed.centre_col_px, 0.5);
  EXPECT_EQ(stored.grade, analysed.grade);
  EXPECT_EQ(again.frame(), analysed.frame);
  EXPECT_NE(again.findings()->toPlainText().indexOf("stored measurement report"), -1);
  test::wait_until([] { return false; }, 0.3);
  EXPECT_GT(test::count_colour(again.image_view()->grabFramebuffer(), 255, 220, 0, 8), 10) << "caliper from the report";
  EXPECT_NEAR(stored.centre_x_mm, analysed.centre_x_mm, 0.05) << "placed in mm on the clip's region, as analysed";
  EXPECT_NEAR(stored.centre_z_mm, analysed.centre_z_mm, 0.05);
}

// A report with no finding but a layer for review: the clip opens on the layer's frame, the
// layer is ringed there in orange, listed as no finding at its place in mm, and marked on the
// timeline as such.
TEST(ReviewPanel, AStoredLayerForReviewIsShownOnItsFrameAsNoFinding) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("exam/reports"));
  std::filesystem::copy_file(sample("full_tear.dcm"), dir.file("exam/clip.dcm"));
  const UltrasoundRegion region = dicom::read_clip_info(dir.file("exam/clip.dcm")).analysis_region();
  DetectionResult result;
  result.conclusive = true;  // a "no tear" that rests on enough
  TearFinding layer;
  layer.frame = 5;
  layer.centre_col_px = 0.5 * (region.bounds.x0_px + region.bounds.x1_px);
  layer.centre_row_px = 0.5 * (region.bounds.y0_px + region.bounds.y1_px);
  result.for_review.push_back(layer);
  dicom::write_measurement_report(dir.file("exam/clip.dcm"), result, dir.file("exam/reports/sr.dcm"));
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host();
  ui::ReviewPanel review(host);
  review.resize(1000, 700);
  review.show();
  ASSERT_TRUE(review.open_clip(QString::fromStdString(dir.file("exam/clip.dcm"))));
  ASSERT_TRUE(review.stored_result());
  ASSERT_EQ(review.stored_result()->for_review.size(), 1u);
  EXPECT_TRUE(review.stored_result()->findings.empty());
  EXPECT_EQ(review.frame(), 5) << "opened where to look";
  char mm[64];
  std::snprintf(mm, sizeof mm, "(%.1f, %.1f) mm (frame 6", (layer.centre_col_px - region.bounds.x0_px) * region.mm_per_px_x,
                (layer.centre_row_px - region.bounds.y0_px) * region.mm_per_px_y);
  const QString text = review.findings()->toPlainText();
  EXPECT_TRUE(text.startsWith("No tear found")) << text.toStdString();
  EXPECT_NE(text.indexOf(QString("For review, not a finding: a faint dark layer on an aponeurosis at ") + mm), -1)
      << text.toStdString();
  ASSERT_EQ(recorded.marks.size(), 1u);
  EXPECT_NE(recorded.marks[0].label.find("not a finding"), std::string::npos);
  test::wait_until([] { return false; }, 0.3);
  EXPECT_GT(test::count_colour(review.image_view()->grabFramebuffer(), 255, 140, 0, 8), 10) << "the orange ring";
}

// Without our report, the presentation state's graphics are shown on their frame.
TEST(ReviewPanel, APresentationStateIsShownWhenThereIsNoReport) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("exam"));
  std::filesystem::copy_file(sample("full_tear.dcm"), dir.file("exam/clip.dcm"));
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host();
  int finding_frame = -1;
  {
    ui::ReviewPanel review(host);
    ASSERT_TRUE(review.open_clip(QString::fromStdString(dir.file("exam/clip.dcm"))));
    review.start_analysis();
    ASSERT_TRUE(test::wait_until([&] { return !review.analysing(); }, 180));
    ASSERT_TRUE(review.analysis() && review.analysis()->detection.tear_detected);
    finding_frame = review.analysis()->detection.findings.front().frame;
    for (const std::string& f : review.export_objects(QString::fromStdString(dir.file("exam/objects"))))
      if (f.find("_report_sr") != std::string::npos || f.find("_burned_in") != std::string::npos) std::filesystem::remove(f);
  }
  ui::ReviewPanel again(host);
  again.resize(1000, 700);
  again.show();
  ASSERT_TRUE(again.open_clip(QString::fromStdString(dir.file("exam/clip.dcm"))));
  EXPECT_FALSE(again.stored_result());
  EXPECT_GE(again.presentation_annotations(), 3) << "outline, caliper, label (and the notice)";
  EXPECT_EQ(again.frame(), finding_frame);
  test::wait_until([] { return false; }, 0.3);
  EXPECT_GT(test::count_colour(again.image_view()->grabFramebuffer(), 80, 200, 255, 8), 20) << "the presentation state's graphics";
}

TEST(ReviewPanel, ACancelledAnalysisLeavesNoFindingsAndSaysSo) {
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host();
  ui::ReviewPanel review(host);
  ASSERT_TRUE(review.open_clip(QString::fromStdString(sample("intact.dcm"))));
  review.start_analysis();
  review.cancel_analysis();
  ASSERT_TRUE(test::wait_until([&] { return !review.analysing(); }, 60));
  EXPECT_FALSE(review.analysis());
  EXPECT_NE(review.findings()->toPlainText().indexOf("cancelled"), -1) << review.findings()->toPlainText().toStdString();
}

TEST(ReviewPanel, AFileThatIsNotDicomIsRefusedClearly) {
  test::TempDir dir;
  std::ofstream(dir.file("notes.dcm")) << "not DICOM";
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host();
  ui::ReviewPanel review(host);
  EXPECT_FALSE(review.open_clip(QString::fromStdString(dir.file("notes.dcm"))));
  EXPECT_NE(review.findings()->toPlainText().indexOf("Cannot open"), -1);
}

TEST(ImageView, ClicksAreReportedInFramePixels) {
  ui::ImageView view;
  view.resize(400, 200);
  view.show();
  RgbImage image(200, 100);
  view.set_image(image);
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
  double x = -1, y = -1;
  QObject::connect(&view, &ui::ImageView::clicked, [&](double cx, double cy) { x = cx, y = cy; });
  // The image is centred in its own viewport, the view's left 80 % (the legend's is the rest).
  const QPointF centre = view.widget_at(99.5, 49.5);
  EXPECT_NEAR(centre.x(), 0.4 * view.width(), 2.0);
  EXPECT_NEAR(centre.y(), 0.5 * view.height(), 2.0);
  QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(int(0.4 * view.width()), view.height() / 2));
  EXPECT_NEAR(x, 99.5, 2.0);
  EXPECT_NEAR(y, 49.5, 2.0);
  // Zoomed in, the picture runs on under the legend's viewport: a click there is not on it.
  view.zoom_by(4.0, QPointF(0.4 * view.width(), view.height() / 2));
  x = y = -1;
  QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(int(0.9 * view.width()), view.height() / 2));
  EXPECT_EQ(x, -1) << "a click over the legend placed a point nobody sees";
}

// Zoom about the cursor, pan with the pointer, back to the whole image: clicks (calipers) still
// land on the frame pixel under the pointer, as the overlays drawn into the picture do.
TEST(ImageView, ZoomsAboutTheCursorPansAndResets) {
  ui::ImageView view;
  view.resize(400, 300);
  view.show();
  view.set_image(RgbImage(200, 150));
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
  double x = -1, y = -1;
  QObject::connect(&view, &ui::ImageView::clicked, [&](double cx, double cy) { x = cx, y = cy; });
  const auto pixel_at = [&](QPoint at) {
    x = y = -1;
    QTest::mouseClick(&view, Qt::LeftButton, {}, at);
    return QPointF(x, y);
  };
  const QPoint centre(200, 150), right_of_centre(260, 150);
  const QPointF c0 = pixel_at(centre), r0 = pixel_at(right_of_centre);
  view.zoom_by(2.0, centre);
  EXPECT_NEAR(view.zoom(), 2.0, 1e-9);
  const QPointF c1 = pixel_at(centre), r1 = pixel_at(right_of_centre);
  EXPECT_NEAR(c1.x(), c0.x(), 0.5) << "the point under the cursor stays";
  EXPECT_NEAR(r1.x() - c1.x(), (r0.x() - c0.x()) / 2, 0.5) << "twice the magnification";
  // The wheel, one notch up, over another point: a fifth more, about that point.
  QWheelEvent notch(QPointF(right_of_centre), view.mapToGlobal(QPointF(right_of_centre)), QPoint(), QPoint(0, 120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(&view, &notch);
  EXPECT_NEAR(view.zoom(), 2.4, 1e-9);
  EXPECT_NEAR(pixel_at(right_of_centre).x(), r1.x(), 0.5) << "zoomed about another point";
  const QPointF before_pan = pixel_at(centre);
  QTest::mousePress(&view, Qt::RightButton, {}, centre);
  QMouseEvent drag(QEvent::MouseMove, QPointF(centre + QPoint(60, 0)), view.mapToGlobal(QPointF(centre + QPoint(60, 0))),
                   Qt::NoButton, Qt::RightButton, Qt::NoModifier);
  QApplication::sendEvent(&view, &drag);
  QTest::mouseRelease(&view, Qt::RightButton, {}, centre + QPoint(60, 0));
  EXPECT_NEAR(pixel_at(centre + QPoint(60, 0)).x(), before_pan.x(), 0.5) << "the picture moved with the pointer";
  view.setFocus();
  QTest::keyClick(&view, Qt::Key_Home);  // back to the whole image
  EXPECT_NEAR(view.zoom(), 1.0, 1e-9);
  EXPECT_NEAR(pixel_at(centre).x(), c0.x(), 0.5);
  EXPECT_NEAR(pixel_at(right_of_centre).x(), r0.x(), 0.5);
}

// A new window's first evaluations can read a tear found a moment ago as weaker or not at all:
// the panel says what the frames now show, and what the session found more strongly.
TEST(FindingsPanel, ASessionsStrongerFindingStaysShownBesideTheWindowsReading) {
  DetectionResult now;
  now.conclusive = true;
  now.calibrated = true;
  now.mm_per_px_x = now.mm_per_px_y = 0.1;
  TearFinding earlier;
  earlier.grade = TearGrade::CompleteWithRetraction;
  earlier.confidence = 0.93;
  earlier.frame = 95;
  earlier.gap_mm = 4.8;
  ui::FindingsPanel panel;
  panel.show_result(now, 0.0, {earlier});
  const QString text = panel.toPlainText();
  EXPECT_TRUE(text.startsWith("Fibre discontinuity found earlier in this session")) << text.toStdString();
  EXPECT_NE(text.indexOf("Earlier in this session"), -1);
  EXPECT_NE(text.indexOf("complete tear with retraction"), -1) << text.toStdString();
  EXPECT_NE(text.indexOf("frame 96"), -1) << "numbered from 1, as the frame counter and DICOM are";
  panel.show_result(now, 0.0);
  EXPECT_TRUE(panel.toPlainText().startsWith("No tear found")) << "nothing earlier: nothing said";
}

// A layer named for review is listed apart from the findings, saying it is none, where and when
// it is (frame from 1, and the time), and that it is ringed on the image; the headline stays.
TEST(FindingsPanel, ALayerForReviewIsListedApartAsNoFinding) {
  DetectionResult r;
  r.conclusive = true;
  r.calibrated = true;
  r.mm_per_px_x = r.mm_per_px_y = 0.1;
  TearFinding layer;
  layer.frame = 40;
  layer.centre_x_mm = 21.5;
  layer.centre_z_mm = 30.0;
  r.for_review.push_back(layer);
  ui::FindingsPanel panel;
  panel.show_result(r, 0.05);
  const QString text = panel.toPlainText();
  EXPECT_TRUE(text.startsWith("No tear found")) << text.toStdString();
  EXPECT_NE(text.indexOf("For review, not a finding: a faint dark layer on an aponeurosis at (21.5, 30.0) mm (frame 41, "
                         "2.00 s). Look at the image there."),
            -1)
      << text.toStdString();
  EXPECT_NE(text.indexOf("Why only for review"), -1);
  note_layers_for_review(r);  // its note is not said a second time
  panel.show_result(r, 0.05);
  EXPECT_EQ(panel.toPlainText().indexOf("for review, not a finding: a dark layer"), -1) << panel.toPlainText().toStdString();
}

// A "no tear" that rests on too little is headed as inconclusive, with why: a reader who skims the
// heading must not take 2 % of the muscle tracked for a clean muscle.
TEST(FindingsPanel, AnInconclusiveResultIsNotHeadedNoTear) {
  DetectionResult r;
  r.tracked_fraction = 0.02;
  r.inconclusive_reason = "too little tissue tracked to rule a tear out";
  ui::FindingsPanel panel;
  panel.show_result(r, 0.05);
  const QString text = panel.toPlainText();
  EXPECT_TRUE(text.startsWith("Inconclusive: a tear cannot be ruled out")) << text.toStdString();
  EXPECT_NE(text.indexOf("too little tissue tracked to rule a tear out"), -1) << text.toStdString();
  EXPECT_EQ(text.indexOf("No tear found"), -1) << text.toStdString();
}

TEST(LivePanel, TheSimulatedProbeShowsTheExamAndTheTearIsFound) {
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host();
  ui::LivePanel live(host);
  live.resize(1200, 800);
  live.show();
  live.set_source("sim:full_tear");
  ASSERT_TRUE(live.start());
  EXPECT_TRUE(live.connecting() || live.running());
  ASSERT_TRUE(test::wait_until([&] { return live.latest().tear_detected && live.frames_shown() > 20; }, 120))
      << live.counters_text().toStdString();
  EXPECT_NE(live.findings()->toPlainText().indexOf("Fibre discontinuity found"), -1);
  EXPECT_FALSE(live.session().strongest().empty()) << "the session keeps what was found";
  EXPECT_FALSE(live.findChild<QCheckBox*>("showTracks")->isEnabled()) << "live has no motion history to draw tracks from";
  EXPECT_NE(live.counters_text().indexOf("fps in"), -1);
  const QImage shown = live.image_view()->grabFramebuffer();
  EXPECT_GT(test::count_colour(shown, 255, 220, 0, 8), 10) << "gap caliper drawn live";
  // Between evaluations the tear found is read on each frame shown (its gap now).
  EXPECT_TRUE(test::wait_until([&] { return live.gap_now_text().startsWith("Now, frame"); }, 60))
      << live.counters_text().toStdString();
  EXPECT_NE(live.gap_now_text().indexOf(QRegularExpression("gap \\d+\\.\\d mm")), -1) << live.gap_now_text().toStdString();
  live.toggle_freeze();
  const long frozen_at = live.frames_shown();
  test::wait_until([] { return false; }, 0.5);
  EXPECT_EQ(live.frames_shown(), frozen_at) << "frozen: the picture stays";
  live.stop();
  EXPECT_FALSE(live.running());
}

// A PLUS server that is not there: the GUI does not wait for it, and says so.
TEST(LivePanel, ASourceThatIsNotThereDoesNotFreezeTheViewAndSaysWhy) {
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host();
  ui::LivePanel live(host);
  live.set_source(QString("igtl://127.0.0.1:%1?timeout=2").arg(test::free_loopback_port()));
  QElapsedTimer timer;
  timer.start();
  ASSERT_TRUE(live.start());
  EXPECT_LT(timer.elapsed(), 500) << "connecting happens in the background";
  ASSERT_TRUE(test::wait_until([&] { return !live.connecting(); }, 30));
  EXPECT_FALSE(live.running());
  EXPECT_NE(live.findings()->toPlainText().indexOf("Cannot start"), -1) << live.findings()->toPlainText().toStdString();
}

TEST(LivePanel, ARecordingBecomesAClipThatOpensInReview) {
  test::TempDir dir;
  setenv("FIBRETRACK_CONFIG_DIR", dir.path().c_str(), 1);
  test::RecordingHost recorded;
  ui::MsusWorkspace workspace(recorded.host());
  workspace.live()->set_source("sim:intact?fps=20");
  workspace.live()->toggle_record();
  ASSERT_TRUE(test::wait_until([&] { return workspace.live()->running(); }, 30)) << "connected in the background";
  // Waits on the operator's "recorded N" counter, not on a clock: the simulated probe renders in
  // software and a loaded 2-core CI box gave 7 frames in 4 s.
  const auto recorded_so_far = [&] {
    const QRegularExpressionMatch m = QRegularExpression("recorded (\\d+)").match(workspace.live()->counters_text());
    return m.hasMatch() ? m.captured(1).toInt() : 0;
  };
  ASSERT_TRUE(test::wait_until([&] { return recorded_so_far() > 12; }, 90)) << workspace.live()->counters_text().toStdString();
  workspace.live()->toggle_record();
  EXPECT_FALSE(workspace.live()->running());
  ASSERT_TRUE(test::wait_until([&] { return !workspace.live()->last_recording().isEmpty(); }, 60)) << "written in the background";
  const std::string clip = workspace.live()->last_recording().toStdString();
  ASSERT_FALSE(clip.empty()) << (recorded.log.empty() ? "" : recorded.log.back());
  EXPECT_GT(dicom::read_clip_info(clip).frames, 10);
  EXPECT_EQ(workspace.review()->clip_path().toStdString(), clip) << "opened for review";
  unsetenv("FIBRETRACK_CONFIG_DIR");
}

}  // namespace ft
