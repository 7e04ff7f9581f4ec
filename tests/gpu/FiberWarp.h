#pragma once
// A warp on the host as 32 fibres on one thread: each lane runs the warp function on its own
// stack until it reaches a __syncwarp() point (sync()) or a shuffle sum (sum()), then hands
// over to the next lane; after the last the scheduler checks the round and a new one starts.
// Every lane has then reached the same call (the same line of the same file): a barrier,
// without threads, at any load of the machine. Rounds run the lanes 0..31 and 31..0 in
// turn, so that a missing sync() shows whichever lane writes what another reads (only
// ThreadSanitizer sees every such race: HostWarp.h). sum() adds across lanes in the same
// butterfly order as the kernel's __shfl_xor_sync loop. A lane that stops at another call
// than the others in the same round (a sync() or sum() in divergent code, which a warp
// would deadlock on or pair wrongly) fails the test. Under AddressSanitizer the stack
// switches are announced to it and made by libc's own swapcontext: ASan's interceptor of it
// would clear the whole lane stack's shadow at each switch, redzones of live frames included.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <memory>

#include "ButterflySum.h"
#include "WarpMatch.h"

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace ft::test {

class FiberWarp {
  // Where a lane stopped: what the scheduler compares across the lanes of one round.
  enum class Stop { Running, Sync, Sum, Done };

  // A lane's stack, with an inaccessible page below it: an overflow faults at once instead
  // of writing over the heap.
  class Stack {
   public:
    Stack() {
      page_ = std::size_t(sysconf(_SC_PAGESIZE));
      void* p = mmap(nullptr, page_ + kStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      base_ = static_cast<char*>(p);
      mprotect(base_, page_, PROT_NONE);
    }
    ~Stack() {
#if defined(__SANITIZE_ADDRESS__)
      // Frames that never returned (a finished lane's first, every frame of a lane left
      // behind at a divergence) keep their redzones poisoned: memory mapped here later
      // would inherit them.
      __asan_unpoison_memory_region(bottom(), kStackBytes);
#endif
      munmap(base_, page_ + kStackBytes);
    }
    Stack(const Stack&) = delete;
    Stack& operator=(const Stack&) = delete;
    char* bottom() const { return base_ + page_; }

   private:
    char* base_ = nullptr;
    std::size_t page_ = 0;
  };

  struct Fiber {
    ucontext_t context{};
    Stack stack;
    Stop stop = Stop::Running;
    const char* file = nullptr;  // the call it stopped at
    int line = 0;
    // sum()'s contributions, by the parity of the lane's sums so far: lanes before this one
    // in a round may already have set their next value when this one reads the last.
    float values[2] = {0.0f, 0.0f};
  };

  static constexpr std::size_t kStackBytes = 256 * 1024;

  // A context switch: libc's own under AddressSanitizer (see above).
  static void switch_context(ucontext_t* from, ucontext_t* to) {
#if defined(__SANITIZE_ADDRESS__)
    using Swap = int (*)(ucontext_t*, const ucontext_t*);
    static const Swap libc_swap = [] {
      void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
      return libc ? reinterpret_cast<Swap>(dlsym(libc, "swapcontext")) : nullptr;
    }();
    if (libc_swap) {
      libc_swap(from, to);
      return;
    }
#endif
    swapcontext(from, to);
  }

  // The lanes and the scheduler's context; the warp function is Warp's.
  struct Fibres {
    ucontext_t scheduler{};
    Fiber fibers[gpu::kWarpLanes];
    const void* scheduler_stack = nullptr;  // AddressSanitizer's record of the scheduler's stack
    std::size_t scheduler_stack_bytes = 0;
    bool reverse = false;  // this round runs lane 31 first

    // From lane `lane`, stopped at `stop` (at file:line), on to the next lane, or after the
    // last back to the scheduler: one switch per lane and round.
    void leave(int lane, Stop stop, const char* file = nullptr, int line = 0) {
      fibers[lane].stop = stop;
      fibers[lane].file = file;
      fibers[lane].line = line;
      const int next = reverse ? lane - 1 : lane + 1;
      const bool last = next < 0 || next == gpu::kWarpLanes;
      ucontext_t& to = last ? scheduler : fibers[next].context;
#if defined(__SANITIZE_ADDRESS__)
      void* fake_stack = nullptr;
      __sanitizer_start_switch_fiber(stop == Stop::Done ? nullptr : &fake_stack,
                                     last ? scheduler_stack : fibers[next].stack.bottom(),
                                     last ? scheduler_stack_bytes : kStackBytes);
      switch_context(&fibers[lane].context, &to);
      __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#else
      switch_context(&fibers[lane].context, &to);
#endif
    }

    // From the scheduler through one round of all lanes, from the first or the last.
    void round(bool from_last) {
      reverse = from_last;
      Fiber& first = fibers[from_last ? gpu::kWarpLanes - 1 : 0];
#if defined(__SANITIZE_ADDRESS__)
      void* fake_stack = nullptr;
      __sanitizer_start_switch_fiber(&fake_stack, first.stack.bottom(), kStackBytes);
      switch_context(&scheduler, &first.context);
      __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#else
      switch_context(&scheduler, &first.context);
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
    // The call site (GCC's builtins, evaluated where the warp function calls) tells apart
    // two sync()s or sum()s of the same function.
    void sync(const char* file = __builtin_FILE(), int line = __builtin_LINE()) const {
      fibres_.leave(lane_, Stop::Sync, file, line);
    }
    float sum(float v, const char* file = __builtin_FILE(), int line = __builtin_LINE()) const {
      const unsigned parity = sums_++ & 1u;
      fibres_.fibers[lane_].values[parity] = v;
      fibres_.leave(lane_, Stop::Sum, file, line);
      // Every lane has set its value of this sum (the round ended).
      float values[gpu::kWarpLanes];
      for (int l = 0; l < gpu::kWarpLanes; ++l) values[l] = fibres_.fibers[l].values[parity];
      return butterfly_sum(values, lane_);
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
      warp->round(round % 2 == 1);
      const Fiber& first = warp->fibers[0];
      for (int lane = 1; lane < gpu::kWarpLanes; ++lane) {
        const Fiber& f = warp->fibers[lane];
        if (f.stop != first.stop || f.line != first.line || !same_file(f.file, first.file)) {
          ADD_FAILURE() << "lane " << lane << " stopped elsewhere than lane 0 in round " << round << " ("
                        << (f.file ? f.file : "its end") << ":" << f.line << " against "
                        << (first.file ? first.file : "its end") << ":" << first.line
                        << "): a sync() or sum() in divergent code";
          return;  // the unfinished lanes' stacks are unmapped: nothing on them owns memory
        }
      }
      if (first.stop == Stop::Done) return;
    }
  }

 private:
  static bool same_file(const char* a, const char* b) {
    return a == b || (a != nullptr && b != nullptr && std::strcmp(a, b) == 0);
  }

  template <class F>
  static void start(Warp<F>& warp, int lane) {
    Fiber& fiber = warp.fibers[lane];
    getcontext(&fiber.context);
    fiber.context.uc_stack.ss_sp = fiber.stack.bottom();
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
    // Lane 0 is first entered from the scheduler (round 0 runs 0..31): where its stack is,
    // for the last lane's return.
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
