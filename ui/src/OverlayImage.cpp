#include "ft/ui/OverlayImage.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "ft/core/BitmapFont.h"
#include "ft/core/Error.h"
#include "ft/core/TearGeometry.h"

namespace ft::ui {
namespace {

constexpr Rgb kCaliper{255, 220, 0};
constexpr Rgb kOutline{255, 64, 64};
constexpr Rgb kVector{0, 255, 160};
constexpr Rgb kText{255, 255, 255};
constexpr Rgb kAnnotation{80, 200, 255};  // a presentation state's graphics

void line(RgbImage& img, double x0, double y0, double x1, double y1, Rgb c) {
  const int steps = std::max(1, int(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0)))));
  for (int i = 0; i <= steps; ++i) {
    const double t = double(i) / steps;
    img.set(int(std::lround(x0 + t * (x1 - x0))), int(std::lround(y0 + t * (y1 - y0))), c);
  }
}

// Text through the shared bitmap font: drawn into a mask frame, then coloured.
void text(RgbImage& img, int x, int y, const std::string& s, Rgb c) {
  Frame mask(img.width_px(), img.height_px(), PixelDepth::Bits8);
  draw_text(mask, x, y, s, 255.0f);
  for (int yy = std::max(0, y); yy < std::min(img.height_px(), y + kGlyphHeightPx); ++yy)
    for (int xx = std::max(0, x); xx < img.width_px(); ++xx)
      if (mask.value(xx, yy) > 0) img.set(xx, yy, c);
}

void draw_strain(RgbImage& img, const DisplacementField& f, const std::vector<float>& strain, double range) {
  const int half = std::max(1, int(f.step_px / 2));
  for (int r = 0; r < f.rows; ++r)
    for (int c = 0; c < f.columns; ++c) {
      const std::size_t i = f.index(c, r);
      if (!f.valid[i]) continue;
      const Rgb colour = strain_colour(strain[i], range);
      for (int dy = -half; dy < half; ++dy)
        for (int dx = -half; dx < half; ++dx) img.blend(int(f.x_px(c)) + dx, int(f.y_px(r)) + dy, colour, 0.35);
    }
}

void draw_legend(RgbImage& img, const UltrasoundRegion& region, double range) {
  const int x = std::min(img.width_px() - 12, region.bounds.x1_px + 14), y0 = region.bounds.y0_px + 12;
  const int height = std::max(20, std::min(120, region.bounds.height_px() - 40));
  for (int i = 0; i < height; ++i) {
    const Rgb c = strain_colour(range * (1.0 - 2.0 * i / (height - 1)), range);
    for (int w = 0; w < 6; ++w) img.set(x + w, y0 + i, c);
  }
  char label[32];
  std::snprintf(label, sizeof label, "+%.0f%%", range * 100);
  text(img, x - 4, y0 - 9, label, kText);
  std::snprintf(label, sizeof label, "-%.0f%%", range * 100);
  text(img, x - 4, y0 + height + 2, label, kText);
}

void draw_vectors(RgbImage& img, const DisplacementField& f, double gain) {
  const int every = std::max(1, int(std::lround(12.0 / f.step_px)));  // about one arrow per 12 px
  for (int r = 0; r < f.rows; r += every)
    for (int c = 0; c < f.columns; c += every) {
      const std::size_t i = f.index(c, r);
      if (!f.valid[i]) continue;
      line(img, f.x_px(c), f.y_px(r), f.x_px(c) + gain * f.dx_px[i], f.y_px(r) + gain * f.dy_px[i], kVector);
    }
}

void draw_finding(RgbImage& img, const TearFinding& t, const UltrasoundRegion& region, const OverlayLayers& layers) {
  // The scale the finding was measured at; without one its mm cannot be placed on the image.
  const double sx = layers.findings_mm_per_px_x > 0 ? layers.findings_mm_per_px_x : region.mm_per_px_x;
  const double sy = layers.findings_mm_per_px_y > 0 ? layers.findings_mm_per_px_y : region.mm_per_px_y;
  if (!(sx > 0 && sy > 0)) return;
  const TearGeometry g = tear_geometry(t, sx, sy);
  for (std::size_t k = 0; k < g.outline.size(); ++k) {
    const PointPx& p = g.outline[k];
    const PointPx& q = g.outline[(k + 1) % g.outline.size()];
    line(img, p.x, p.y, q.x, q.y, kOutline);
  }
  line(img, g.caliper_start.x, g.caliper_start.y, g.caliper_end.x, g.caliper_end.y, kCaliper);
  // End ticks along the surface.
  const double a = t.surface_angle_deg * M_PI / 180.0, ux = -std::sin(a), uy = std::cos(a);
  for (const PointPx& e : {g.caliper_start, g.caliper_end}) line(img, e.x - 4 * ux, e.y - 4 * uy, e.x + 4 * ux, e.y + 4 * uy, kCaliper);
  char label[48];
  if (layers.findings_in_mm)
    std::snprintf(label, sizeof label, "GAP %.1fMM", t.gap_mm);
  else  // no calibration, no depth scale: the mm are an estimate, not a measurement
    std::snprintf(label, sizeof label, "GAP %.0fPX", t.gap_mm / (0.5 * (sx + sy)));
  text(img, int(std::max(g.caliper_start.x, g.caliper_end.x) + 6), int(g.outline[0].y), label, kCaliper);
}

}  // namespace

RgbImage::RgbImage(int width_px, int height_px)
    : width_(width_px), height_(height_px), rgb_(std::size_t(width_px) * std::size_t(height_px) * 3, 0) {}

Rgb RgbImage::at(int x, int y) const {
  const std::size_t i = (std::size_t(y) * width_ + x) * 3;
  return {rgb_[i], rgb_[i + 1], rgb_[i + 2]};
}

void RgbImage::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  const std::size_t i = (std::size_t(y) * width_ + x) * 3;
  rgb_[i] = c.r;
  rgb_[i + 1] = c.g;
  rgb_[i + 2] = c.b;
}

void RgbImage::blend(int x, int y, Rgb c, double alpha) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  const Rgb o = at(x, y);
  auto mix = [alpha](std::uint8_t a, std::uint8_t b) { return std::uint8_t(std::lround((1 - alpha) * a + alpha * b)); };
  set(x, y, {mix(o.r, c.r), mix(o.g, c.g), mix(o.b, c.b)});
}

Rgb strain_colour(double strain, double range) {
  const double t = std::clamp(strain / std::max(1e-9, range), -1.0, 1.0);
  const auto v = [](double x) { return std::uint8_t(std::lround(255.0 * std::clamp(x, 0.0, 1.0))); };
  return t < 0 ? Rgb{v(1 + t), v(1 + t), 255} : Rgb{255, v(1 - t), v(1 - t)};
}

RgbImage render_overlay(const Frame& frame, const UltrasoundRegion& region, const DisplacementField& field,
                        const std::vector<float>& strain, const std::vector<TearFinding>& findings,
                        const OverlayLayers& layers) {
  RgbImage img(frame.width_px(), frame.height_px());
  const double scale = frame.depth() == PixelDepth::Bits16 ? 255.0 / 65535.0 : 1.0;
  const double window = std::max(1.0, layers.window), low = layers.level - window / 2;
  for (int y = 0; y < frame.height_px(); ++y)
    for (int x = 0; x < frame.width_px(); ++x) {
      const auto g = std::uint8_t(std::clamp((frame.value(x, y) * scale - low) * 255.0 / window, 0.0, 255.0));
      img.set(x, y, {g, g, g});
    }
  if (layers.quality)
    for (int r = 0; r < field.rows; ++r)
      for (int c = 0; c < field.columns; ++c)
        if (!field.valid[field.index(c, r)]) img.blend(int(field.x_px(c)), int(field.y_px(r)), {0, 0, 0}, 0.6);
  if (layers.strain && !strain.empty() && strain.size() == field.size()) {  // no strain: no legend either
    draw_strain(img, field, strain, layers.strain_range);
    draw_legend(img, region, layers.strain_range);
  }
  if (layers.vectors) draw_vectors(img, field, layers.vector_gain);
  if (layers.findings)
    for (const TearFinding& t : findings) draw_finding(img, t, region, layers);
  for (const Annotation& a : layers.annotations) {
    for (std::size_t k = 1; k < a.points.size(); ++k)
      line(img, a.points[k - 1].first, a.points[k - 1].second, a.points[k].first, a.points[k].second, kAnnotation);
    if (!a.text.empty() && !a.points.empty()) text(img, int(a.points.front().first), int(a.points.front().second), a.text, kAnnotation);
  }
  for (const Caliper& c : layers.calipers) {
    line(img, c.x0_px, c.y0_px, c.x1_px, c.y1_px, kCaliper);
    for (const auto& [x, y] : {std::pair{c.x0_px, c.y0_px}, std::pair{c.x1_px, c.y1_px}}) line(img, x - 3, y, x + 3, y, kCaliper);
    text(img, int(c.x1_px) + 4, int(c.y1_px) - 4, c.label, kCaliper);
  }
  return img;
}

double caliper_length_mm(const Caliper& c, const UltrasoundRegion& region) {
  if (!region.has_mm_calibration()) return -1.0;
  return std::hypot((c.x1_px - c.x0_px) * region.mm_per_px_x, (c.y1_px - c.y0_px) * region.mm_per_px_y);
}

void write_ppm(const RgbImage& image, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(ErrorCode::Io, "cannot write " + path);
  out << "P6\n" << image.width_px() << " " << image.height_px() << "\n255\n";
  out.write(reinterpret_cast<const char*>(image.pixels().data()), std::streamsize(image.pixels().size()));
  if (!out) throw Error(ErrorCode::Io, "writing " + path + " failed (disk full?)");
}

}  // namespace ft::ui
