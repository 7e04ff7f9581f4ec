#pragma once
// The sizes of an image pyramid's levels, one rule for the CPU pyramid (ImagePyramid) and the
// CUDA backend's, and the buffer that holds a level of any frame shape.
#include <algorithm>
#include <cstddef>

namespace ft::gpu {

struct LevelSize {
  int width = 0;
  int height = 0;
};

// The next coarser pyramid level: halved, never below one pixel.
inline LevelSize coarser(LevelSize s) { return {std::max(1, s.width / 2), std::max(1, s.height / 2)}; }

// Floats that hold pyramid level `level` of any image of `pixels` pixels, whatever its shape.
// A level holds at most pixels / 2^level: an image one pixel wide halves only its height
// (pixels / 4^level, the bound for square ones, overran 1 x 1000 at level 1).
inline std::size_t level_capacity_floats(std::size_t pixels, int level) { return (pixels >> level) + 1; }

// The levels whose cubic B-spline (coefficients and gradient gain) a pyramid keeps: those that
// PairPlan takes steps on the spline at, the full-resolution level alone.
constexpr int kSplineLevels = 1;
inline int spline_levels(int levels) { return std::min(levels, kSplineLevels); }

}  // namespace ft::gpu
