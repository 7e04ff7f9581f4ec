#include <gtest/gtest.h>

#include <cmath>

#include "MatcherBackend.h"
#include "WorkerPool.h"
#include "MatchProbes.h"
#include "TrackingScenes.h"
#include "ft/gpu/GpuReport.h"
#include "ft/gpu/SpeckleTracker.h"

// Run where a GPU exists (scripts/gpu-check runs them under compute-sanitizer too).
// CUDA and CPU run the same algorithm; they may differ only by float summation order.
// Without a GPU, WarpMatchEmulation runs the kernel's algorithm on the host instead.
namespace ft::gpu {
namespace {

#define FT_REQUIRE_CUDA_DEVICE() \
  if (!cuda_device_available()) GTEST_SKIP() << "no CUDA device on this machine: runs where a GPU exists (scripts/gpu-check)"

#if defined(FT_HAVE_CUDA)
struct ParityCase {
  test::MatchScene scene;
  MatchSettings settings;
  const char* what;
};

void expect_points_match(MatcherBackend& cuda, MatcherBackend& cpu, const ParityCase& c, int level, bool forward) {
  const int scale = 1 << level;
  std::vector<GridPoint> points;
  std::vector<float> seed_dx, seed_dy;
  for (const test::MatchProbe& p : test::match_probes(c.settings.half)) {
    if (p.x / scale >= test::kMatchSceneSide / scale || p.y / scale >= test::kMatchSceneSide / scale) continue;
    points.push_back({p.x / scale, p.y / scale});
    seed_dx.push_back((forward ? 1.0f : -1.0f) * p.seed_dx / float(scale));
    seed_dy.push_back((forward ? 1.0f : -1.0f) * p.seed_dy / float(scale));
  }
  std::vector<MatchResult> got, want;
  cuda.match(level, forward, points, int(points.size()), seed_dx, seed_dy, c.settings, got);
  cpu.match(level, forward, points, int(points.size()), seed_dx, seed_dy, c.settings, want);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(testing::Message() << c.what << ", level " << level << (forward ? " forward" : " backward") << ", point ("
                                    << points[i].x << ", " << points[i].y << ")");
    ASSERT_EQ(int(got[i].status), int(want[i].status));
    EXPECT_NEAR(got[i].dx, want[i].dx, 2e-3);
    EXPECT_NEAR(got[i].dy, want[i].dy, 2e-3);
    EXPECT_NEAR(got[i].quality, want[i].quality, 2e-4);
  }
}

#endif

}  // namespace

TEST(CudaParity, EveryPointMatchesTheCpu) {
#if !defined(FT_HAVE_CUDA)
  GTEST_SKIP() << "built without CUDA (nvcc was not found)";
#else
  FT_REQUIRE_CUDA_DEVICE();
  auto cuda = make_cuda_matcher();
  WorkerPool pool(0);
  auto cpu = make_cpu_matcher(pool);
  const ParityCase cases[] = {
      {test::make_match_scene(2.3, -1.6, 120.0f, 30.0f), {8, 1, 1}, "8-bit, fine level settings"},
      {test::make_match_scene(2.3, -1.6, 120.0f, 30.0f), {5, 2, 1}, "8-bit, coarse level settings"},
      {test::make_match_scene(-3.4, 2.7, 120.0f, 30.0f), {kMaxHalf, kMaxSearchRadius, 3}, "33 x 33 template, radius 4"},
      {test::make_match_scene(1.7, 0.4, 30000.0f, 2000.0f), {8, 1, 2}, "16-bit values"},
      {test::make_match_scene(1.7, 0.4, 30000.0f, 2000.0f), {6, 3, 2}, "16-bit values, radius 3"},
  };
  for (const ParityCase& c : cases) {
    cuda->set_frames(c.scene.a, c.scene.b, test::kMatchSceneSide, test::kMatchSceneSide, 2);
    cpu->set_frames(c.scene.a, c.scene.b, test::kMatchSceneSide, test::kMatchSceneSide, 2);
    for (int level : {0, 1})
      for (bool forward : {true, false}) expect_points_match(*cuda, *cpu, c, level, forward);
  }
#endif
}

TEST(CudaParity, TrackedFieldsMatchTheCpuWithSeedsAndForwardBackward) {
  FT_REQUIRE_CUDA_DEVICE();
  for (const char* preset : {"full_tear", "sliding"}) {
    const sim::SimulatedExam exam(sim::make_preset(preset, 4));
    for (int step : {4, 8}) {
      TrackingParameters p;
      p.grid_step_px = step;
      p.forward_backward = true;
      SpeckleTracker cpu(p, Backend::Cpu), cuda(p, Backend::Cuda);
      DisplacementField seed_cpu, seed_cuda;
      for (int k = 12; k < 16; ++k) {
        const DisplacementField a = cpu.track(exam.render_frame(k), exam.render_frame(k + 1), exam.region(), seed_cpu.size() ? &seed_cpu : nullptr);
        const DisplacementField b = cuda.track(exam.render_frame(k), exam.render_frame(k + 1), exam.region(), seed_cuda.size() ? &seed_cuda : nullptr);
        ASSERT_EQ(a.size(), b.size());
        std::size_t agree_valid = 0;
        double worst = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
          agree_valid += a.valid[i] == b.valid[i];
          if (a.valid[i] && b.valid[i]) worst = std::max(worst, double(std::hypot(a.dx_px[i] - b.dx_px[i], a.dy_px[i] - b.dy_px[i])));
        }
        EXPECT_GT(double(agree_valid) / double(a.size()), 0.99) << preset << " grid " << step << " pair " << k;
        EXPECT_LT(worst, 0.01) << preset << " grid " << step << " pair " << k;
        EXPECT_EQ(cuda.backend(), Backend::Cuda) << cuda.backend_note();
        seed_cpu = a;
        seed_cuda = b;
      }
    }
  }
}

TEST(CudaKernel, ResourcesAreAsDesigned) {
  FT_REQUIRE_CUDA_DEVICE();
  const GpuReport report = gpu_report();
  ASSERT_TRUE(report.device_present) << report.no_device;
  bool found = false;
  for (const KernelResources& k : report.kernels) {
    SCOPED_TRACE(k.name);
    EXPECT_EQ(k.local_bytes_per_thread, 0u) << "local memory: the kernel spills or keeps an array off registers";
    EXPECT_LE(k.static_shared_bytes + k.largest_dynamic_shared_bytes, 48u * 1024u) << "beyond the default without opt-in";
    EXPECT_LE(k.threads_per_block, k.max_threads_per_block) << "too many registers for the block size launched";
    found = found || k.name == "match_kernel";
  }
  EXPECT_TRUE(found);
}

TEST(CudaKernel, TheSelfTestPassesOnThisDevice) {
  FT_REQUIRE_CUDA_DEVICE();
  const SpeckleTracker tracker({}, Backend::Auto);
  EXPECT_EQ(tracker.backend(), Backend::Cuda) << tracker.backend_note();
  EXPECT_EQ(tracker.backend_note(), "");
}

}  // namespace ft::gpu
