#pragma once
// Points and frames that exercise block matching where it is easy to get wrong: image
// borders, a flat patch, seeds up to 40 px off (some pointing out of the image), 8-bit
// and 16-bit value ranges. Shared by the host emulation of the CUDA kernel and by the
// CUDA parity tests, which compare each point with the CPU.
#include <vector>

#include "ft/gpu/BlockMatch.h"
#include "ft/gpu/ImageView.h"

namespace ft::test {

constexpr int kMatchSceneSide = 192;

struct MatchScene {
  std::vector<float> a, b;  // kMatchSceneSide^2 each, row-major
  // Their cubic B-spline interpolants: coefficients and gradient gains.
  std::vector<float> a_spline, b_spline;
  gpu::SplineGain a_gain, b_gain;
  gpu::ImageView view_a() const { return view(a); }
  gpu::ImageView view_b() const { return view(b); }
  gpu::SplineViews splines() const { return {{view(a_spline), &a_gain}, {view(b_spline), &b_gain}}; }
  static gpu::ImageView view(const std::vector<float>& image) {
    return {image.data(), 0, 0, kMatchSceneSide, kMatchSceneSide, kMatchSceneSide};
  }
};

// Speckle-like texture (Gaussian blobs), B moved by (shift_x, shift_y) px; `gain` and
// `offset` give 8-bit-like or 16-bit-like values. A has a flat patch (an anechoic
// vessel) left of centre.
MatchScene make_match_scene(double shift_x, double shift_y, float gain, float offset);

struct MatchProbe {
  int x, y;
  float seed_dx, seed_dy;
};

// Interior points seeded near the truth and up to 40 px off, points on and just inside
// every border for a template of half size `half`, and one in the flat patch.
std::vector<MatchProbe> match_probes(int half);

}  // namespace ft::test
