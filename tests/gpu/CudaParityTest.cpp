#include <gtest/gtest.h>

#include <cmath>

#include "TrackingScenes.h"
#include "ft/gpu/SpeckleTracker.h"

// CUDA and CPU run the same per-point code (BlockMatch.h); they may differ only by
// float summation order: within 0.01 px on points both trust.
namespace ft::gpu {

TEST(CudaParity, CudaAndCpuAgreeOnTheSameFrames) {
  if (!cuda_device_available())
    GTEST_SKIP() << "no CUDA device on this machine: the parity test runs where a GPU exists";
  const sim::SimulatedExam exam(sim::make_preset("full_tear", 4));
  for (int step : {4, 8}) {
    TrackingParameters p;
    p.grid_step_px = step;
    SpeckleTracker cpu(p, Backend::Cpu), cuda(p, Backend::Cuda);
    const DisplacementField a = cpu.track(exam.render_frame(14), exam.render_frame(15), exam.region());
    const DisplacementField b = cuda.track(exam.render_frame(14), exam.render_frame(15), exam.region());
    ASSERT_EQ(a.size(), b.size());
    std::size_t both = 0, agree_valid = 0;
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      agree_valid += a.valid[i] == b.valid[i];
      if (!a.valid[i] || !b.valid[i]) continue;
      ++both;
      worst = std::max(worst, double(std::hypot(a.dx_px[i] - b.dx_px[i], a.dy_px[i] - b.dy_px[i])));
    }
    EXPECT_GT(double(agree_valid) / double(a.size()), 0.99);
    EXPECT_GT(both, a.size() / 2);
    EXPECT_LT(worst, 0.01) << "grid step " << step;
  }
}

}  // namespace ft::gpu
