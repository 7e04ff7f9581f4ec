// The host's stand-in for a warp (HostWarp.h), which the kernel emulation tests rest on: a
// sync() is a barrier for all 32 lanes, sum() gives every lane the warp's total, and (with
// fibres) a lane that stops where the others do not fails the test rather than hanging it.
#include <gtest/gtest.h>
#include <gtest/gtest-spi.h>

#include <vector>

#include "HostWarp.h"

namespace ft::test {
namespace {

TEST(HostWarp, EveryLaneSeesWhatAllLanesWroteBeforeASync) {
  std::vector<int> shared(gpu::kWarpLanes, -1);
  std::vector<int> seen(gpu::kWarpLanes, -1);
  HostWarp::run([&](const HostWarp::Lane& lane) {
    for (int step = 0; step < 3; ++step) {
      shared[std::size_t(lane.lane())] = 100 * step + lane.lane();
      lane.sync();
      const int neighbour = (lane.lane() + 1) % gpu::kWarpLanes;
      if (shared[std::size_t(neighbour)] != 100 * step + neighbour) seen[std::size_t(lane.lane())] = step;
      lane.sync();  // nobody writes the next step's value while a neighbour still reads
    }
  });
  for (int lane = 0; lane < gpu::kWarpLanes; ++lane) EXPECT_EQ(seen[std::size_t(lane)], -1) << "lane " << lane;
}

TEST(HostWarp, ASumGivesEveryLaneTheWarpsTotalEvenBackToBack) {
  std::vector<float> first(gpu::kWarpLanes), second(gpu::kWarpLanes);
  HostWarp::run([&](const HostWarp::Lane& lane) {
    // Back to back, as the kernel's template sums are: the second must not read the first's values.
    first[std::size_t(lane.lane())] = lane.sum(float(lane.lane()));
    second[std::size_t(lane.lane())] = lane.sum(1.0f);
  });
  for (int lane = 0; lane < gpu::kWarpLanes; ++lane) {
    EXPECT_EQ(first[std::size_t(lane)], 496.0f) << "lane " << lane;  // 0 + 1 + ... + 31
    EXPECT_EQ(second[std::size_t(lane)], 32.0f) << "lane " << lane;
  }
}

#if !defined(__SANITIZE_THREAD__)  // 32 threads would wait forever at the divergent sync()
TEST(HostWarp, ASyncOnlySomeLanesReachFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(HostWarp::run([](const HostWarp::Lane& lane) {
                            if (lane.lane() < 16) lane.sync();
                          }),
                          "stopped elsewhere than lane 0");
}
#endif

}  // namespace
}  // namespace ft::test
