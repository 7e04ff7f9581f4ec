#pragma once
// A warp on the host as 32 fibres on one thread: each lane runs the warp function on its own
// stack until it reaches a __syncwarp() point (sync()) or a shuffle sum (sum()), then hands
// over to the next lane; after lane 31 the scheduler checks the round and lane 0 resumes.
// Every lane has then reached the same point: a barrier, without threads, in a fixed order,
// at any load of the machine.
// sum() adds across lanes in the same butterfly order as the kernel's __shfl_xor_sync loop.
// A lane that reaches a different point than lane 0 in the same round (a sync() in divergent
// code, which a warp would deadlock or misorder on) fails the test. Used under
// AddressSanitizer too (tile indexing): the stack switches are announced to it.
#include <gtest/gtest.h>
#include <ucontext.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "WarpMatch.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace ft::test {

class FiberWarp {
  // Where a lane stopped: what the scheduler compares across the lanes of one round.
  enum class Stop { Running, Sync, Sum, Done };

  struct Fiber {
    ucontext_t context{};
    std::unique_ptr<char[]> stack;
    Stop stop = Stop::Running;
    // sum()'s contributions, by the parity of the lane's sums so far: lanes before this one
    // in a round may already have set their next value when this one reads the last.
    float values[2] = {0.0f, 0.0f};
  };

  static constexpr std::size_t kStackBytes = 256 * 1024;

  // The lanes and the scheduler's context; the warp function is Warp's.
  struct Fibres {
    ucontext_t scheduler{};
    Fiber fibers[gpu::kWarpLanes];
    const void* scheduler_stack = nullptr;  // AddressSanitizer's record of the scheduler's stack
    std::size_t scheduler_stack_bytes = 0;

    // From lane `lane`, stopped at `stop`, on to the next lane, or after the last back to
    // the scheduler: one switch per lane and round.
    void leave(int lane, Stop stop) {
      fibers[lane].stop = stop;
      const bool last = lane + 1 == gpu::kWarpLanes;
      ucontext_t& to = last ? scheduler : fibers[lane + 1].context;
#if defined(__SANITIZE_ADDRESS__)
      void* fake_stack = nullptr;
      __sanitizer_start_switch_fiber(stop == Stop::Done ? nullptr : &fake_stack,
                                     last ? scheduler_stack : fibers[lane + 1].stack.get(),
                                     last ? scheduler_stack_bytes : kStackBytes);
      swapcontext(&fibers[lane].context, &to);
      __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#else
      swapcontext(&fibers[lane].context, &to);
#endif
    }

    // From the scheduler through one round of all lanes.
    void round() {
#if defined(__SANITIZE_ADDRESS__)
      void* fake_stack = nullptr;
      __sanitizer_start_switch_fiber(&fake_stack, fibers[0].stack.get(), kStackBytes);
      swapcontext(&scheduler, &fibers[0].context);
      __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#else
      swapcontext(&scheduler, &fibers[0].context);
#endif
    }
  };

  template <class F>
  struct Warp : Fibres {
    explicit Warp(F& f) : lane_function(f) {}
    F& lane_function;
  };

 public:
  // What warp_match_point() sees: one lane of the warp.
  class Lane {
   public:
    int lane() const { return lane_; }
    void sync() const { fibres_.leave(lane_, Stop::Sync); }
    float sum(float v) const {
      const unsigned parity = sums_++ & 1u;
      fibres_.fibers[lane_].values[parity] = v;
      fibres_.leave(lane_, Stop::Sum);
      // Every lane has set its value of this sum (the round ended).
      float values[gpu::kWarpLanes];
      for (int l = 0; l < gpu::kWarpLanes; ++l) values[l] = fibres_.fibers[l].values[parity];
      for (int offset = gpu::kWarpLanes / 2; offset > 0; offset /= 2) {
        float next[gpu::kWarpLanes];
        for (int l = 0; l < gpu::kWarpLanes; ++l) next[l] = values[l] + values[l ^ offset];
        for (int l = 0; l < gpu::kWarpLanes; ++l) values[l] = next[l];
      }
      return values[lane_];
    }

   private:
    friend class FiberWarp;
    Lane(Fibres& fibres, int lane) : fibres_(fibres), lane_(lane) {}
    Fibres& fibres_;
    int lane_;
    mutable unsigned sums_ = 0;  // sums this lane has taken part in
  };

  // Runs `lane_function(lane_view)` for the 32 lanes and returns when all have returned.
  template <class F>
  static void run(F lane_function) {
    auto warp = std::make_unique<Warp<F>>(lane_function);
    for (int lane = 0; lane < gpu::kWarpLanes; ++lane) start(*warp, lane);
    for (int round = 0;; ++round) {
      warp->round();
      const Stop first = warp->fibers[0].stop;
      for (int lane = 1; lane < gpu::kWarpLanes; ++lane)
        if (warp->fibers[lane].stop != first) {
          ADD_FAILURE() << "lane " << lane << " stopped elsewhere than lane 0 in round " << round
                        << " (a sync() or sum() in divergent code)";
          return;  // the fibres' stacks are freed with their unfinished frames: nothing there owns memory
        }
      if (first == Stop::Done) return;
    }
  }

 private:
  template <class F>
  static void start(Warp<F>& warp, int lane) {
    Fiber& fiber = warp.fibers[lane];
    fiber.stack.reset(new char[kStackBytes]);
    getcontext(&fiber.context);
    fiber.context.uc_stack.ss_sp = fiber.stack.get();
    fiber.context.uc_stack.ss_size = kStackBytes;
    fiber.context.uc_link = nullptr;
    // makecontext passes ints: the warp's address in two halves.
    const auto address = reinterpret_cast<std::uintptr_t>(&warp);
    makecontext(&fiber.context, reinterpret_cast<void (*)()>(&body<F>), 3, int(address >> 32),
                int(address & 0xffffffffu), lane);
  }

  template <class F>
  static void body(int high, int low, int lane) {
    auto* warp = reinterpret_cast<Warp<F>*>((std::uintptr_t(unsigned(high)) << 32) | unsigned(low));
#if defined(__SANITIZE_ADDRESS__)
    // Lane 0 is entered from the scheduler: where its stack is, for the last lane's return.
    if (lane == 0) __sanitizer_finish_switch_fiber(nullptr, &warp->scheduler_stack, &warp->scheduler_stack_bytes);
    else __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
    // An exception must not leave the fibre (there is no frame below it to catch it): the
    // warp functions tested here throw none.
    warp->lane_function(Lane(*warp, lane));
    warp->leave(lane, Stop::Done);  // never resumed
  }
};

}  // namespace ft::test
