#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "BackendSelfTest.h"
#include "HostWarp.h"
#include "ImagePyramid.h"
#include "MatcherBackend.h"
#include "MatchProbes.h"
#include "WarpMatch.h"
#include "ft/gpu/TrackingParameters.h"

// The CUDA kernel's per-point algorithm (WarpMatch.h) run on the host by 32 fibres (32
// threads under ThreadSanitizer) standing in for a warp's lanes (HostWarp.h), against the
// CPU's match_point() on the same points: image borders, flat patches, seeds up to 40 px
// (some pointing out of the image), templates up to 33 x 33 and every search radius. Every tile is its own exact-size
// allocation and so is every image, so AddressSanitizer sees a read one float outside.
namespace ft::gpu {
namespace {

MatchResult on_host_warp(const ImageView& a, const ImageView& b, const SplineViews& splines, const test::MatchProbe& p,
                         const MatchSettings& s) {
  const WarpTileSizes sizes = warp_tile_sizes(s);
  std::vector<float> tile_a(std::size_t(sizes.a_floats())), tile_b(std::size_t(sizes.b_floats())), score(kMaxScores);
  const WarpTiles tiles{tile_a.data(), tile_b.data(), score.data()};
  std::vector<MatchResult> per_lane(kWarpLanes);
  // The search the kernel for this radius is built with (the CUDA backend's dispatch).
  with_search_for(s, [&](auto search) {
    test::HostWarp::run([&](const test::HostWarp::Lane& lane) {
      per_lane[std::size_t(lane.lane())] = warp_match_point(lane, a, b, splines, p.x, p.y, p.seed_dx, p.seed_dy, s, tiles, search);
    });
  });
  for (const MatchResult& r : per_lane) {  // every lane took the same decisions
    EXPECT_EQ(r.status, per_lane[0].status);
    EXPECT_EQ(r.dx, per_lane[0].dx);
    EXPECT_EQ(r.quality, per_lane[0].quality);
  }
  return per_lane[0];
}

// The kernel's algorithm behind the matcher interface: CPU pyramids, each point matched
// by an emulated warp (slowly: for the self-test, not for tracking).
class EmulatedKernelMatcher final : public MatcherBackend {
 public:
  void set_frames(const std::vector<float>& previous, const std::vector<float>& next, int width, int height, int levels) override {
    previous_.build(previous, width, height, levels);
    next_.build(next, width, height, levels);
  }
  LevelSize level_size(int level) const override { return {previous_.width(level), previous_.height(level)}; }
  void match(int level, bool forward, const std::vector<GridPoint>& points, int, const std::vector<float>& seed_dx,
             const std::vector<float>& seed_dy, const MatchSettings& s, std::vector<MatchResult>& results) override {
    const ImagePyramid &from = forward ? previous_ : next_, &to = forward ? next_ : previous_;
    const ImageView a = from.view(level), b = to.view(level);
    const SplineViews splines(from.spline(level), to.spline(level));
    results.resize(points.size());
    for (std::size_t i = 0; i < points.size(); ++i)
      results[i] = on_host_warp(a, b, splines, {points[i].x, points[i].y, seed_dx[i], seed_dy[i]}, s);
  }

 private:
  ImagePyramid previous_, next_;
};

void expect_same_as_cpu(const test::MatchScene& scene, const MatchSettings& s) {
  const ImageView a = scene.view_a(), b = scene.view_b();
  const SplineViews splines = scene.splines();
  int ok = 0;
  for (const test::MatchProbe& p : test::match_probes(s.half)) {
    const MatchResult cpu = match_point(a, b, splines, p.x, p.y, p.seed_dx, p.seed_dy, s);
    const MatchResult warp = on_host_warp(a, b, splines, p, s);
    SCOPED_TRACE(testing::Message() << "point (" << p.x << ", " << p.y << ") seed (" << p.seed_dx << ", " << p.seed_dy
                                    << ") half " << s.half << " radius " << s.radius);
    ASSERT_EQ(int(warp.status), int(cpu.status));
    // Summation order is all that differs.
    EXPECT_NEAR(warp.dx, cpu.dx, 2e-3);
    EXPECT_NEAR(warp.dy, cpu.dy, 2e-3);
    EXPECT_NEAR(warp.quality, cpu.quality, 2e-4);
    ok += cpu.status == kMatchOk;
  }
  EXPECT_GT(ok, 8) << "too few points matched to compare";
}

}  // namespace

// What a GPU running this kernel faithfully must pass before tracking uses it.
TEST(WarpMatchEmulation, TheKernelsAlgorithmPassesTheStartUpSelfTest) {
  EmulatedKernelMatcher emulated;
  EXPECT_EQ(self_test_failure(emulated), "");
}

TEST(WarpMatchEmulation, TileSizesFitTheLargestTemplateAndSearch) {
  const WarpTileSizes largest = warp_tile_sizes({kMaxHalf, kMaxSearchRadius, 2});
  EXPECT_EQ(largest.floats(), kMaxWarpFloats);
  // More than asked is clamped as match_point() clamps it.
  EXPECT_EQ(warp_tile_sizes({kMaxHalf + 5, kMaxSearchRadius + 3, 2}).floats(), kMaxWarpFloats);
  // The sub-pixel step's window (side + 3) fits in B's tile at radius 1 and 0.
  for (int r : {0, 1}) EXPECT_GE(warp_tile_sizes({8, r, 2}).b_side, 17 + 3);
}

TEST(WarpMatchEmulation, SmallTemplatesAndEveryRadiusMatchTheCpu) {
  const test::MatchScene scene = test::make_match_scene(2.3, -1.6, 120.0f, 30.0f);
  for (int radius = 0; radius <= kMaxSearchRadius; ++radius) expect_same_as_cpu(scene, {4, radius, 2});
}

TEST(WarpMatchEmulation, TheProductsTemplatesMatchTheCpu) {
  const test::MatchScene scene = test::make_match_scene(2.3, -1.6, 120.0f, 30.0f);
  expect_same_as_cpu(scene, {8, 1, 1});  // fine level
  expect_same_as_cpu(scene, {5, 2, 1});  // coarse levels
  const TrackingParameters product;       // ... with the product's steps on the spline
  expect_same_as_cpu(scene, {8, 1, 1, product.spline_refine_steps});
  expect_same_as_cpu(scene, {5, 2, 1, product.spline_refine_steps});
  expect_same_as_cpu(scene, {8, 1, 0, 2});  // the peak fit alone (that it takes no spline step: BlockMatchTest)
}

TEST(WarpMatchEmulation, A33PxTemplateWithTheWidestSearchMatchesTheCpu) {
  const test::MatchScene scene = test::make_match_scene(-3.4, 2.7, 120.0f, 30.0f);
  expect_same_as_cpu(scene, {kMaxHalf, kMaxSearchRadius, 3});
  expect_same_as_cpu(scene, {kMaxHalf, 2, 2});
  expect_same_as_cpu(scene, {kMaxHalf, 2, 1, 2});
}

TEST(WarpMatchEmulation, SixteenBitValuesMatchTheCpu) {
  const test::MatchScene scene = test::make_match_scene(1.7, 0.4, 30000.0f, 2000.0f);
  expect_same_as_cpu(scene, {8, 1, 2});
  expect_same_as_cpu(scene, {6, 3, 2});
  expect_same_as_cpu(scene, {8, 1, 1, 2});
}

}  // namespace ft::gpu
