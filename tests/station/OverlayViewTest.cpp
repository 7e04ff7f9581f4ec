// The overlays as drawn on screen (VTK props in the image view, under Xvfb), read back from
// the grabbed framebuffer: colour only on the muscle inside the image region, the legend
// beside the image, arrows that never leave the image, labels drawn, readable and apart.
#include <gtest/gtest.h>

#include <QImage>
#include <QTest>
#include <algorithm>
#include <cmath>

#include "OverlayFixtures.h"
#include "StationTestSupport.h"
#include "ft/plugin/MuscleStrain.h"
#include "ft/plugin/OverlayPainter.h"
#include "ft/ui/ImageView.h"

namespace ft {
namespace {

// A black 200 x 160 frame (OverlayFixtures) in a 500 x 400 view.
struct ShownView {
  ui::ImageView view;
  ShownView() {
    view.resize(500, 400);
    view.show();
    view.set_image(RgbImage(200, 160));
  }
  QImage picture(const OverlayScene& scene) {
    view.set_overlay(scene);
    EXPECT_TRUE(QTest::qWaitForWindowExposed(&view));
    view.repaint();
    test::wait_until([] { return false; }, 0.2);  // lets the view paint before it is grabbed
    return view.grabFramebuffer();
  }
  // A frame rectangle in widget px, with `slack_px` around it.
  QRectF on_screen(const PixelRect& r, double slack_px) const {
    const QPointF a = view.widget_at(r.x0_px - 0.5, r.y0_px - 0.5), b = view.widget_at(r.x1_px + 0.5, r.y1_px + 0.5);
    return QRectF(a, b).normalized().adjusted(-slack_px, -slack_px, slack_px, slack_px);
  }
};

// Anything drawn over the black frame (white included).
bool drawn(QRgb p) { return std::max({qRed(p), qGreen(p), qBlue(p)}) > 24; }

}  // namespace

// The strain layer over a muscle band (rows 50..110 at rest) of tissue that moved 10 px down:
// nothing is drawn outside rows 60..120 of the region (the grid covers the whole frame), the
// layer is there, and both colours of the legend beside the image.
TEST(OverlayView, TheStrainLayerIsOnTheMuscleInsideTheRegionOnlyAndTheLegendIsShown) {
  ShownView shown;
  const UltrasoundRegion region = test::inset_region();
  const DisplacementField field = test::whole_frame_field(0, 10);
  std::vector<float> strain = fibre_strain_in(field, 0.1, 0.1, Muscle{{{50.0, 110.0, 0.0}}, {}});
  for (int r = 0; r < field.rows; ++r)
    for (int c = 0; c < field.columns; ++c)
      if (std::isfinite(strain[field.index(c, r)])) strain[field.index(c, r)] = c < field.columns / 2 ? -0.1f : 0.1f;
  OverlayLayers layers;
  layers.vectors = false;
  const QImage picture = shown.picture(compose_overlay(region, field, strain, {}, layers));
  const QRectF legend = shown.view.legend_rect();
  ASSERT_FALSE(legend.isEmpty());
  PixelRect muscle_now = region.bounds;
  muscle_now.y0_px = 60, muscle_now.y1_px = 120;
  const QRectF allowed = shown.on_screen(muscle_now, 1.0), frame = shown.on_screen(PixelRect{0, 0, 199, 159}, 0);
  int inside = 0, outside = 0, legend_red = 0, legend_blue = 0;
  for (int y = 0; y < picture.height(); ++y)
    for (int x = 0; x < picture.width(); ++x) {
      const QRgb p = picture.pixel(x, y);
      if (legend.contains(x, y)) {
        legend_red += qRed(p) > 200 && qBlue(p) < 120;
        legend_blue += qBlue(p) > 200 && qRed(p) < 120;
      } else if (frame.contains(x, y) && drawn(p)) {
        (allowed.contains(x, y) ? inside : outside) += 1;
      }
    }
  EXPECT_GT(inside, 0.5 * allowed.width() * allowed.height()) << "the layer is drawn";
  EXPECT_EQ(outside, 0) << "drawn outside the muscle or the image region";
  EXPECT_GT(legend_red, 20);
  EXPECT_GT(legend_blue, 20);
  EXPECT_GE(legend.left(), frame.right() - 1) << "the legend is beside the image";
  // Zoomed in, the image fills its own viewport and stops at the legend's: a white picture
  // shows nowhere right of the viewport's edge (the legend used to be drawn over the image).
  RgbImage white(200, 160);
  for (int y = 0; y < 160; ++y)
    for (int x = 0; x < 200; ++x) white.set(x, y, {255, 255, 255});
  shown.view.set_image(white);
  shown.view.zoom_by(3.0, QPointF(250, 200));
  const QImage zoomed = shown.picture(compose_overlay(region, field, strain, {}, layers));
  const int edge = int(std::ceil(0.8 * shown.view.width() * zoomed.devicePixelRatio())) + 1;
  int white_beside = 0, white_left = 0;
  for (int y = 0; y < zoomed.height(); ++y) {
    for (int x = edge; x < int(legend.left() * zoomed.devicePixelRatio()) - 1; ++x) white_beside += qRed(zoomed.pixel(x, y)) > 240 && qBlue(zoomed.pixel(x, y)) > 240;
    white_left += qRed(zoomed.pixel(edge - 4, y)) > 240;
  }
  EXPECT_EQ(white_beside, 0) << "the image drawn under the legend";
  EXPECT_GT(white_left, 20) << "the image reaches its viewport's edge (where the strain layer leaves it white)";
}

// Tissue moving out of the image (32 px arrows to the right, 12 down: some would end past the region): no arrow pixel falls
// outside the image region, yet arrows are drawn.
TEST(OverlayView, NoVectorPixelFallsOutsideTheImageRegion) {
  ShownView shown;
  const UltrasoundRegion region = test::inset_region();
  OverlayLayers layers;
  layers.strain = false;
  const QImage picture = shown.picture(compose_overlay(region, test::whole_frame_field(8, 3), {}, {}, layers));
  const QRectF allowed = shown.on_screen(region.bounds, 0.5), frame = shown.on_screen(PixelRect{0, 0, 199, 159}, 0);
  int inside = 0, outside = 0;
  for (int y = 0; y < picture.height(); ++y)
    for (int x = 0; x < picture.width(); ++x) {
      if (!frame.contains(x, y) || !drawn(picture.pixel(x, y))) continue;
      (allowed.contains(x, y) ? inside : outside) += 1;
    }
  EXPECT_GT(inside, 50);
  EXPECT_EQ(outside, 0);
  EXPECT_TRUE(shown.view.legend_rect().isEmpty()) << "no strain, no legend";
}

// Three calipers measured side by side: each label's text is drawn (its colour inside its
// box), at a readable size, and no box covers another, also once the view is zoomed out.
TEST(OverlayView, CaliperLabelsAreDrawnReadableAndDoNotCoverEachOther) {
  ShownView shown;
  OverlayLayers layers;
  layers.calipers.push_back({60, 60, 120, 60, "6.0 mm"});
  layers.calipers.push_back({62, 64, 121, 64, "5.9 mm"});
  layers.calipers.push_back({58, 58, 119, 66, "6.1 mm"});
  const UltrasoundRegion region = test::inset_region();
  for (double zoom : {1.0, 0.5}) {
    shown.view.zoom_by(zoom, QPointF(250, 200));
    const QImage picture = shown.picture(compose_overlay(region, {}, {}, {}, layers));
    const std::vector<QRectF> labels = shown.view.label_rects();
    ASSERT_EQ(labels.size(), 3u);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      EXPECT_GE(labels[i].height(), 10.0) << "readable";
      EXPECT_GE(labels[i].width(), 25.0);
      EXPECT_GT(test::count_colour(picture.copy(labels[i].toAlignedRect()), 255, 220, 0, 60), 8) << "text in label " << i;
      for (std::size_t j = i + 1; j < labels.size(); ++j) EXPECT_FALSE(labels[i].intersects(labels[j])) << i << " covers " << j;
    }
  }
}

// A label beside a caliper at the image region's bottom-right corner stays inside the region
// (outside it are the scanner's text and depth scale); zoomed in on another part of the image,
// a label whose caliper is out of view is hidden rather than pinned to the view's edge.
TEST(OverlayView, LabelsStayInsideTheImageRegionAndHideWhenTheirPlaceIsOutOfView) {
  ShownView shown;
  OverlayLayers layers;
  layers.calipers.push_back({140, 125, 156, 127, "1.6 mm"});  // its label wants (160, 123): past the region
  layers.calipers.push_back({142, 121, 155, 123, "1.3 mm"});
  const UltrasoundRegion region = test::inset_region();
  shown.picture(compose_overlay(region, {}, {}, {}, layers));
  const QRectF inside = shown.on_screen(region.bounds, 1.0);
  const std::vector<QRectF> labels = shown.view.label_rects();
  ASSERT_EQ(labels.size(), 2u);
  for (const QRectF& l : labels) EXPECT_TRUE(inside.contains(l)) << l.x() << "," << l.y() << " " << l.width() << "x" << l.height();
  EXPECT_FALSE(labels[0].intersects(labels[1]));
  shown.view.zoom_by(4.0, shown.view.widget_at(50, 40));
  shown.picture(compose_overlay(region, {}, {}, {}, layers));
  EXPECT_TRUE(shown.view.label_rects().empty()) << "the calipers are out of view";
}

// A burned-in capture (QPainter, frame px) and the screen (VTK, magnified) draw the same scene:
// a finding's outline and gap caliper and a measured caliper land on the same frame pixels, to
// within a pixel. (Text is drawn by two rasterisers, so the labels are left out here; where
// they go is place_labels' rule in both.)
TEST(OverlayView, ABurnedInCaptureMatchesTheScreen) {
  ShownView shown;
  const UltrasoundRegion region = test::inset_region();
  OverlayLayers layers;
  layers.calipers.push_back({50, 120, 150, 110, ""});
  TearFinding f;
  f.centre_col_px = 100;
  f.centre_row_px = 70;
  f.gap_mm = 3.0;
  f.muscle_thickness_mm = 4.0;
  f.extent_pct = 100;
  OverlayScene scene = compose_overlay(region, {}, {}, {f}, layers);
  scene.labels.clear();
  ASSERT_GE(scene.lines.size(), 5u);
  const QImage screen = shown.picture(scene);
  RgbImage capture(200, 160);
  paint_overlay(capture, scene);
  const auto screen_drawn = [&](int x, int y) {
    const QPoint at = shown.view.widget_at(x, y).toPoint();
    return screen.rect().contains(at) && drawn(screen.pixel(at));
  };
  const auto capture_drawn = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= capture.width_px() || y >= capture.height_px()) return false;
    const Rgb p = capture.at(x, y);
    return std::max({p.r, p.g, p.b}) > 24;
  };
  const auto near = [](auto&& drawn_at, int x, int y) {
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx)
        if (drawn_at(x + dx, y + dy)) return true;
    return false;
  };
  int in_capture = 0, also_on_screen = 0, on_screen = 0, also_in_capture = 0;
  for (int y = 0; y < 160; ++y)
    for (int x = 0; x < 200; ++x) {
      if (capture_drawn(x, y)) ++in_capture, also_on_screen += near(screen_drawn, x, y);
      if (screen_drawn(x, y)) ++on_screen, also_in_capture += near(capture_drawn, x, y);
    }
  ASSERT_GT(in_capture, 150);
  ASSERT_GT(on_screen, 150);
  EXPECT_GE(also_on_screen, 0.95 * in_capture) << "capture pixels the screen does not draw";
  EXPECT_GE(also_in_capture, 0.95 * on_screen) << "screen pixels the capture does not draw";
}

// The colour layers and arrows too: the same strain scene on screen (VTK, interpolated) and in
// a capture (QPainter, subdivided cells in flat colours) gives the same colour at the same frame
// pixels, within a few grey levels, and the arrows land on the same pixels.
TEST(OverlayView, ABurnedInCapturesStrainLayerAndArrowsMatchTheScreen) {
  ShownView shown;
  const UltrasoundRegion region = test::inset_region();
  DisplacementField f = test::whole_frame_field(6.0f, 2.0f);
  Muscle muscle;
  muscle.bands.push_back({45.0, 115.0, 0.0});
  // Shortening that grows across the frame (dx = -0.0004 x^2: strain -0.0008 x, -3 % to -13 %
  // over the region), so that the colour varies from cell to cell.
  DisplacementField shown_field = f;
  for (int r = 0; r < f.rows; ++r)
    for (int c = 0; c < f.columns; ++c) shown_field.dx_px[f.index(c, r)] = float(-0.0004 * f.x_px(c) * f.x_px(c));
  const std::vector<float> strain = fibre_strain_in(shown_field, 0.1, 0.1, muscle);
  OverlayScene scene = compose_overlay(region, shown_field, strain, {}, OverlayLayers{});
  scene.legend_range_pct = 0;  // the two legends are laid out differently (view margin / beside the region)
  ASSERT_FALSE(scene.strain.empty());
  ASSERT_FALSE(scene.arrows.empty());
  const QImage screen = shown.picture(scene);
  RgbImage capture(200, 160);
  paint_overlay(capture, scene);
  // Strain colour: at points well inside the layer, away from the arrows (their anti-aliased
  // edges too: nothing arrow-like within a pixel in the capture).
  const Rgb v = overlay_colour::kVector;
  const auto arrow = [&](int r, int g, int b) { return std::abs(r - v.r) + std::abs(g - v.g) + std::abs(b - v.b) < 300 && g > r + 60; };
  const auto near_arrow = [&](int x, int y) {
    for (int dy = -2; dy <= 2; ++dy)
      for (int dx = -2; dx <= 2; ++dx) {
        const Rgb c = capture.at(x + dx, y + dy);
        if (arrow(c.r, c.g, c.b)) return true;
      }
    return false;
  };
  int compared = 0, alike = 0;
  for (int y = 60; y <= 110; y += 7)
    for (int x = 50; x <= 150; x += 9) {
      const QRgb s = screen.pixel(shown.view.widget_at(x, y).toPoint());
      const Rgb c = capture.at(x, y);
      if (near_arrow(x, y) || arrow(qRed(s), qGreen(s), qBlue(s))) continue;
      ++compared;
      alike += std::abs(qRed(s) - c.r) <= 12 && std::abs(qGreen(s) - c.g) <= 12 && std::abs(qBlue(s) - c.b) <= 12;
    }
  ASSERT_GT(compared, 40);
  EXPECT_GE(alike, 0.9 * compared) << "strain colours that differ between screen and capture";
  // Arrows: the capture's arrow pixels are arrow pixels on screen too, within a pixel.
  int arrow_px = 0, also_on_screen = 0;
  for (int y = 0; y < 160; ++y)
    for (int x = 0; x < 200; ++x) {
      const Rgb c = capture.at(x, y);
      if (!(c.r < 60 && c.g > 200 && c.b > 110 && c.b < 210)) continue;  // kVector, over the layer
      ++arrow_px;
      bool found = false;
      for (int dy = -1; dy <= 1 && !found; ++dy)
        for (int dx = -1; dx <= 1 && !found; ++dx) {
          const QRgb s = screen.pixel(shown.view.widget_at(x + dx, y + dy).toPoint());
          found = qRed(s) < 90 && qGreen(s) > 180 && qBlue(s) > 90;
        }
      also_on_screen += found;
    }
  ASSERT_GT(arrow_px, 30);
  EXPECT_GE(also_on_screen, 0.9 * arrow_px);
}

}  // namespace ft
