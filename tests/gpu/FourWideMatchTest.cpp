// The CPU's matching loops read template rows four pixels at a time (FourFloats.h), and
// no row of 2h+1 px is a whole number of fours. Each template side and search radius is
// checked here against plain one-pixel-at-a-time sums, on an image just large enough for
// the search, so that a read past a row's end or before its start would either change a
// sum or (under AddressSanitizer, scripts/sanitize) leave the image.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ft/core/Random.h"
#include "ft/gpu/BlockMatch.h"

namespace ft::gpu {
namespace {

struct Image {
  std::vector<float> pixels;
  int width = 0, height = 0;
  Image(int w, int h, unsigned seed) : pixels(std::size_t(w) * h), width(w), height(h) {
    Random r(seed);
    for (float& p : pixels) p = float(50.0 + 20.0 * r.normal());
  }
  // `from` with noise of 1 grey level: a later frame of the same texture.
  Image(const Image& from, unsigned seed) : Image(from) {
    Random r(seed);
    for (float& p : pixels) p += float(r.normal());
  }
  // The w x h window of `from` whose top-left pixel is (x0, y0).
  Image(const Image& from, int x0, int y0, int w, int h) : pixels(std::size_t(w) * h), width(w), height(h) {
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) pixels[std::size_t(y) * w + x] = from.pixels[std::size_t(y0 + y) * from.width + x0 + x];
  }
  ImageView view() const { return ImageView{pixels.data(), 0, 0, width, height, width}; }
};

// Sum over the template of f(template pixel, B pixel), in double, one pixel at a time.
template <class F>
double plain_sum(int h, int px, int py, int qx, int qy, F f) {
  double s = 0;
  for (int j = -h; j <= h; ++j)
    for (int i = -h; i <= h; ++i) s += f(px + i, py + j, qx + i, qy + j);
  return s;
}

// The sub-pixel step one pixel at a time: B interpolated along x, then along y.
bool plain_refine_step(const Template& tp, const ImageView& b, bool on_spline, const SplineGain& gain, int px, int py, float& dx,
                       float& dy, float& quality) {
  const int h = tp.half, side = 2 * h + 1;
  const int ix = int(std::floor(dx)), iy = int(std::floor(dy));
  if (!b.holds(px + ix, py + iy, h + 2)) return false;
  float wx[4], wy[4];
  sampling_weights(on_spline, dx - float(ix), wx);
  sampling_weights(on_spline, dy - float(iy), wy);
  RefineSums sums;
  for (int j = 0; j < side; ++j)
    for (int i = 0; i < side; ++i) {
      float column[4];
      for (int m = 0; m < 4; ++m) column[m] = cubic_sample(wx, b.row(py + iy - h - 1 + j + m) + px + ix - h + i);
      const int at = j * side + i;
      sums.add(tp.t[at], tp.gx[at], tp.gy[at], cubic_sample(wy, column + 1));
    }
  return apply_refine_step(tp, sums, gain, dx, dy, quality);
}

}  // namespace

TEST(FourWideMatch, TemplateSumsOfEverySideAreThoseOfOnePixelAtATime) {
  for (int h = kMinHalf; h <= kMaxHalf; ++h) {
    const int side = 2 * h + 1, size = side + 2;  // the template and the one-pixel rim its gradients read
    const Image a(size, size, unsigned(h));
    const ImageView av = a.view();
    const int c = h + 1;
    Template tp;
    ASSERT_TRUE(prepare_template(av, c, c, h, tp)) << "h " << h;
    auto sum = [&](auto f) { return plain_sum(h, c, c, 0, 0, [&](int x, int y, int, int) { return f(x, y); }); };
    auto va = [&](int x, int y) { return double(av.at(x, y)); };
    auto gx = [&](int x, int y) { return 0.5 * (va(x + 1, y) - va(x - 1, y)); };
    auto gy = [&](int x, int y) { return 0.5 * (va(x, y + 1) - va(x, y - 1)); };
    const double n = double(side) * side, mean = sum(va) / n;
    const double norm = std::sqrt(sum([&](int x, int y) { return (va(x, y) - mean) * (va(x, y) - mean); }));
    EXPECT_NEAR(tp.mean, mean, 1e-5 * mean) << "h " << h;
    EXPECT_NEAR(tp.norm, norm, 1e-4 * norm) << "h " << h;
    // Each gradient sum against the size of its terms' sum (20 grey levels of noise: |g| ~ 14).
    const double g_scale = 200.0 * n, ga_scale = 14.0 * mean * n;
    EXPECT_NEAR(tp.gxx, sum([&](int x, int y) { return gx(x, y) * gx(x, y); }), 1e-5 * g_scale) << "h " << h;
    EXPECT_NEAR(tp.gyy, sum([&](int x, int y) { return gy(x, y) * gy(x, y); }), 1e-5 * g_scale) << "h " << h;
    EXPECT_NEAR(tp.gxy, sum([&](int x, int y) { return gx(x, y) * gy(x, y); }), 1e-5 * g_scale) << "h " << h;
    EXPECT_NEAR(tp.sgx, sum(gx), 1e-5 * 14.0 * n) << "h " << h;
    EXPECT_NEAR(tp.sgy, sum(gy), 1e-5 * 14.0 * n) << "h " << h;
    EXPECT_NEAR(tp.sgxa, sum([&](int x, int y) { return gx(x, y) * va(x, y); }), 1e-5 * ga_scale) << "h " << h;
    EXPECT_NEAR(tp.sgya, sum([&](int x, int y) { return gy(x, y) * va(x, y); }), 1e-5 * ga_scale) << "h " << h;
    for (int j = 0; j < side; ++j)  // every stored pixel, the ones written twice included
      for (int i = 0; i < side; ++i) {
        const int x = c - h + i, y = c - h + j, at = j * side + i;
        ASSERT_NEAR(tp.t[at], (va(x, y) - mean) / norm, 1e-4) << "h " << h;
        ASSERT_FLOAT_EQ(tp.gx[at], float(gx(x, y))) << "h " << h;
        ASSERT_FLOAT_EQ(tp.gy[at], float(gy(x, y))) << "h " << h;
      }
  }
}

// ZNCC in double, one pixel at a time.
double plain_zncc(const ImageView& a, const ImageView& b, int h, int px, int py, int qx, int qy) {
  const double n = double(2 * h + 1) * (2 * h + 1);
  auto va = [&](int x, int y, int, int) { return double(a.at(x, y)); };
  auto vb = [&](int, int, int x, int y) { return double(b.at(x, y)); };
  const double ma = plain_sum(h, px, py, qx, qy, va) / n, mb = plain_sum(h, px, py, qx, qy, vb) / n;
  const double ab = plain_sum(h, px, py, qx, qy, [&](int x, int y, int u, int v) { return (a.at(x, y) - ma) * (b.at(u, v) - mb); });
  const double aa = plain_sum(h, px, py, qx, qy, [&](int x, int y, int, int) { return (a.at(x, y) - ma) * (a.at(x, y) - ma); });
  const double bb = plain_sum(h, px, py, qx, qy, [&](int, int, int u, int v) { return (b.at(u, v) - mb) * (b.at(u, v) - mb); });
  return ab / std::sqrt(aa * bb);
}

TEST(FourWideMatch, SearchScoresOfEverySideAndRadiusAreThoseOfOnePixelAtATime) {
  for (int h = kMinHalf; h <= kMaxHalf; ++h)
    for (int r = 0; r <= kMaxSearchRadius; ++r) {
      const int side = 2 * h + 1, size = side + 2 * r;  // B holds the search area and no more
      // B holds A's texture, with noise, moved by the shift (tx, ty): that score is near 1.
      const Image texture(size + 2, size + 2, unsigned(100 + h * 8 + r));
      const int tx = r / 2, ty = -(r / 2);
      const Image a(texture, r + tx, r + ty, side + 2, side + 2);
      const Image b(Image(texture, 1, 1, size, size), 7u);
      Template tp;
      ASSERT_TRUE(prepare_template(a.view(), h + 1, h + 1, h, tp));
      float score[(2 * kMaxSearchRadius + 1) * (2 * kMaxSearchRadius + 1)];
      const int c = h + r;
      zncc_search(tp, b.view(), c, c, r, score);
      for (int sy = -r; sy <= r; ++sy)
        for (int sx = -r; sx <= r; ++sx)
          EXPECT_NEAR(score[(sy + r) * (2 * r + 1) + sx + r], plain_zncc(a.view(), b.view(), h, h + 1, h + 1, c + sx, c + sy),
                      1e-5)
              << "h " << h << " r " << r << " shift " << sx << "," << sy;
      EXPECT_GT(score[(ty + r) * (2 * r + 1) + tx + r], 0.99f) << "h " << h << " r " << r;
    }
}

TEST(FourWideMatch, SubPixelStepsOfEverySideAreThoseOfOnePixelAtATime) {
  int steps = 0, tried = 0;
  for (int h = kMinHalf; h <= kMaxHalf; ++h) {
    const int side = 2 * h + 1, size = side + 4;  // the step reads two pixels beyond the template
    const Image b(size, size, unsigned(h));
    const Image a(Image(b, 1, 1, side + 2, side + 2), 5u);  // B's texture, centred at (h+2, h+2) in B
    Template tp;
    ASSERT_TRUE(prepare_template(a.view(), h + 1, h + 1, h, tp));
    const int p = h + 2;  // B's middle: a step from (dx, dy) in [0, 1) reads rows p-h-1 .. p+h+2
    for (bool on_spline : {false, true})
    for (float start : {0.0f, 0.3f, 0.6f}) {
      float dx = start, dy = 2 * start - std::floor(2 * start), q = 0;
      float plain_dx = dx, plain_dy = dy, plain_q = 0;
      // On the spline, with a gradient gain as speckle's (SplineSampling.h).
      const SplineGain gain = on_spline ? SplineGain{1.2f, 1.25f} : SplineGain{};
      const bool took = refine_step(tp, b.view(), on_spline, gain, p, p, dx, dy, q);
      ASSERT_EQ(took, plain_refine_step(tp, b.view(), on_spline, gain, p, p, plain_dx, plain_dy, plain_q)) << "h " << h;
      ++tried;
      if (!took) continue;
      ++steps;
      EXPECT_NEAR(dx, plain_dx, 1e-4) << "h " << h << " from " << start;
      EXPECT_NEAR(dy, plain_dy, 1e-4) << "h " << h << " from " << start;
      // Float sums of up to 33 x 33 terms in two orders: a few ulps of 1 apart per hundred
      // terms. With the B-spline's weights, which smooth, the block's variance is smaller and
      // its sums cancel more (sbb - sb * mb): up to 3.3e-5 apart at h 10-16.
      EXPECT_NEAR(q, plain_q, on_spline ? 5e-5 : 1e-5) << "h " << h << " from " << start;
    }
  }
  EXPECT_EQ(steps, tried);  // the same texture: every step is taken, and compared
}

}  // namespace ft::gpu
