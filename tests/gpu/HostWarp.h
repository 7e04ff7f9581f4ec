#pragma once
// A warp on the host: 32 threads run the same warp function, as the lanes of a CUDA
// warp do, with the kernel's synchronisation points as barriers. sum() adds across
// lanes in the same butterfly order as the kernel's __shfl_xor_sync loop, so each lane
// gets the same bits the GPU would. Used to test WarpMatch.h without a GPU, under
// AddressSanitizer (tile indexing) and ThreadSanitizer (a missing sync).
#include <atomic>
#include <thread>
#include <vector>

#include "WarpMatch.h"

namespace ft::test {

class HostWarp {
 public:
  // Runs `lane_function(lane_view)` on 32 threads and waits for all of them.
  template <class F>
  static void run(F lane_function) {
    Shared shared;
    std::vector<std::thread> lanes;
    for (int lane = 0; lane < gpu::kWarpLanes; ++lane)
      lanes.emplace_back([&shared, &lane_function, lane] { lane_function(Lane(shared, lane)); });
    for (auto& t : lanes) t.join();
  }

 private:
  // A barrier for the 32 lane threads. They yield while waiting rather than sleep: a
  // warp function passes hundreds of barriers, and a futex sleep and wake-up for each of
  // 32 threads made the tests ten times slower on two cores.
  struct Shared {
    std::atomic<int> waiting{0};
    std::atomic<long> generation{0};
    float slots[gpu::kWarpLanes] = {};

    void barrier() {
      const long mine = generation.load(std::memory_order_acquire);
      if (waiting.fetch_add(1, std::memory_order_acq_rel) + 1 == gpu::kWarpLanes) {
        waiting.store(0, std::memory_order_relaxed);
        generation.fetch_add(1, std::memory_order_acq_rel);
      } else {
        while (generation.load(std::memory_order_acquire) == mine) std::this_thread::yield();
      }
    }
  };

 public:
  // What warp_match_point() sees: one lane of the warp.
  class Lane {
   public:
    Lane(Shared& shared, int lane) : shared_(shared), lane_(lane) {}
    int lane() const { return lane_; }
    void sync() const { shared_.barrier(); }
    float sum(float v) const {
      shared_.slots[lane_] = v;
      shared_.barrier();
      float values[gpu::kWarpLanes];
      for (int l = 0; l < gpu::kWarpLanes; ++l) values[l] = shared_.slots[l];
      shared_.barrier();  // everyone has read the slots before they are written again
      for (int offset = gpu::kWarpLanes / 2; offset > 0; offset /= 2) {
        float next[gpu::kWarpLanes];
        for (int l = 0; l < gpu::kWarpLanes; ++l) next[l] = values[l] + values[l ^ offset];
        for (int l = 0; l < gpu::kWarpLanes; ++l) values[l] = next[l];
      }
      return values[lane_];
    }

   private:
    Shared& shared_;
    int lane_;
  };
};

}  // namespace ft::test
