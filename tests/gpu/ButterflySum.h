#pragma once
// The warp's shuffle sum as the kernel takes it (__shfl_xor_sync with offsets 16, 8, 4, 2, 1):
// every lane's total, added in that butterfly order, from each lane's value. Shared by the two
// host warps (FiberWarp.h, ThreadedWarp.h) so that both add in the kernel's order.
#include "WarpMatch.h"

namespace ft::test {

inline float butterfly_sum(float (&values)[gpu::kWarpLanes], int lane) {
  for (int offset = gpu::kWarpLanes / 2; offset > 0; offset /= 2) {
    float next[gpu::kWarpLanes];
    for (int l = 0; l < gpu::kWarpLanes; ++l) next[l] = values[l] + values[l ^ offset];
    for (int l = 0; l < gpu::kWarpLanes; ++l) values[l] = next[l];
  }
  return values[lane];
}

}  // namespace ft::test
