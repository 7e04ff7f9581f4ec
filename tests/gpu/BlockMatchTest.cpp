#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "ft/core/Random.h"
#include "ft/gpu/BlockMatch.h"
#include "ft/gpu/SplineSampling.h"

namespace ft::gpu {
namespace {

// Smooth random texture sampled at any real position (sum of Gaussian blobs of `sigma` px).
struct Texture {
  std::vector<float> x, y, a;
  double sigma = 1.3;
  explicit Texture(int blobs, double size, double blob_sigma_px = 1.3) : sigma(blob_sigma_px) {
    Random r(3);
    for (int i = 0; i < blobs; ++i) {
      x.push_back(float(r.uniform(0, size)));
      y.push_back(float(r.uniform(0, size)));
      a.push_back(float(r.normal()));
    }
  }
  std::vector<float> render(int size, double shift_x, double shift_y) const {
    std::vector<float> img(std::size_t(size) * size, 0.0f);
    for (std::size_t k = 0; k < x.size(); ++k)
      for (int py = std::max(0, int(y[k] + shift_y) - 5); py < std::min(size, int(y[k] + shift_y) + 6); ++py)
        for (int px = std::max(0, int(x[k] + shift_x) - 5); px < std::min(size, int(x[k] + shift_x) + 6); ++px) {
          const double dx = px - x[k] - shift_x, dy = py - y[k] - shift_y;
          img[std::size_t(py) * size + px] += float(a[k] * std::exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)));
        }
    return img;
  }
};

ImageView view(const std::vector<float>& img, int size) { return ImageView{img.data(), 0, 0, size, size, size}; }

// An image with its spline's coefficients and gradient gain, as a pyramid level holds them.
struct Level {
  std::vector<float> pixels, spline;
  SplineGain gain;
  int size = 0;
  Level(std::vector<float> image, int side) : pixels(std::move(image)), spline(pixels), size(side) {
    spline_coefficients(spline.data(), size, size);
    gain = spline_gain(pixels.data(), spline.data(), size, size);
  }
  SplineLevel spline_level() const { return {view(spline, size), &gain}; }
};

MatchResult match(const Level& a, const Level& b, int px, int py, float seed_dx, float seed_dy, const MatchSettings& s) {
  return match_point(view(a.pixels, a.size), view(b.pixels, b.size), SplineViews(a.spline_level(), b.spline_level()), px, py,
                     seed_dx, seed_dy, s);
}

}  // namespace

TEST(BlockMatch, PeakOffsetRecoversAGaussianPeakExactly) {
  for (double true_offset : {-0.4, -0.1, 0.0, 0.25, 0.45}) {
    auto g = [&](double x) { return float(std::exp(-(x - true_offset) * (x - true_offset) / 2.0)); };
    EXPECT_NEAR(peak_offset(g(-1), g(0), g(1)), true_offset, 1e-4);
  }
  EXPECT_EQ(peak_offset(0.2f, 0.9f, 0.2f), 0.0f);
}

TEST(BlockMatch, IdenticalBlocksCorrelatePerfectlyAndFlatOnesNotAtAll) {
  const Texture t(400, 64);
  const auto img = t.render(64, 0, 0);
  EXPECT_NEAR(zncc_at(view(img, 64), view(img, 64), 32, 32, 32, 32, 6), 1.0f, 1e-5);
  const std::vector<float> flat(64 * 64, 7.0f);
  EXPECT_EQ(zncc_at(view(img, 64), view(flat, 64), 32, 32, 32, 32, 6), 0.0f);
  const Level flat_level(flat, 64);
  const MatchResult m = match(flat_level, flat_level, 32, 32, 0, 0, MatchSettings{6, 2, 2});
  EXPECT_EQ(m.status, kMatchFlat);
}

TEST(BlockMatch, FindsSubPixelShiftsWithoutPixelLocking) {
  const Texture t(900, 96);
  const Level a(t.render(96, 0, 0), 96);
  for (double s : {0.0, 0.2, 0.5, 0.7, 1.3, -1.6}) {
    const Level b(t.render(96, s, -0.5 * s), 96);
    const MatchResult m = match(a, b, 48, 48, 0, 0, MatchSettings{8, 1, 3});
    EXPECT_EQ(m.status, kMatchOk);
    EXPECT_NEAR(m.dx, s, 0.03) << s;
    EXPECT_NEAR(m.dy, -0.5 * s, 0.03) << s;
    EXPECT_GT(m.quality, 0.95f);
  }
}

// The steps on B's spline coefficients move the estimate only: status and quality stay as
// the Catmull-Rom steps left them. They follow Catmull-Rom steps, never stand in for them:
// with none (the peak fit alone) there are none on the spline either.
TEST(BlockMatch, SplineStepsMoveTheEstimateAndKeepTheQuality) {
  const Texture t(900, 96);
  const Level a(t.render(96, 0, 0), 96);
  int moved = 0;
  for (double s : {0.2, 0.5, 0.8, -1.3}) {
    const Level b(t.render(96, s, -0.5 * s), 96);
    const MatchResult catmull_rom = match(a, b, 48, 48, 0, 0, MatchSettings{8, 1, 2, 0});
    const MatchResult spline = match(a, b, 48, 48, 0, 0, MatchSettings{8, 1, 2, 2});
    EXPECT_EQ(spline.status, catmull_rom.status) << s;
    EXPECT_EQ(spline.quality, catmull_rom.quality) << s;
    EXPECT_NEAR(spline.dx, catmull_rom.dx, 0.05) << s;
    moved += spline.dx != catmull_rom.dx || spline.dy != catmull_rom.dy;
    const MatchResult fit_only = match(a, b, 48, 48, 0, 0, MatchSettings{8, 1, 0, 2});
    const MatchResult fit_only_plain = match(a, b, 48, 48, 0, 0, MatchSettings{8, 1, 0, 0});
    EXPECT_EQ(fit_only.dx, fit_only_plain.dx) << s;
    EXPECT_EQ(fit_only.dy, fit_only_plain.dy) << s;
  }
  EXPECT_GT(moved, 0) << "the spline steps took no step at all";
  // Without coefficients at hand (a backend that has none) the Catmull-Rom result stands.
  const Level b(t.render(96, 0.5, -0.25), 96);
  const MatchResult none = match_point(view(a.pixels, 96), view(b.pixels, 96), SplineViews{}, 48, 48, 0, 0, MatchSettings{8, 1, 2, 2});
  const MatchResult catmull_rom = match(a, b, 48, 48, 0, 0, MatchSettings{8, 1, 2, 0});
  EXPECT_EQ(none.dx, catmull_rom.dx);
  EXPECT_EQ(none.dy, catmull_rom.dy);
}

// The sub-pixel bias: the mean error over a grid of points of a speckle-like texture (blobs
// a pixel wide: sigma 1 px) moved by 0.2, 0.5 and 0.8 px. Catmull-Rom steps converge onto its phase
// error, a few hundredths of a px; one step on the spline coefficients, its Hessian scaled by
// A's gradient gain, takes it below 0.005 px, the tracking engine's target (bench_accuracy
// sweeps it in full).
TEST(BlockMatch, SplineStepsTakeTheSubPixelBiasBelowFiveThousandthsOfAPixel) {
  constexpr int kSide = 160;
  const Texture t(9000, kSide, 1.0);
  const Level a(t.render(kSide, 0, 0), kSide);
  struct Errors {
    double bias = 0, rms = 0;  // px: the larger of x and y's mean error; the per-point RMS error
  };
  const auto errors = [&](const Level& b, double shift, const MatchSettings& s) {
    double sum_x = 0, sum_y = 0, sum_squares = 0;
    int n = 0;
    for (int y = 24; y <= kSide - 24; y += 8)
      for (int x = 24; x <= kSide - 24; x += 8) {
        const MatchResult m = match(a, b, x, y, 0, 0, s);
        if (m.status != kMatchOk) continue;
        const double ex = m.dx - shift, ey = m.dy - 0.5 * shift;
        sum_x += ex;
        sum_y += ey;
        sum_squares += ex * ex + ey * ey;
        ++n;
      }
    EXPECT_GT(n, 200);
    return Errors{std::max(std::fabs(sum_x / n), std::fabs(sum_y / n)), std::sqrt(sum_squares / (2.0 * n))};
  };
  double catmull_rom_worst = 0;
  for (double shift : {0.2, 0.5, 0.8}) {
    const Level b(t.render(kSide, shift, 0.5 * shift), kSide);
    // The product's one step on the spline after one by Catmull-Rom (TrackingParameters).
    const Errors spline = errors(b, shift, MatchSettings{8, 1, 1, 1});
    const Errors catmull_rom = errors(b, shift, MatchSettings{8, 1, 1, 0});
    std::printf("shift %.1f px: bias %.4f px, RMS %.4f px with a spline step; %.4f px, %.4f px with Catmull-Rom alone\n",
                shift, spline.bias, spline.rms, catmull_rom.bias, catmull_rom.rms);
    EXPECT_LT(spline.bias, 0.005) << shift;
    // Stepped on raw samples with the spline's weights (no prefilter) the bias is as small but
    // each point errs about three times as much: the RMS shows the coefficients are used.
    EXPECT_LT(spline.rms, 0.008) << shift;
    catmull_rom_worst = std::max(catmull_rom_worst, catmull_rom.bias);
  }
  EXPECT_GT(catmull_rom_worst, 0.01) << "the texture shows no phase error to remove: the pin would pin nothing";
}

// The Hessian's columns scaled by the gradient gain (apply_refine_step): each component of
// the step is the Catmull-Rom step's divided by that axis's gain, and the quality is untouched.
TEST(BlockMatch, TheGradientGainDividesEachComponentOfTheStep) {
  TemplateStats tp;
  tp.n = 289;
  tp.mean = 50;
  tp.norm = 300;
  tp.gxx = 900;
  tp.gyy = 500;
  tp.gxy = 200;  // correlated gradients: the axes mix
  tp.sgx = 3;
  tp.sgy = -2;
  tp.sgxa = 140;
  tp.sgya = -95;
  const RefineSums sums{14000, 720000, 150, 400, -260};
  float dx1 = 0.3f, dy1 = -0.2f, q1 = 0, dx = 0.3f, dy = -0.2f, q = 0;
  ASSERT_TRUE(apply_refine_step(tp, sums, SplineGain{}, dx1, dy1, q1));
  const SplineGain gain{1.25f, 1.6f};
  ASSERT_TRUE(apply_refine_step(tp, sums, gain, dx, dy, q));
  EXPECT_NE(dx1, 0.3f);
  EXPECT_NEAR(dx - 0.3f, (dx1 - 0.3f) / gain.x, 1e-6);
  EXPECT_NEAR(dy + 0.2f, (dy1 + 0.2f) / gain.y, 1e-6);
  EXPECT_EQ(q, q1);
}

TEST(BlockMatch, SeedOutsideTheImageIsPulledBackAndTemplateOutsideIsRejected) {
  const Texture t(400, 64);
  const Level img(t.render(64, 0, 0), 64);
  const MatchResult outside = match(img, img, 3, 3, 0, 0, MatchSettings{6, 2, 2});
  EXPECT_EQ(outside.status, kMatchOutside);
  // A seed whose template would leave the image: the tissue left the field of view.
  const MatchResult gone = match(img, img, 32, 32, 40.0f, 0, MatchSettings{6, 2, 2});
  EXPECT_EQ(gone.status, kMatchOutside);
  // A seed two px off is searched around, not trusted blindly.
  const MatchResult off = match(img, img, 32, 32, 2.0f, -2.0f, MatchSettings{6, 1, 2});
  EXPECT_EQ(off.status, kMatchOk);
  EXPECT_NEAR(off.dx, 0.0f, 0.01f);
  EXPECT_NEAR(off.dy, 0.0f, 0.01f);
}

TEST(BlockMatch, ASeedThatIsNotANumberIsNoSeed) {
  const Texture t(400, 64);
  const Level a(t.render(64, 0, 0), 64), b(t.render(64, 1.3, -0.4), 64);
  const MatchResult unseeded = match(a, b, 32, 32, 0, 0, MatchSettings{6, 2, 2});
  for (float bad : {std::nanf(""), INFINITY, -1e30f}) {
    const MatchResult r = match(a, b, 32, 32, bad, bad, MatchSettings{6, 2, 2});
    EXPECT_EQ(r.status, unseeded.status) << bad;
    EXPECT_EQ(r.dx, unseeded.dx) << bad;
    EXPECT_EQ(r.dy, unseeded.dy) << bad;
    // Where nothing can be matched the seed is returned: a number, not the bad one.
    const MatchResult outside = match(a, b, 3, 3, bad, bad, MatchSettings{6, 2, 2});
    EXPECT_EQ(outside.status, kMatchOutside);
    EXPECT_EQ(outside.dx, 0.0f) << bad;
    EXPECT_EQ(outside.dy, 0.0f) << bad;
  }
}

}  // namespace ft::gpu
