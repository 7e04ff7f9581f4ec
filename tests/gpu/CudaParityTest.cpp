#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include "MatcherBackend.h"
#include "WorkerPool.h"
#include "MatchProbes.h"
#include "TrackingScenes.h"
#include "ft/gpu/GpuReport.h"
#include "ft/gpu/SpeckleTracker.h"
#include "ft/gpu/SplineSampling.h"

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

// How far the GPU may differ from the CPU. The GPU contracts a * b + c into one fused
// multiply-add (one rounding instead of two), which the CPU build does not; the sums agree
// to ~1e-5 px where the match is well posed. Where the correlation is weak (below the
// tracker's min_quality, 0.35, a point it never trusts), the window's variance can be a
// sliver of texture at a flat patch's edge: ZNCC is then a ratio of two roundings, and the
// first H200 run measured 1e-3 of quality between CPU and GPU on such a point (-0.0004
// against -0.0014). The status must still agree everywhere.
const float kTrustedQuality = float(TrackingParameters{}.min_quality);
constexpr double kPositionPx = 2e-3, kQuality = 2e-4;             // trusted points
constexpr double kWeakPositionPx = 2e-2, kWeakQuality = 5e-3;     // points no tracker trusts

struct Worst {
  double position_px = 0, quality = 0;
  void take(const MatchResult& got, const MatchResult& want) {
    position_px = std::max({position_px, double(std::fabs(got.dx - want.dx)), double(std::fabs(got.dy - want.dy))});
    quality = std::max(quality, double(std::fabs(got.quality - want.quality)));
  }
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
  Worst trusted, weak;
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(testing::Message() << c.what << ", level " << level << (forward ? " forward" : " backward") << ", point ("
                                    << points[i].x << ", " << points[i].y << "): GPU (" << got[i].dx << ", " << got[i].dy
                                    << ") q " << got[i].quality << ", CPU (" << want[i].dx << ", " << want[i].dy << ") q "
                                    << want[i].quality);
    ASSERT_EQ(int(got[i].status), int(want[i].status));
    const bool is_trusted = want[i].quality >= kTrustedQuality || got[i].quality >= kTrustedQuality;
    (is_trusted ? trusted : weak).take(got[i], want[i]);
    const double position_px = is_trusted ? kPositionPx : kWeakPositionPx, quality = is_trusted ? kQuality : kWeakQuality;
    EXPECT_NEAR(got[i].dx, want[i].dx, position_px);
    EXPECT_NEAR(got[i].dy, want[i].dy, position_px);
    EXPECT_NEAR(got[i].quality, want[i].quality, quality);
  }
  // The figures for docs/benchmarks.md: how close the two are, not only that they pass.
  std::printf("parity %-32s level %d %-8s: trusted worst %.1e px, %.1e quality; weak worst %.1e px, %.1e quality\n", c.what,
              level, forward ? "forward" : "backward", trusted.position_px, trusted.quality, weak.position_px, weak.quality);
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
      {test::make_match_scene(2.3, -1.6, 120.0f, 30.0f), {8, 1, 1, 2}, "8-bit, fine level, spline steps"},
      {test::make_match_scene(-3.4, 2.7, 120.0f, 30.0f), {kMaxHalf, 2, 1, 2}, "33 x 33 template, spline steps"},
      {test::make_match_scene(1.7, 0.4, 30000.0f, 2000.0f), {5, 2, 1, 2}, "16-bit values, coarse, spline steps"},
  };
  for (const ParityCase& c : cases) {
    cuda->set_frames(c.scene.a, c.scene.b, test::kMatchSceneSide, test::kMatchSceneSide, 2);
    cpu->set_frames(c.scene.a, c.scene.b, test::kMatchSceneSide, test::kMatchSceneSide, 2);
    for (int level : {0, 1})
      for (bool forward : {true, false}) expect_points_match(*cuda, *cpu, c, level, forward);
  }
#endif
}

// The device's spline prefilter (a thread per row, then per column) and gradient gain against the host's
// spline_coefficients and spline_gain: the same functions, in another order; odd sizes and a line
// shorter than the causal start's 12 terms included.
TEST(CudaParity, TheDeviceSplineCoefficientsAndGainAreTheHosts) {
#if !defined(FT_HAVE_CUDA)
  GTEST_SKIP() << "built without CUDA (nvcc was not found)";
#else
  FT_REQUIRE_CUDA_DEVICE();
  const test::MatchScene scene = test::make_match_scene(2.3, -1.6, 30000.0f, 2000.0f);
  for (const auto& [width, height] : {std::pair{test::kMatchSceneSide, test::kMatchSceneSide}, std::pair{131, 77}, std::pair{9, 40}}) {
    const std::vector<float> image(scene.b.begin(), scene.b.begin() + std::ptrdiff_t(width) * height);
    std::vector<float> host = image, device = image;
    spline_coefficients(host.data(), width, height);
    const SplineGain device_gain = cuda_spline_coefficients(device, width, height);
    // The gain's sums in another order (blocks, then doubles added atomically).
    const SplineGain host_gain = spline_gain(image.data(), host.data(), width, height);
    EXPECT_NEAR(device_gain.x, host_gain.x, 1e-4 * host_gain.x) << width << " x " << height;
    EXPECT_NEAR(device_gain.y, host_gain.y, 1e-4 * host_gain.y) << width << " x " << height;
    double worst = 0, largest = 0;
    for (std::size_t i = 0; i < host.size(); ++i) {
      worst = std::max(worst, double(std::fabs(device[i] - host[i])));
      largest = std::max(largest, double(std::fabs(host[i])));
    }
    SCOPED_TRACE(testing::Message() << width << " x " << height);
    EXPECT_LE(worst, 1e-5 * largest) << "largest coefficient " << largest;
  }
#endif
}

// A 16-bit scanner's frame of the same scene: the GPU converts 16-bit samples itself.
Frame as_sixteen_bit(const Frame& f) {
  Frame out(f.width_px(), f.height_px(), PixelDepth::Bits16);
  const std::size_t n = std::size_t(f.width_px()) * std::size_t(f.height_px());
  for (std::size_t i = 0; i < n; ++i) out.data16()[i] = std::uint16_t(1000 + 200 * f.data8()[i]);
  return out;
}

TEST(CudaParity, TrackedFieldsMatchTheCpuWithSeedsAndForwardBackward) {
  FT_REQUIRE_CUDA_DEVICE();
  // "sized for a screen": as settings_at sizes the tracking of a recorded scanner screen, the
  // matcher's widest template (33 px) and a backward match allowed 3 times as far across.
  for (const char* preset : {"full_tear", "sliding", "full_tear 16-bit", "sliding sized for a screen"}) {
    const bool sixteen_bit = std::string(preset).find("16-bit") != std::string::npos;
    const bool screen = std::string(preset).find("screen") != std::string::npos;
    const sim::SimulatedExam exam(sim::make_preset(sixteen_bit ? "full_tear" : (screen ? "sliding" : preset), 4));
    const auto frame = [&](int k) { return sixteen_bit ? as_sixteen_bit(exam.render_frame(k)) : exam.render_frame(k); };
    for (int step : {4, 8, 16}) {  // 16: level 1 tracks the full grid (stride 1), no upsampling
      TrackingParameters p;
      p.grid_step_px = step;
      p.forward_backward = true;
      if (screen) {
        p.kernel_mm = 10.0;  // capped at 33 px
        p.forward_backward_lateral_scale = 3.0;
      }
      SpeckleTracker cpu(p, Backend::Cpu), cuda(p, Backend::Cuda);
      DisplacementField seed_cpu, seed_cuda;
      for (int k = 12; k < 16; ++k) {
        const Frame first = frame(k), second = frame(k + 1);
        const DisplacementField a = cpu.track(first, second, exam.region(), seed_cpu.size() ? &seed_cpu : nullptr);
        const DisplacementField b = cuda.track(first, second, exam.region(), seed_cuda.size() ? &seed_cuda : nullptr);
        ASSERT_EQ(a.size(), b.size());
        // Positions where both trust the point; correlation everywhere, held as tightly as the
        // per-point test holds it: where either side trusts the point, and loosely where neither
        // does (beside the bone's shadow a weak correlation is a ratio of two roundings). A
        // value that is not a number counts as the largest difference.
        const float trusted_quality = float(p.min_quality);
        std::size_t agree_valid = 0;
        double worst = 0, worst_quality = 0, worst_weak_quality = 0;
        const auto take = [](double& w, double d) { w = std::isnan(d) ? HUGE_VAL : std::max(w, d); };
        for (std::size_t i = 0; i < a.size(); ++i) {
          agree_valid += a.valid[i] == b.valid[i];
          if (a.valid[i] && b.valid[i]) take(worst, std::hypot(a.dx_px[i] - b.dx_px[i], a.dy_px[i] - b.dy_px[i]));
          const bool trusted = a.quality[i] >= trusted_quality || b.quality[i] >= trusted_quality;
          take(trusted ? worst_quality : worst_weak_quality, std::fabs(a.quality[i] - b.quality[i]));
        }
        std::printf("parity %s grid %d pair %d: %.4f of points agree on validity, worst %.1e px, quality %.1e (weak %.1e)\n",
                    preset, step, k, double(agree_valid) / double(a.size()), worst, worst_quality, worst_weak_quality);
        EXPECT_GT(double(agree_valid) / double(a.size()), 0.99) << preset << " grid " << step << " pair " << k;
        EXPECT_LT(worst, 0.01) << preset << " grid " << step << " pair " << k;
        EXPECT_LT(worst_quality, 2e-4) << preset << " grid " << step << " pair " << k;
        EXPECT_LT(worst_weak_quality, 5e-2) << preset << " grid " << step << " pair " << k;
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
    found = found || k.name == "match_kernel radius 1";  // the fine level's
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
