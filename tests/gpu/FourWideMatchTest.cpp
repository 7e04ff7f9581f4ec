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
bool plain_refine_step(const Template& tp, const ImageView& b, int px, int py, float& dx, float& dy, float& quality) {
  const int h = tp.half, side = 2 * h + 1;
  const int ix = int(std::floor(dx)), iy = int(std::floor(dy));
  if (!b.holds(px + ix, py + iy, h + 2)) return false;
  float wx[4], wy[4];
  cubic_weights(dx - float(ix), wx);
  cubic_weights(dy - float(iy), wy);
  RefineSums sums;
  for (int j = 0; j < side; ++j)
    for (int i = 0; i < side; ++i) {
      float column[4];
      for (int m = 0; m < 4; ++m) column[m] = cubic_sample(wx, b.row(py + iy - h - 1 + j + m) + px + ix - h + i);
      const int at = j * side + i;
      sums.add(tp.t[at], tp.gx[at], tp.gy[at], cubic_sample(wy, column + 1));
    }
  return apply_refine_step(tp, sums, dx, dy, quality);
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
    const double n = double(side) * side;
    const double mean = plain_sum(h, c, c, 0, 0, [&](int x, int y, int, int) { return av.at(x, y); }) / n;
    EXPECT_NEAR(tp.mean, mean, 1e-4 * std::abs(mean)) << "h " << h;
    auto gx = [&](int x, int y) { return 0.5 * (av.at(x + 1, y) - av.at(x - 1, y)); };
    auto gy = [&](int x, int y) { return 0.5 * (av.at(x, y + 1) - av.at(x, y - 1)); };
    const double gxx = plain_sum(h, c, c, 0, 0, [&](int x, int y, int, int) { return gx(x, y) * gx(x, y); });
    const double gxy = plain_sum(h, c, c, 0, 0, [&](int x, int y, int, int) { return gx(x, y) * gy(x, y); });
    const double sgya = plain_sum(h, c, c, 0, 0, [&](int x, int y, int, int) { return gy(x, y) * av.at(x, y); });
    EXPECT_NEAR(tp.gxx, gxx, 1e-4 * gxx) << "h " << h;
    EXPECT_NEAR(tp.gxy, gxy, 1e-4 * gxx) << "h " << h;
    EXPECT_NEAR(tp.sgya, sgya, 1e-4 * std::sqrt(gxx * n) * mean) << "h " << h;
    for (int j = 0; j < side; ++j)  // every stored pixel, the ones written twice included
      for (int i = 0; i < side; ++i) {
        const int x = c - h + i, y = c - h + j, at = j * side + i;
        ASSERT_FLOAT_EQ(tp.gx[at], central_difference(av.at(x - 1, y), av.at(x + 1, y))) << "h " << h;
        ASSERT_FLOAT_EQ(tp.t[at], template_value(av.at(x, y), tp)) << "h " << h;
      }
  }
}

TEST(FourWideMatch, SearchScoresOfEverySideAndRadiusAreThoseOfOnePixelAtATime) {
  for (int h = kMinHalf; h <= kMaxHalf; ++h)
    for (int r = 0; r <= kMaxSearchRadius; ++r) {
      const int side = 2 * h + 1, size = side + 2 * r;  // B holds the search area and no more
      const Image a(side + 2, side + 2, 7u), b(size, size, unsigned(100 + h * 8 + r));
      Template tp;
      ASSERT_TRUE(prepare_template(a.view(), h + 1, h + 1, h, tp));
      float score[(2 * kMaxSearchRadius + 1) * (2 * kMaxSearchRadius + 1)];
      const int c = h + r;
      zncc_search(tp, b.view(), c, c, r, score);
      for (int sy = -r; sy <= r; ++sy)
        for (int sx = -r; sx <= r; ++sx)
          EXPECT_NEAR(score[(sy + r) * (2 * r + 1) + sx + r], zncc_at(a.view(), b.view(), h + 1, h + 1, c + sx, c + sy, h),
                      2e-5)
              << "h " << h << " r " << r << " shift " << sx << "," << sy;
    }
}

TEST(FourWideMatch, SubPixelStepsOfEverySideAreThoseOfOnePixelAtATime) {
  for (int h = kMinHalf; h <= kMaxHalf; ++h) {
    const int side = 2 * h + 1, size = side + 4;  // the step reads two pixels beyond the template
    const Image a(side + 2, side + 2, 11u), b(size, size, unsigned(h));
    Template tp;
    ASSERT_TRUE(prepare_template(a.view(), h + 1, h + 1, h, tp));
    const int p = h + 2;  // B's middle: the step at offset (0.3, 0.6) reads rows p-h-1 .. p+h+2
    for (float start : {0.0f, 0.3f, 0.6f}) {
      float dx = start, dy = 2 * start - std::floor(2 * start), q = 0;
      float plain_dx = dx, plain_dy = dy, plain_q = 0;
      const bool took = refine_step(tp, b.view(), p, p, dx, dy, q);
      ASSERT_EQ(took, plain_refine_step(tp, b.view(), p, p, plain_dx, plain_dy, plain_q)) << "h " << h;
      if (!took) continue;
      EXPECT_NEAR(dx, plain_dx, 1e-4) << "h " << h << " from " << start;
      EXPECT_NEAR(dy, plain_dy, 1e-4) << "h " << h << " from " << start;
      EXPECT_NEAR(q, plain_q, 1e-5) << "h " << h << " from " << start;
    }
  }
}

}  // namespace ft::gpu
