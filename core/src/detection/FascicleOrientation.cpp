#include "ft/core/FascicleOrientation.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ft {
namespace {

struct Image {
  int width = 0, height = 0;
  std::vector<float> v;
  float at(int x, int y) const { return v[std::size_t(y) * width + x]; }
};

// The region box-averaged by `factor` in both directions.
Image working_image(const Frame& frame, const PixelRect& r, int factor) {
  Image out;
  out.width = std::max(1, r.width_px() / factor);
  out.height = std::max(1, r.height_px() / factor);
  out.v.assign(std::size_t(out.width) * out.height, 0.0f);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x) {
      float sum = 0;
      for (int j = 0; j < factor; ++j)
        for (int i = 0; i < factor; ++i) sum += frame.value(r.x0_px + x * factor + i, r.y0_px + y * factor + j);
      out.v[std::size_t(y) * out.width + x] = sum / float(factor * factor);
    }
  return out;
}

// Mean of the image along a line of half-length `half` px through every pixel.
Image line_average(const Image& in, double angle_rad, int half) {
  Image out{in.width, in.height, std::vector<float>(in.v.size(), 0.0f)};
  const double cx = std::cos(angle_rad), cy = std::sin(angle_rad);
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x) {
      float sum = 0;
      int n = 0;
      for (int t = -half; t <= half; ++t) {
        const double px = x + t * cx, py = y + t * cy;
        const int x0 = int(std::floor(px)), y0 = int(std::floor(py));
        if (x0 < 0 || y0 < 0 || x0 + 1 >= in.width || y0 + 1 >= in.height) continue;
        const float fx = float(px - x0), fy = float(py - y0);
        sum += (1 - fy) * ((1 - fx) * in.at(x0, y0) + fx * in.at(x0 + 1, y0)) +
               fy * ((1 - fx) * in.at(x0, y0 + 1) + fx * in.at(x0 + 1, y0 + 1));
        ++n;
      }
      out.v[std::size_t(y) * in.width + x] = n ? sum / float(n) : 0.0f;
    }
  return out;
}

// Variance of `in` over a (2 half + 1)^2 window around each pixel, from integral images.
Image local_variance(const Image& in, int half) {
  const int w = in.width, h = in.height;
  std::vector<double> s(std::size_t(w + 1) * (h + 1), 0.0), q(s.size(), 0.0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double v = in.at(x, y);
      const std::size_t i = std::size_t(y + 1) * (w + 1) + x + 1;
      s[i] = v + s[i - 1] + s[i - (w + 1)] - s[i - (w + 1) - 1];
      q[i] = v * v + q[i - 1] + q[i - (w + 1)] - q[i - (w + 1) - 1];
    }
  Image out{w, h, std::vector<float>(in.v.size(), 0.0f)};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int x0 = std::max(0, x - half), x1 = std::min(w, x + half + 1), y0 = std::max(0, y - half), y1 = std::min(h, y + half + 1);
      auto box = [&](const std::vector<double>& t) {
        return t[std::size_t(y1) * (w + 1) + x1] - t[std::size_t(y0) * (w + 1) + x1] - t[std::size_t(y1) * (w + 1) + x0] +
               t[std::size_t(y0) * (w + 1) + x0];
      };
      const double n = double(x1 - x0) * double(y1 - y0);
      const double mean = box(s) / n;
      out.v[std::size_t(y) * w + x] = float(std::max(0.0, box(q) / n - mean * mean));
    }
  return out;
}

}  // namespace

FibreField fascicle_orientation(const Frame& frame, const PixelRect& region, const DisplacementField& grid,
                                double mm_per_px, const FascicleScale& scale) {
  FibreField out{std::vector<float>(grid.size(), 0.0f), std::vector<float>(grid.size(), 0.0f)};
  const PixelRect r = region.intersected(PixelRect{0, 0, frame.width_px() - 1, frame.height_px() - 1});
  if (r.empty() || grid.size() == 0) return out;
  if (mm_per_px <= 0) mm_per_px = 0.1;
  const int factor = std::max(1, int(std::lround(scale.working_mm_per_px / mm_per_px)));
  const double px_mm = mm_per_px * factor;
  const Image image = working_image(frame, r, factor);
  const int line_half = std::max(2, int(std::lround(0.5 * scale.line_mm / px_mm)));
  const int window_half = std::max(2, int(std::lround(0.5 * scale.window_mm / px_mm)));
  std::vector<double> angles;
  for (double a = -scale.max_angle_deg; a <= scale.max_angle_deg + 1e-9; a += scale.angle_step_deg) angles.push_back(a);
  // Score of every direction at every grid point.
  std::vector<std::vector<float>> score(angles.size(), std::vector<float>(grid.size(), 0.0f));
  for (std::size_t a = 0; a < angles.size(); ++a) {
    const Image variance = local_variance(line_average(image, angles[a] * M_PI / 180.0, line_half), window_half);
    for (int row = 0; row < grid.rows; ++row)
      for (int col = 0; col < grid.columns; ++col) {
        const int x = std::clamp(int(std::lround((grid.x_px(col) - r.x0_px) / factor)), 0, image.width - 1);
        const int y = std::clamp(int(std::lround((grid.y_px(row) - r.y0_px) / factor)), 0, image.height - 1);
        score[a][grid.index(col, row)] = variance.at(x, y);
      }
  }
  for (std::size_t i = 0; i < grid.size(); ++i) {
    std::size_t best = 0;
    double mean = 0;
    for (std::size_t a = 0; a < angles.size(); ++a) {
      mean += score[a][i];
      if (score[a][i] > score[best][i]) best = a;
    }
    mean /= double(angles.size());
    double offset = 0;  // parabola through the best and its neighbours
    if (best > 0 && best + 1 < angles.size()) {
      const double l = score[best - 1][i], c = score[best][i], rr = score[best + 1][i];
      const double d = l - 2 * c + rr;
      if (d < 0) offset = std::clamp(0.5 * (l - rr) / d, -0.5, 0.5);
    }
    out.angle_deg[i] = float(angles[best] + offset * scale.angle_step_deg);
    const double top = score[best][i];
    out.coherence[i] = top + mean > 0 ? float((top - mean) / (top + mean)) : 0.0f;
  }
  return out;
}

}  // namespace ft
