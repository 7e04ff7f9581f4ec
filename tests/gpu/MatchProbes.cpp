#include "MatchProbes.h"

#include <algorithm>
#include <cmath>

#include "ft/core/Random.h"
#include "ft/gpu/SplineSampling.h"

namespace ft::test {

MatchScene make_match_scene(double shift_x, double shift_y, float gain, float offset) {
  constexpr int kSize = kMatchSceneSide;
  Random r(11);
  std::vector<double> bx, by, ba;
  for (int k = 0; k < 2400; ++k) {
    bx.push_back(r.uniform(-8, kSize + 8));
    by.push_back(r.uniform(-8, kSize + 8));
    ba.push_back(r.uniform(0.2, 1.0));
  }
  auto render = [&](double sx, double sy) {
    std::vector<float> img(std::size_t(kSize) * kSize, offset);
    for (std::size_t k = 0; k < bx.size(); ++k)
      for (int y = std::max(0, int(by[k] + sy) - 5); y < std::min(kSize, int(by[k] + sy) + 6); ++y)
        for (int x = std::max(0, int(bx[k] + sx) - 5); x < std::min(kSize, int(bx[k] + sx) + 6); ++x) {
          const double dx = x - bx[k] - sx, dy = y - by[k] - sy;
          img[std::size_t(y) * kSize + x] += float(gain * ba[k] * std::exp(-(dx * dx + dy * dy) / (2 * 1.3 * 1.3)));
        }
    return img;
  };
  MatchScene s{render(0, 0), render(shift_x, shift_y), {}, {}, {}, {}};
  for (int y = 80; y < 112; ++y)
    for (int x = 30; x < 70; ++x) s.a[std::size_t(y) * kSize + x] = offset;
  s.a_spline = s.a;
  gpu::spline_coefficients(s.a_spline.data(), kSize, kSize);
  s.a_gain = gpu::spline_gain(s.a.data(), s.a_spline.data(), kSize, kSize);
  s.b_spline = s.b;
  gpu::spline_coefficients(s.b_spline.data(), kSize, kSize);
  s.b_gain = gpu::spline_gain(s.b.data(), s.b_spline.data(), kSize, kSize);
  return s;
}

std::vector<MatchProbe> match_probes(int half) {
  constexpr int kSize = kMatchSceneSide;
  std::vector<MatchProbe> p;
  for (int y = 20; y < kSize - 20; y += 37)
    for (int x = 20; x < kSize - 20; x += 41) p.push_back({x, y, 2.0f, -2.0f});
  p.push_back({96, 96, 40.0f, -40.0f});
  p.push_back({150, 40, 40.0f, 0.0f});  // seed out through the right border: clamped
  p.push_back({40, 150, -40.0f, 40.0f});
  p.push_back({96, 60, -17.6f, 23.4f});
  for (int edge : {half, half + 1, half + 2, kSize - 1 - half - 2, kSize - 1 - half - 1, kSize - 1 - half}) {
    p.push_back({edge, 96, 0.0f, 0.0f});
    p.push_back({96, edge, 3.0f, -3.0f});
  }
  p.push_back({48, 96, 2.0f, -2.0f});  // flat patch
  return p;
}

}  // namespace ft::test
