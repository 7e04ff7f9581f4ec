#pragma once
// A warp on the host as 32 threads: they run the same warp function, as the lanes of a
// CUDA warp do, with the kernel's __syncwarp() points as barriers. sum() adds across lanes
// in the same butterfly order as the kernel's __shfl_xor_sync loop (the device may still
// differ in the last bits: nvcc fuses multiply-adds, the host build does not). Used under
// ThreadSanitizer, which sees a tile read by one lane while another writes it without a
// sync() (HostWarp.h). Slow where the CPU is shared: every barrier waits for all 32
// threads to be scheduled (the start-up self-test, 10 s alone on two cores, hardly moved
// while two busy loops ran beside it: 124 s beside two minutes of them; sleeping after a
// few yields instead of yielding did not help).
#include <atomic>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "ButterflySum.h"
#include "WarpMatch.h"

namespace ft::test {

class ThreadedWarp {
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
    // sum()'s exchange: (round << 32) | the value's bits, one array per round parity.
    std::atomic<std::uint64_t> slots[2][gpu::kWarpLanes] = {};

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
    // The exchange orders nothing but the values exchanged (relaxed atomics, double
    // buffered by round), as a shuffle orders no shared memory: ThreadSanitizer then
    // still sees a tile read by one lane while another writes it without a sync().
    float sum(float v) const {
      const std::uint32_t round = ++round_;
      auto& slots = shared_.slots[round & 1];
      slots[lane_].store((std::uint64_t(round) << 32) | bits(v), std::memory_order_relaxed);
      float values[gpu::kWarpLanes];
      for (int l = 0; l < gpu::kWarpLanes; ++l) {
        std::uint64_t x;
        while (std::uint32_t((x = slots[l].load(std::memory_order_relaxed)) >> 32) != round) std::this_thread::yield();
        values[l] = from_bits(std::uint32_t(x));
      }
      return butterfly_sum(values, lane_);
    }

   private:
    static std::uint32_t bits(float v) {
      std::uint32_t b;
      std::memcpy(&b, &v, sizeof b);
      return b;
    }
    static float from_bits(std::uint32_t b) {
      float v;
      std::memcpy(&v, &b, sizeof v);
      return v;
    }

    Shared& shared_;
    int lane_;
    mutable std::uint32_t round_ = 0;  // sums this lane has taken part in
  };
};

}  // namespace ft::test
