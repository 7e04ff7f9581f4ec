// What the viewer's overlays cost per frame on the GUI thread. The live view refreshes every
// 40 ms (LivePanel's poll); each refresh computes the fibre strain of every tracked point,
// builds the overlay scene (the strain layer subdivided 3 x 3 per grid cell: 18 644 points for
// the muscle here, 70 % of a 720 x 574 region's depth at grid 8; about 57 000 if it filled the
// region) and renders it with the image through VTK.
//   BM_StrainLayer/step   fibre_strain_in + compose_overlay (strain, quality shade, arrows)
//   BM_ViewFrame/overlay  one frame rendered by the viewer (ImageView, VTK in a QOpenGLWidget):
//                         0 no overlay, 1 the whole scene of grid 8, 2-5 the scene without its
//                         legend, quality shade, arrows or strain layer (which layer costs what).
//                         Software OpenGL (Mesa llvmpipe) under Xvfb here, where rasterising is
//                         most of the time; a station's GPU renders faster: an upper bound.
// Run: xvfb-run -a -s '-screen 0 1400x1000x24' build/default/bench/bench_overlay
#include <benchmark/benchmark.h>

#include <QApplication>
#include <cmath>
#include <vector>

#include "ft/core/Random.h"
#include "ft/plugin/MuscleStrain.h"
#include "ft/plugin/OverlayScene.h"
#include "ft/ui/ImageView.h"

namespace {
using namespace ft;

constexpr int kFrameWidthPx = 1024, kFrameHeightPx = 768;
constexpr double kMmPerPx = 0.08;

// A 720 x 574 image region inside a 1024 x 768 capture, as a scanner's screen has it.
UltrasoundRegion region_720x574() {
  UltrasoundRegion region;
  region.bounds = {152, 97, 152 + 719, 97 + 573};
  region.units_x = region.units_y = PhysicalUnits::Centimetre;
  region.mm_per_px_x = region.mm_per_px_y = kMmPerPx;
  return region;
}

// A contraction: 12 % shortening along x about the region's centre, the deep half sliding
// 20 px, tracking quality between 0.3 and 1 (some of it under the shade's threshold).
DisplacementField contracted_field(const UltrasoundRegion& region, int step_px) {
  const PixelRect& b = region.bounds;
  DisplacementField f(b.width_px() / step_px, b.height_px() / step_px, b.x0_px + 0.5 * step_px, b.y0_px + 0.5 * step_px,
                      step_px);
  Random random(7);
  const double centre_x = 0.5 * (b.x0_px + b.x1_px), centre_y = 0.5 * (b.y0_px + b.y1_px);
  for (int r = 0; r < f.rows; ++r)
    for (int c = 0; c < f.columns; ++c) {
      const std::size_t i = f.index(c, r);
      f.dx_px[i] = float(-0.12 * (f.x_px(c) - centre_x) + (f.y_px(r) > centre_y ? 20.0 : 0.0));
      f.dy_px[i] = float(0.03 * (f.y_px(r) - centre_y));
      f.quality[i] = float(0.3 + 0.7 * random.uniform());
      f.valid[i] = f.quality[i] > 0.35;
    }
  return f;
}

// One compartment over the middle 70 % of the depth, fibres at 20 degrees.
Muscle one_compartment(const UltrasoundRegion& region) {
  const PixelRect& b = region.bounds;
  return Muscle{{MuscleBand{b.y0_px + 0.15 * b.height_px(), b.y0_px + 0.85 * b.height_px(), 20.0}}, {}};
}

OverlayLayers all_layers() {
  OverlayLayers layers;
  layers.quality = true;
  return layers;
}

void BM_StrainLayer(benchmark::State& state) {
  const UltrasoundRegion region = region_720x574();
  const DisplacementField field = contracted_field(region, int(state.range(0)));
  const Muscle muscle = one_compartment(region);
  const OverlayLayers layers = all_layers();
  OverlayScene scene;
  for (auto _ : state) {
    const std::vector<float> strain = fibre_strain_in(field, kMmPerPx, kMmPerPx, muscle);
    scene = compose_overlay(region, field, strain, {}, layers);
    benchmark::DoNotOptimize(scene.strain.cells.data());
  }
  state.counters["grid_points"] = double(field.size());
  state.counters["strain_mesh_points"] = double(scene.strain.points_px.size());
  state.counters["shade_mesh_points"] = double(scene.quality_shade.points_px.size());
  state.counters["arrows"] = double(scene.arrows.size());
}
BENCHMARK(BM_StrainLayer)->Arg(8)->Arg(4)->Unit(benchmark::kMillisecond);

RgbImage speckle_frame(std::uint64_t seed) {
  RgbImage image(kFrameWidthPx, kFrameHeightPx);
  Random random(seed);
  std::uint8_t* byte = image.data();
  for (std::size_t k = 0; k < image.pixels().size(); ++k) byte[k] = std::uint8_t(random.uniform() * 255.0);
  return image;
}

void BM_ViewFrame(benchmark::State& state) {
  const UltrasoundRegion region = region_720x574();
  const DisplacementField field = contracted_field(region, 8);
  const std::vector<float> strain = fibre_strain_in(field, kMmPerPx, kMmPerPx, one_compartment(region));
  const int variant = int(state.range(0));
  OverlayScene scene = variant > 0 ? compose_overlay(region, field, strain, {}, all_layers()) : OverlayScene{};
  if (variant == 2) scene.legend_range_pct = 0;
  if (variant == 3) scene.quality_shade = {};
  if (variant == 4) scene.arrows = {};
  if (variant == 5) scene.strain = {};
  const std::vector<RgbImage> frames{speckle_frame(1), speckle_frame(2)};  // a new picture each time
  ui::ImageView view;
  view.resize(960, 720);
  view.show();
  QApplication::processEvents();
  std::size_t k = 0;
  for (auto _ : state) {
    view.set_image(frames[k++ % frames.size()]);
    view.set_overlay(scene);
    view.repaint();  // paints now (paintGL: VTK renders image and props), not at the next event loop
    QApplication::processEvents();
  }
  state.counters["strain_mesh_points"] = double(scene.strain.points_px.size());
}
BENCHMARK(BM_ViewFrame)->DenseRange(0,5)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);  // the view needs one (under Xvfb without a display)
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
