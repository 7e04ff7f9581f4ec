// Where the CPU backend takes its spline steps from: every pyramid level keeps its own cubic
// B-spline coefficients, and the CPU matcher steps on them. Without these the bias tests would
// pass on raw samples stepped with B-spline weights (bias about as small, per-point error three
// times larger: BlockMatchTest's pin holds the error too).
#include <gtest/gtest.h>

#include <cmath>
#include <utility>
#include <vector>

#include "ImagePyramid.h"
#include "MatchProbes.h"
#include "MatcherBackend.h"
#include "PyramidLevels.h"
#include "WorkerPool.h"
#include "ft/gpu/BlockMatch.h"
#include "ft/gpu/SplineSampling.h"

namespace ft::gpu {
namespace {

constexpr int kSide = test::kMatchSceneSide;

// The full-resolution level keeps its spline's coefficients and gradient gain; the coarser
// ones, where PairPlan takes no step on the spline, none.
TEST(SplineWiring, TheFullResolutionLevelKeepsItsSplineAndNoCoarserOne) {
  const test::MatchScene scene = test::make_match_scene(2.3, -1.6, 120.0f, 30.0f);
  ImagePyramid pyramid;
  pyramid.build(scene.b, kSide, kSide - 5, 4);  // not square, odd heights further down
  for (int l = 0; l < pyramid.levels(); ++l) {
    const ImageView level = pyramid.view(l);
    const SplineLevel spline = pyramid.spline(l);
    if (l >= kSplineLevels) {
      EXPECT_EQ(spline.coefficients.data, nullptr) << "level " << l;
      EXPECT_EQ(spline.gain, nullptr) << "level " << l;
      continue;
    }
    std::vector<float> image, want;
    for (int y = 0; y < level.height; ++y)
      for (int x = 0; x < level.width; ++x) image.push_back(level.at(x, y));
    want = image;
    spline_coefficients(want.data(), level.width, level.height);
    ASSERT_EQ(spline.coefficients.width, level.width);
    ASSERT_EQ(spline.coefficients.height, level.height);
    int differ = 0;
    for (int y = 0; y < level.height; ++y)
      for (int x = 0; x < level.width; ++x) differ += spline.coefficients.at(x, y) != want[std::size_t(y) * level.width + x];
    EXPECT_EQ(differ, 0) << "level " << l;
    ASSERT_NE(spline.gain, nullptr);
    const SplineGain gain = spline_gain(image.data(), want.data(), level.width, level.height);
    EXPECT_EQ(spline.gain->x, gain.x) << "level " << l;
    EXPECT_EQ(spline.gain->y, gain.y) << "level " << l;
  }
}

TEST(SplineWiring, TheCpuMatcherStepsOnTheSplineCoefficients) {
  const test::MatchScene scene = test::make_match_scene(2.3, -1.6, 120.0f, 30.0f);
  WorkerPool pool(0);
  const auto cpu = make_cpu_matcher(pool);
  cpu->set_frames(scene.a, scene.b, kSide, kSide, 1);
  const MatchSettings settings{8, 1, 1, 2};
  std::vector<GridPoint> points;
  std::vector<float> seed_dx, seed_dy;
  for (const test::MatchProbe& p : test::match_probes(settings.half)) {
    points.push_back({p.x, p.y});
    seed_dx.push_back(p.seed_dx);
    seed_dy.push_back(p.seed_dy);
  }
  std::vector<MatchResult> got;
  cpu->match(0, true, points, int(points.size()), seed_dx, seed_dy, settings, got);
  ASSERT_EQ(got.size(), points.size());
  int on_samples_differ = 0, ok = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const MatchResult want = match_point(scene.view_a(), scene.view_b(), scene.splines(), points[i].x, points[i].y,
                                         seed_dx[i], seed_dy[i], settings);
    SCOPED_TRACE(testing::Message() << "point (" << points[i].x << ", " << points[i].y << ")");
    ASSERT_EQ(int(got[i].status), int(want.status));
    // ft_gpu may add in another order (-fassociative-math): a few 1e-6 px apart.
    EXPECT_NEAR(got[i].dx, want.dx, 1e-4);
    EXPECT_NEAR(got[i].dy, want.dy, 1e-4);
    EXPECT_NEAR(got[i].quality, want.quality, 1e-5);
    // Stepping on B's raw samples instead (with the spline's weights) lands elsewhere.
    const MatchResult on_samples = match_point(scene.view_a(), scene.view_b(), SplineViews({scene.view_a(), &scene.a_gain}, {scene.view_b(), &scene.b_gain}), points[i].x, points[i].y,
                                               seed_dx[i], seed_dy[i], settings);
    on_samples_differ += std::fabs(on_samples.dx - want.dx) > 1e-3f || std::fabs(on_samples.dy - want.dy) > 1e-3f;
    ok += want.status == kMatchOk;
  }
  EXPECT_GT(ok, 8);
  EXPECT_GT(on_samples_differ, ok / 2) << "the coefficients made no difference: the test would not see them missing";
}

}  // namespace
}  // namespace ft::gpu
