#pragma once
// Four floats side by side, for the CPU's matching loops (BlockMatch.h). Host code only:
// the GPU's loops are its warps' (WarpMatch.h).
//
// Why by hand: a template row is 2h+1 px (19 at the usual 1.9 mm kernel), which no
// vector width divides. Left to itself the compiler summed each row in vectors, added
// the vector into one scalar and the row's last pixels one at a time, so every row
// ended in a serial chain. Here the sums stay four wide across all rows and are added
// up once; a row's last pixels are read as the four that end it, with the lanes the
// row's whole fours already covered multiplied by 0 (`RowInFours::tail_lanes`), so nothing is
// read beyond a row's end. GCC and Clang vector extensions: SSE2 on any x86-64, NEON on
// AArch64, no build flag needed (elsewhere the compiler emits scalar code, still correct).

namespace ft::gpu {

typedef float FourFloats __attribute__((vector_size(16)));

constexpr FourFloats kAllLanes = {1, 1, 1, 1};

inline FourFloats load_four(const float* p) {
  FourFloats v;
  __builtin_memcpy(&v, p, sizeof v);  // unaligned
  return v;
}

inline void store_four(float* p, FourFloats v) { __builtin_memcpy(p, &v, sizeof v); }

inline float sum_lanes(FourFloats v) { return (v[0] + v[1]) + (v[2] + v[3]); }

// A row of `side` >= 4 px read as whole fours from 0 to `body`, then as the four that end it
// (from `last`). `tail_lanes` is 1 in the lanes of those four that the whole fours did not
// cover and 0 in the others; all zero when `side` is a multiple of four (no tail).
struct RowInFours {
  int body = 0;
  int last = 0;
  bool has_tail = false;
  FourFloats tail_lanes = {0, 0, 0, 0};

  // side >= 4 (BlockMatch.h: kMinHalf): a shorter row has no four pixels to end it.
  explicit RowInFours(int side) : body(side & ~3), last(side - 4), has_tail((side & 3) != 0) {
    const int rest = side & 3;
    for (int l = 0; l < 4; ++l) tail_lanes[l] = l >= 4 - rest && rest > 0 ? 1.0f : 0.0f;
  }

  // Calls f(x, lanes) for each four pixels of the row, from x: the whole fours with every
  // lane counted, then the four that end the row with only its own lanes (tail_lanes).
  template <class F>
  void each(F&& f) const {
    for (int x = 0; x < body; x += 4) f(x, kAllLanes);
    if (has_tail) f(last, tail_lanes);
  }
};

}  // namespace ft::gpu
