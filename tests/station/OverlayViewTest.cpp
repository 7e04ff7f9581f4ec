// The overlays as drawn on screen (VTK props in the image view, under Xvfb), read back from
// the grabbed framebuffer: colour only inside the muscle and the image region, the legend
// beside the image, arrows that never leave the image, labels that do not cover each other.
#include <gtest/gtest.h>

#include <QImage>
#include <QTest>
#include <algorithm>

#include "StationTestSupport.h"
#include "ft/ui/ImageView.h"

namespace ft {
namespace {

// A black 200 x 160 frame whose image region is (40..159, 30..129), drawn in a 500 x 400 view.
UltrasoundRegion inset_region() {
  UltrasoundRegion r;
  r.bounds = {40, 30, 159, 129};
  r.units_x = r.units_y = PhysicalUnits::Centimetre;
  r.mm_per_px_x = r.mm_per_px_y = 0.1;
  return r;
}

DisplacementField whole_frame_field(float dx, float dy) {
  DisplacementField f(25, 20, 4, 4, 8);
  std::fill(f.dx_px.begin(), f.dx_px.end(), dx);
  std::fill(f.dy_px.begin(), f.dy_px.end(), dy);
  std::fill(f.quality.begin(), f.quality.end(), 0.9f);
  std::fill(f.valid.begin(), f.valid.end(), std::uint8_t(1));
  return f;
}

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

bool coloured(QRgb p) {
  return std::max({qRed(p), qGreen(p), qBlue(p)}) - std::min({qRed(p), qGreen(p), qBlue(p)}) > 40;
}

}  // namespace

// The strain layer: colour inside the muscle's band and the image region only (the grid
// covers the whole frame), both colours of the legend beside the image.
TEST(OverlayView, TheStrainLayerIsInsideTheMuscleOnlyAndTheLegendIsShown) {
  ShownView shown;
  const UltrasoundRegion region = inset_region();
  const DisplacementField field = whole_frame_field(0, 0);
  std::vector<float> strain(field.size());
  for (int r = 0; r < field.rows; ++r)
    for (int c = 0; c < field.columns; ++c) strain[field.index(c, r)] = c < field.columns / 2 ? -0.1f : 0.1f;
  OverlayLayers layers;
  layers.vectors = false;
  const MuscleBand muscle{50.0, 110.0};
  const QImage picture = shown.picture(compose_overlay(region, muscle, field, strain, {}, layers));
  const QRectF legend = shown.view.legend_rect();
  ASSERT_FALSE(legend.isEmpty());
  PixelRect muscle_rect = region.bounds;
  muscle_rect.y0_px = 50, muscle_rect.y1_px = 110;
  const QRectF allowed = shown.on_screen(muscle_rect, 1.0);
  int inside = 0, outside = 0, legend_red = 0, legend_blue = 0;
  for (int y = 0; y < picture.height(); ++y)
    for (int x = 0; x < picture.width(); ++x) {
      const QRgb p = picture.pixel(x, y);
      if (!coloured(p)) continue;
      if (legend.contains(x, y)) {
        legend_red += qRed(p) > 200 && qBlue(p) < 120;
        legend_blue += qBlue(p) > 200 && qRed(p) < 120;
      } else if (allowed.contains(x, y)) {
        ++inside;
      } else {
        ++outside;
      }
    }
  EXPECT_GT(inside, 2000) << "the layer is drawn";
  EXPECT_EQ(outside, 0) << "colour outside the muscle and the image region";
  EXPECT_GT(legend_red, 20);
  EXPECT_GT(legend_blue, 20);
  EXPECT_GE(legend.left(), shown.on_screen(PixelRect{0, 0, 199, 159}, 0).right() - 1) << "the legend is beside the image";
}

// Tissue moving out of the image (20 px arrows to the right and down): no arrow pixel falls
// outside the image region, yet arrows are drawn.
TEST(OverlayView, NoVectorPixelFallsOutsideTheImageRegion) {
  ShownView shown;
  const UltrasoundRegion region = inset_region();
  OverlayLayers layers;
  layers.strain = false;
  const QImage picture = shown.picture(compose_overlay(region, whole_region(region), whole_frame_field(5, 3), {}, {}, layers));
  const QRectF allowed = shown.on_screen(region.bounds, 0.5);
  int inside = 0, outside = 0;
  for (int y = 0; y < picture.height(); ++y)
    for (int x = 0; x < picture.width(); ++x) {
      const QRgb p = picture.pixel(x, y);
      if (!(qGreen(p) > 100 && qRed(p) < 80)) continue;
      (allowed.contains(x, y) ? inside : outside) += 1;
    }
  EXPECT_GT(inside, 50);
  EXPECT_EQ(outside, 0);
  EXPECT_TRUE(shown.view.legend_rect().isEmpty()) << "no strain, no legend";
}

// Two calipers measured side by side and a finding's label: each label is drawn at a readable
// size and none covers another, also once the view is zoomed out.
TEST(OverlayView, CaliperLabelsAreReadableAndDoNotCoverEachOther) {
  ShownView shown;
  OverlayLayers layers;
  layers.calipers.push_back({60, 60, 120, 60, "6.0 mm"});
  layers.calipers.push_back({62, 64, 121, 64, "5.9 mm"});
  layers.calipers.push_back({58, 58, 119, 66, "6.1 mm"});
  const UltrasoundRegion region = inset_region();
  const QImage picture = shown.picture(compose_overlay(region, whole_region(region), {}, {}, {}, layers));
  const std::vector<QRectF> labels = shown.view.label_rects();
  ASSERT_EQ(labels.size(), 3u);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    EXPECT_GE(labels[i].height(), 10.0) << "readable";
    EXPECT_GE(labels[i].width(), 25.0);
    for (std::size_t j = i + 1; j < labels.size(); ++j) EXPECT_FALSE(labels[i].intersects(labels[j])) << i << " covers " << j;
  }
  EXPECT_GT(test::count_colour(picture, 255, 220, 0, 8), 30) << "calipers and their text";
  shown.view.zoom_by(0.5, QPointF(250, 200));
  shown.picture(compose_overlay(region, whole_region(region), {}, {}, {}, layers));
  const std::vector<QRectF> zoomed_out = shown.view.label_rects();
  for (std::size_t i = 0; i < zoomed_out.size(); ++i)
    for (std::size_t j = i + 1; j < zoomed_out.size(); ++j) EXPECT_FALSE(zoomed_out[i].intersects(zoomed_out[j]));
}

}  // namespace ft
