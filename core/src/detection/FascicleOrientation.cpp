// The one translation unit of core that instantiates ITK templates (compile cost).
#include "ft/core/FascicleOrientation.h"

#include <itkBinShrinkImageFilter.h>
#include <itkBoxSigmaImageFilter.h>
#include <itkImage.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ft {
namespace {

using Image = itk::Image<float, 2>;

// The region box-averaged by `factor` in both directions (ITK's BinShrink).
Image::Pointer working_image(const Frame& frame, const PixelRect& r, int factor) {
  auto full = Image::New();
  Image::RegionType region;
  region.SetSize({{std::size_t(r.width_px()), std::size_t(r.height_px())}});
  full->SetRegions(region);
  full->Allocate();
  float* out = full->GetBufferPointer();
  for (int y = 0; y < r.height_px(); ++y)
    for (int x = 0; x < r.width_px(); ++x) out[std::size_t(y) * r.width_px() + x] = frame.value(r.x0_px + x, r.y0_px + y);
  auto shrink = itk::BinShrinkImageFilter<Image, Image>::New();
  shrink->SetInput(full);
  shrink->SetShrinkFactors(unsigned(factor));
  shrink->Update();
  return shrink->GetOutput();
}

// One sample of the line: whole-pixel offset and bilinear weights. The same for every
// pixel, as pixels sit on whole coordinates. (Computed per pixel, x + t cos a rounded
// differently where t cos a lies within an ulp of a whole number, e.g. t sin 30 deg: a
// sample of weight 1 on the image's last row was dropped on some rows and kept on others.
// Taps keep it everywhere; inside the image the output is unchanged to the bit.)
struct LineTap {
  int dx = 0, dy = 0;
  float fx = 0, fy = 0;
};

std::vector<LineTap> line_taps(double angle_rad, int half) {
  const double cx = std::cos(angle_rad), cy = std::sin(angle_rad);
  std::vector<LineTap> taps;
  for (int t = -half; t <= half; ++t) {
    const double ox = t * cx, oy = t * cy;
    LineTap tap;
    tap.dx = int(std::floor(ox));
    tap.dy = int(std::floor(oy));
    tap.fx = float(ox - tap.dx);
    tap.fy = float(oy - tap.dy);
    taps.push_back(tap);
  }
  return taps;
}

// Whether tap t at (x0, y0) lies in the w x h image: its pixel and the neighbours it gives a
// weight to. A neighbour of weight 0 is not needed, so the last row and column are read too:
// without that, every level line on the last row lost all its taps, read 0, and the step
// that made above it read as fascicles lying level for 2.4 mm along the image's deep edge.
bool tap_inside(int w, int h, int x0, int y0, const LineTap& t) {
  return x0 >= 0 && y0 >= 0 && (t.fx > 0 ? x0 + 1 < w : x0 < w) && (t.fy > 0 ? y0 + 1 < h : y0 < h);
}

// The tap's bilinear sample, for a tap tap_inside() accepts, without reading a neighbour of
// weight 0 (where both neighbours are in the image, a weight of 0 adds exactly 0: the value
// is add_tap_to_row's to the bit).
float edge_tap(const float* v, int w, int x0, int y0, const LineTap& t) {
  const float* r0 = v + std::size_t(y0) * w + x0;
  const auto along_x = [&](const float* r) { return t.fx > 0 ? (1 - t.fx) * r[0] + t.fx * r[1] : r[0]; };
  return t.fy > 0 ? (1 - t.fy) * along_x(r0) + t.fy * along_x(r0 + w) : along_x(r0);
}

// Adds tap t of the line through pixels [x_lo, x_hi] of row y to their sums: one tap for a
// run of pixels, so the compiler works on several pixels at once. Each pixel's sum still
// takes its taps in order, with edge_tap's arithmetic: the same to the bit as a pixel at a time.
void add_tap_to_row(const float* v, int w, int y, int x_lo, int x_hi, const LineTap& t, float* sum) {
  const float* r0 = v + std::size_t(y + t.dy) * w + std::size_t(x_lo + t.dx);  // the tap of pixel x_lo
  const float* r1 = r0 + w;
  float* s = sum + x_lo;
  const float fx = t.fx, fy = t.fy, gx = 1 - t.fx, gy = 1 - t.fy;
  for (int i = 0; i <= x_hi - x_lo; ++i) s[i] += gy * (gx * r0[i] + fx * r0[i + 1]) + fy * (gx * r1[i] + fx * r1[i + 1]);
}

// Mean of the image along a line of half-length `half` px through every pixel, taps that
// leave the image left out. (ITK has no oriented line average; this is the one filter
// written here.) Where a row's lines lie whole inside the image, the row is summed a tap
// at a time (add_tap_to_row); the pixels near the edges one at a time with their checks.
Image::Pointer line_average(const Image::Pointer& in, double angle_rad, int half) {
  const auto size = in->GetLargestPossibleRegion().GetSize();
  const int w = int(size[0]), h = int(size[1]);
  auto out = Image::New();
  out->SetRegions(in->GetLargestPossibleRegion());
  out->Allocate();
  const float* v = in->GetBufferPointer();
  float* o = out->GetBufferPointer();
  const std::vector<LineTap> taps = line_taps(angle_rad, half);
  int min_dx = 0, max_dx = 0, min_dy = 0, max_dy = 0;
  for (const LineTap& t : taps) {
    min_dx = std::min(min_dx, t.dx);
    max_dx = std::max(max_dx, t.dx);
    min_dy = std::min(min_dy, t.dy);
    max_dy = std::max(max_dy, t.dy);
  }
  std::vector<float> sum(std::size_t(w), 0.0f);
  for (int y = 0; y < h; ++y) {
    const bool rows_inside = y + min_dy >= 0 && y + max_dy + 1 < h;
    // Pixels [x_lo, x_hi] have every tap inside (none when the row's lines leave it).
    const int x_lo = rows_inside ? -min_dx : w, x_hi = rows_inside ? w - 2 - max_dx : w - 1;
    if (x_lo <= x_hi) {
      std::fill(sum.begin() + x_lo, sum.begin() + x_hi + 1, 0.0f);
      for (const LineTap& t : taps) add_tap_to_row(v, w, y, x_lo, x_hi, t, sum.data());
      for (int x = x_lo; x <= x_hi; ++x) o[std::size_t(y) * w + x] = sum[std::size_t(x)] / float(taps.size());
    }
    for (int x = 0; x < w; ++x) {
      if (x >= x_lo && x <= x_hi) continue;
      float edge_sum = 0;
      int n = 0;
      for (const LineTap& t : taps) {
        const int x0 = x + t.dx, y0 = y + t.dy;
        if (!tap_inside(w, h, x0, y0, t)) continue;
        edge_sum += edge_tap(v, w, x0, y0, t);
        ++n;
      }
      o[std::size_t(y) * w + x] = n ? edge_sum / float(n) : 0.0f;
    }
  }
  return out;
}

// Standard deviation over a (2 half + 1)^2 window around each pixel (ITK's BoxSigma,
// running sums: independent of the window's size).
Image::Pointer local_spread(const Image::Pointer& in, int half) {
  auto sigma = itk::BoxSigmaImageFilter<Image, Image>::New();
  sigma->SetInput(in);
  sigma->SetRadius(unsigned(half));
  // One work unit. Each unit starts its running sums at its own part of the image, so where the
  // sums round (near-black lines) the last bits could depend on the split, and ITK splits by the
  // machine's core count: one unit gives every machine the same reading. It is also cheaper
  // here: splitting a 240 x 190 px image cost a third more CPU for 5 % less wall time
  // (bench_evaluation), and live the CPU is what the tracking needs.
  sigma->SetNumberOfWorkUnits(1);
  sigma->Update();
  return sigma->GetOutput();
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
  const Image::Pointer image = working_image(frame, r, factor);
  const auto size = image->GetLargestPossibleRegion().GetSize();
  const int width = int(size[0]), height = int(size[1]);
  const double elongation = std::max(1.0, scale.texture_elongation);
  const int window_half = std::max(2, int(std::lround(0.5 * scale.window_mm / px_mm)));
  std::vector<double> angles;
  for (double a = -scale.max_angle_deg; a <= scale.max_angle_deg + 1e-9; a += scale.angle_step_deg) angles.push_back(a);
  // Score of every direction at every grid point: the line-to-line variance.
  std::vector<std::vector<float>> score(angles.size(), std::vector<float>(grid.size(), 0.0f));
  for (std::size_t a = 0; a < angles.size(); ++a) {
    const double rad = angles[a] * M_PI / 180.0;
    // As many grains along every line (FascicleScale::texture_elongation).
    const double stretch = 1.0 / std::hypot(std::cos(rad) / elongation, std::sin(rad));
    const int line_half = std::max(2, int(std::lround(0.5 * scale.line_mm * stretch / px_mm)));
    const Image::Pointer spread = local_spread(line_average(image, rad, line_half), window_half);
    const float* sd = spread->GetBufferPointer();
    for (int row = 0; row < grid.rows; ++row)
      for (int col = 0; col < grid.columns; ++col) {
        const int x = std::clamp(int(std::lround((grid.x_px(col) - r.x0_px) / factor)), 0, width - 1);
        const int y = std::clamp(int(std::lround((grid.y_px(row) - r.y0_px) / factor)), 0, height - 1);
        const float s_xy = sd[std::size_t(y) * width + x];
        score[a][grid.index(col, row)] = s_xy * s_xy;
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
