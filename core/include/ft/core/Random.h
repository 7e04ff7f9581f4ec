#pragma once
// A small, fully specified random generator (SplitMix64 seeding xoshiro256**).
// We do not use <random>'s distributions because their output is implementation
// defined; sample data must regenerate bit-identically on any machine.
#include <cstdint>

namespace ft {

class Random {
 public:
  explicit Random(std::uint64_t seed);
  // A generator for a named sub-stream, so that e.g. the noise of frame 7 does not
  // depend on how many numbers the scatterer layout drew.
  static Random stream(std::uint64_t seed, std::uint64_t stream_id, std::uint64_t index = 0);

  std::uint64_t next_u64() noexcept;
  double uniform() noexcept;                      // [0, 1)
  double uniform(double lo, double hi) noexcept;  // [lo, hi)
  double normal() noexcept;                       // mean 0, sd 1 (Box-Muller)

 private:
  std::uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// Stable 64-bit mixing of integers (for hashes of seeds and names).
std::uint64_t mix64(std::uint64_t x) noexcept;

}  // namespace ft
