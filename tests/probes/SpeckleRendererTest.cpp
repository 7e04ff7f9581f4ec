// The speckle renderer's beam: uniform by default, or focused at one depth with attenuation the
// TGC leaves (ProbeModel; ExamCondition::FocusedBeam). Speckle is as wide as the beam that made
// it, so the beam's width is read back from the rendered image's lateral autocorrelation.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ft/core/Random.h"
#include "ft/probes/SpeckleRenderer.h"

namespace ft::sim {
namespace {

// Fully developed speckle over the whole image: scatterers of random amplitude, uniform in
// the image and a margin around it.
Frame render_uniform_tissue(const ProbeModel& probe) {
  const int width_px = int(std::lround(probe.width_mm / probe.pixel_pitch_mm));
  const int height_px = int(std::lround(probe.depth_mm / probe.pixel_pitch_mm));
  SpeckleRenderer renderer(probe, width_px, height_px);
  Random random = Random::stream(11, 0x5EC);
  const double m = renderer.margin_mm();
  const double area_mm2 = (probe.width_mm + 2 * m) * (probe.depth_mm + 2 * m);
  const long count = std::lround(renderer.scatterer_density_per_mm2() * area_mm2);
  for (long i = 0; i < count; ++i)
    renderer.add_scatterer(random.uniform(-m, probe.width_mm + m), random.uniform(-m, probe.depth_mm + m),
                           random.normal());
  Frame frame(width_px, height_px);
  renderer.write_bmode(frame, 0, 0);
  return frame;
}

// The lag (mm) at which the rows' lateral autocorrelation falls to half, over rows within
// 1.5 mm of depth z: the speckle's lateral size, which follows the beam's width.
double lateral_speckle_mm(const Frame& f, const ProbeModel& probe, double z_mm) {
  const double pitch = probe.pixel_pitch_mm;
  const int y0 = int(std::lround((z_mm - 1.5) / pitch)), y1 = int(std::lround((z_mm + 1.5) / pitch));
  std::vector<double> correlation(40, 0.0);
  for (int y = y0; y <= y1; ++y) {
    double mean = 0.0;
    for (int x = 0; x < f.width_px(); ++x) mean += f.value(x, y);
    mean /= f.width_px();
    for (int lag = 0; lag < int(correlation.size()); ++lag)
      for (int x = 0; x + lag < f.width_px(); ++x)
        correlation[std::size_t(lag)] += (f.value(x, y) - mean) * (f.value(x + lag, y) - mean) / (f.width_px() - lag);
  }
  for (int lag = 1; lag < int(correlation.size()); ++lag) {
    const double c = correlation[std::size_t(lag)] / correlation[0];
    if (c <= 0.5) {
      const double before = correlation[std::size_t(lag - 1)] / correlation[0];
      return (lag - 1 + (before - 0.5) / (before - c)) * pitch;  // between the two lags
    }
  }
  return double(correlation.size()) * pitch;
}

// Over rows within 3 mm of depth z: wide enough that speckle's own spread (about 2.5 grey levels
// over a 3 mm band of wide speckle) stays well inside the tolerances below.
double mean_grey_near(const Frame& f, const ProbeModel& probe, double z_mm) {
  const int y0 = int(std::lround((z_mm - 3.0) / probe.pixel_pitch_mm)), y1 = int(std::lround((z_mm + 3.0) / probe.pixel_pitch_mm));
  double sum = 0.0;
  for (int y = y0; y <= y1; ++y)
    for (int x = 0; x < f.width_px(); ++x) sum += f.value(x, y);
  return sum / double((y1 - y0 + 1) * f.width_px());
}

ProbeModel small_probe() {
  ProbeModel p;
  p.width_mm = 30.0;
  p.depth_mm = 30.0;
  return p;
}

TEST(SpeckleRenderer, AnUnfocusedBeamMakesSpeckleOfOneSizeAtEveryDepth) {
  const ProbeModel probe = small_probe();
  const Frame f = render_uniform_tissue(probe);
  const double shallow = lateral_speckle_mm(f, probe, 5.0), deep = lateral_speckle_mm(f, probe, 26.0);
  EXPECT_NEAR(deep / shallow, 1.0, 0.2) << shallow << " mm at 5 mm, " << deep << " mm at 26 mm";
  EXPECT_NEAR(mean_grey_near(f, probe, 26.0), mean_grey_near(f, probe, 5.0), 4.0) << "no attenuation left";
}

// A Gaussian beam focused at 12 mm, doubling sqrt(3) x 6 mm (10.4 mm) away: at 26 mm it is
// sqrt(1 + (14 / 6)^2) = 2.5 times as wide as at the focus, at 5 mm 1.6 times.
TEST(SpeckleRenderer, AFocusedBeamsSpeckleIsNarrowestAtTheFocus) {
  ProbeModel probe = small_probe();
  probe.focus_depth_mm = 12.0;
  probe.focal_half_depth_mm = 6.0;
  const Frame f = render_uniform_tissue(probe);
  const double at_focus = lateral_speckle_mm(f, probe, 12.0);
  const double above = lateral_speckle_mm(f, probe, 5.0), below = lateral_speckle_mm(f, probe, 26.0);
  EXPECT_GT(above / at_focus, 1.3) << at_focus << " mm at the focus, " << above << " mm at 5 mm";
  EXPECT_GT(below / at_focus, 1.9) << at_focus << " mm at the focus, " << below << " mm at 26 mm";
  EXPECT_GT(below, above) << "further from the focus below it than above";
  // The beam's spread keeps the speckle's brightness: depth alone does not darken it.
  EXPECT_NEAR(mean_grey_near(f, probe, 26.0), mean_grey_near(f, probe, 12.0), 4.0);  // 1.6 dB at most
}

// One scatterer 30 mm below a focus at 10 mm (half depth 5 mm): the beam there is
// sqrt(1 + 36) = 6.1 times its focal width, 3.7 mm FWHM, 47 px either side at 3 sigma on a
// 0.1 mm grid. Its echo is drawn whole and symmetric (a first version cut it at 64 px wide).
TEST(SpeckleRenderer, AWideBeamsEchoIsDrawnWholeOnBothSides) {
  ProbeModel probe = small_probe();
  probe.pixel_pitch_mm = 0.1;
  probe.depth_mm = 44.0;
  probe.focus_depth_mm = 10.0;
  probe.focal_half_depth_mm = 5.0;
  const int width_px = 300, height_px = 440;
  SpeckleRenderer renderer(probe, width_px, height_px);
  renderer.add_scatterer(15.0, 40.0, 20.0);
  Frame frame(width_px, height_px);
  renderer.write_bmode(frame, 0, 0);
  const int cx = 150, row = 400;
  ASSERT_GT(frame.value(cx, row), 150.0f) << "the echo's peak shows";
  ASSERT_LT(frame.value(cx, row), 250.0f) << "and is not clipped white";
  // Half maximum in amplitude is 6 dB below the peak: 255 * 6 / 50 grey levels.
  const float half_max = frame.value(cx, row) - float(255.0 * 20.0 * std::log10(2.0) / probe.dynamic_range_db);
  int left = 0, right = 0;
  while (frame.value(cx - left - 1, row) >= half_max) ++left;
  while (frame.value(cx + right + 1, row) >= half_max) ++right;
  EXPECT_LE(std::abs(left - right), 1) << "symmetric about the scatterer";
  const double fwhm_mm = (left + right + 1) * probe.pixel_pitch_mm;
  EXPECT_NEAR(fwhm_mm, probe.lateral_fwhm_mm * std::sqrt(1.0 + 36.0), 0.3);
  for (int d = 0; d < 45; ++d)
    ASSERT_NEAR(frame.value(cx - d, row), frame.value(cx + d, row), 1.0f) << d << " px from the scatterer";
}

// 0.3 dB/mm over 20 mm is 6 dB: 6 / 50 of the display's 255 grey levels, about 31.
TEST(SpeckleRenderer, AttenuationTheTgcLeavesDarkensDeepTissueByItsDecibels) {
  ProbeModel probe = small_probe();
  probe.residual_attenuation_db_per_mm = 0.3;
  const Frame f = render_uniform_tissue(probe);
  const double expected = 255.0 * 0.3 * 20.0 / probe.dynamic_range_db;
  EXPECT_NEAR(mean_grey_near(f, probe, 5.0) - mean_grey_near(f, probe, 25.0), expected, 5.0);
}

}  // namespace
}  // namespace ft::sim
