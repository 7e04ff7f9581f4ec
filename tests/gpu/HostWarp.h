#pragma once
// A warp on the host, to test WarpMatch.h without a GPU: 32 lanes run the same warp
// function, with the kernel's __syncwarp() points as barriers and its shuffle sums.
// Fibres on one thread (FiberWarp.h) everywhere: a fixed order, fast at any load of the
// machine, under AddressSanitizer too. Under ThreadSanitizer 32 threads (ThreadedWarp.h),
// which let it see a tile read by one lane while another writes it without a sync().
#if defined(__SANITIZE_THREAD__)
#include "ThreadedWarp.h"
namespace ft::test {
using HostWarp = ThreadedWarp;
}
#else
#include "FiberWarp.h"
namespace ft::test {
using HostWarp = FiberWarp;
}
#endif
