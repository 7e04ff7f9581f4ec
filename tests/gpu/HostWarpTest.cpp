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

#if !defined(__SANITIZE_THREAD__)  // 32 threads would wait forever at a divergent sync()
// Warp functions with a sync() in divergent code. Outside the test macros: inside one, every
// call would have the macro's line.
void half_the_lanes_sync(const HostWarp::Lane& lane) {
  if (lane.lane() < 16) lane.sync();
}
void halves_sync_at_two_places(const HostWarp::Lane& lane) {
  if (lane.lane() < 16)
    lane.sync();
  else
    lane.sync();
}

TEST(HostWarp, ASyncOnlySomeLanesReachFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(HostWarp::run(half_the_lanes_sync), "stopped elsewhere than lane 0");
}

TEST(HostWarp, LanesAtTwoDifferentSyncsFailTheTest) {
  EXPECT_NONFATAL_FAILURE(HostWarp::run(halves_sync_at_two_places), "stopped elsewhere than lane 0");
}

// Lanes take turns in both orders: a value one lane writes and the others read without a
// sync() between is missed by some lane in one of them, whichever lane writes.
TEST(HostWarp, AMissingSyncShowsWhicheverLaneWrites) {
  for (const int writer : {0, gpu::kWarpLanes - 1}) {
    int shared = 0;
    int stale = 0;
    HostWarp::run([&](const HostWarp::Lane& lane) {
      for (int step = 1; step <= 2; ++step) {
        if (lane.lane() == writer) shared = step;
        // the sync() that belongs here is missing
        if (shared != step) ++stale;
        lane.sync();
      }
    });
    EXPECT_GT(stale, 0) << "writer " << writer;
  }
}
#endif

#if defined(__SANITIZE_ADDRESS__)
// A lane's stack array read one past its end after a sync(): ASan still knows the array's
// redzone after the lane's stack was switched away from and back. (UBSan, which the asan
// preset adds, would report it first from what it knows of the array at compile time.)
__attribute__((no_sanitize("undefined"))) void read_past_a_stack_array_after_a_sync(const HostWarp::Lane& lane) {
  float local[8] = {};
  volatile int past_the_end = 8;
  lane.sync();
  if (lane.lane() == 3) local[0] = local[past_the_end];
}

TEST(HostWarpDeathTest, AddressSanitizerSeesAStackOverflowAfterASync) {
  EXPECT_DEATH(HostWarp::run(read_past_a_stack_array_after_a_sync), "stack-buffer-overflow");
}
#endif

}  // namespace
}  // namespace ft::test
