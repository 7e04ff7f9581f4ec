#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ft/core/Random.h"
#include "ft/gpu/BlockMatch.h"

namespace ft::gpu {
namespace {

// Smooth random texture sampled at any real position (sum of Gaussian blobs).
struct Texture {
  std::vector<float> x, y, a;
  explicit Texture(int blobs, double size) {
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
          img[std::size_t(py) * size + px] += float(a[k] * std::exp(-(dx * dx + dy * dy) / (2 * 1.3 * 1.3)));
        }
    return img;
  }
};

ImageView view(const std::vector<float>& img, int size) { return ImageView{img.data(), 0, 0, size, size, size}; }

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
  const MatchResult m = match_point(view(flat, 64), view(flat, 64), 32, 32, 0, 0, MatchSettings{6, 2, 2});
  EXPECT_EQ(m.status, kMatchFlat);
}

TEST(BlockMatch, FindsSubPixelShiftsWithoutPixelLocking) {
  const Texture t(900, 96);
  const auto a = t.render(96, 0, 0);
  for (double s : {0.0, 0.2, 0.5, 0.7, 1.3, -1.6}) {
    const auto b = t.render(96, s, -0.5 * s);
    const MatchResult m = match_point(view(a, 96), view(b, 96), 48, 48, 0, 0, MatchSettings{8, 1, 3});
    EXPECT_EQ(m.status, kMatchOk);
    EXPECT_NEAR(m.dx, s, 0.03) << s;
    EXPECT_NEAR(m.dy, -0.5 * s, 0.03) << s;
    EXPECT_GT(m.quality, 0.95f);
  }
}

TEST(BlockMatch, SeedOutsideTheImageIsPulledBackAndTemplateOutsideIsRejected) {
  const Texture t(400, 64);
  const auto img = t.render(64, 0, 0);
  const MatchResult outside = match_point(view(img, 64), view(img, 64), 3, 3, 0, 0, MatchSettings{6, 2, 2});
  EXPECT_EQ(outside.status, kMatchOutside);
  // A seed whose template would leave the image: the tissue left the field of view.
  const MatchResult gone = match_point(view(img, 64), view(img, 64), 32, 32, 40.0f, 0, MatchSettings{6, 2, 2});
  EXPECT_EQ(gone.status, kMatchOutside);
  // A seed two px off is searched around, not trusted blindly.
  const MatchResult off = match_point(view(img, 64), view(img, 64), 32, 32, 2.0f, -2.0f, MatchSettings{6, 1, 2});
  EXPECT_EQ(off.status, kMatchOk);
  EXPECT_NEAR(off.dx, 0.0f, 0.01f);
  EXPECT_NEAR(off.dy, 0.0f, 0.01f);
}

TEST(BlockMatch, ASeedThatIsNotANumberIsNoSeed) {
  const Texture t(400, 64);
  const auto a = t.render(64, 0, 0), b = t.render(64, 1.3, -0.4);
  const MatchResult unseeded = match_point(view(a, 64), view(b, 64), 32, 32, 0, 0, MatchSettings{6, 2, 2});
  for (float bad : {std::nanf(""), INFINITY, -1e30f}) {
    const MatchResult r = match_point(view(a, 64), view(b, 64), 32, 32, bad, bad, MatchSettings{6, 2, 2});
    EXPECT_EQ(r.status, unseeded.status) << bad;
    EXPECT_EQ(r.dx, unseeded.dx) << bad;
    EXPECT_EQ(r.dy, unseeded.dy) << bad;
    // Where nothing can be matched the seed is returned: a number, not the bad one.
    const MatchResult outside = match_point(view(a, 64), view(b, 64), 3, 3, bad, bad, MatchSettings{6, 2, 2});
    EXPECT_EQ(outside.status, kMatchOutside);
    EXPECT_EQ(outside.dx, 0.0f) << bad;
    EXPECT_EQ(outside.dy, 0.0f) << bad;
  }
}

}  // namespace ft::gpu
