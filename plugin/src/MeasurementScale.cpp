#include "ft/plugin/MeasurementScale.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

#include "ft/core/DepthScale.h"

namespace ft {
namespace {

// Speckle grain size (px) along x: twice the lag where the autocorrelation of the
// region, with its large-scale structure (layers, shadows) removed, falls to 1/2. MSK
// linear probes resolve about 0.5 mm laterally.
double speckle_width_px(const Frame& f, const PixelRect& r) {
  const int w = r.width_px(), h = r.height_px(), half = 12;
  std::vector<double> detail(std::size_t(w) * std::size_t(h), 0.0);
  for (int y = 0; y < h; ++y) {
    // Running mean over +-half px along x, then the residual.
    double sum = 0;
    int n = 0;
    for (int x = 0; x < std::min(w, half + 1); ++x, ++n) sum += f.value(r.x0_px + x, r.y0_px + y);
    for (int x = 0; x < w; ++x) {
      detail[std::size_t(y) * w + x] = f.value(r.x0_px + x, r.y0_px + y) - sum / n;
      if (x + half + 1 < w) { sum += f.value(r.x0_px + x + half + 1, r.y0_px + y); ++n; }
      if (x - half >= 0) { sum -= f.value(r.x0_px + x - half, r.y0_px + y); --n; }
    }
  }
  auto correlation = [&](int lag) {
    double s = 0, s0 = 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x + lag < w; ++x) {
        const double a = detail[std::size_t(y) * w + x], b = detail[std::size_t(y) * w + x + lag];
        s += a * b;
        s0 += a * a;
      }
    return s0 > 0 ? s / s0 : 0.0;
  };
  if (correlation(0) <= 0.0) return 0.0;  // a flat frame: no speckle to size
  for (int lag = 1; lag < half; ++lag) {
    const double c0 = correlation(lag - 1), c1 = correlation(lag);
    if (c1 < 0.5) return 2.0 * ((lag - 1) + (c0 - 0.5) / std::max(1e-9, c0 - c1));
  }
  return 2.0 * half;
}

}  // namespace

const char* to_string(ScaleSource s) {
  switch (s) {
    case ScaleSource::Calibration: return "calibration";
    case ScaleSource::DepthScale: return "depth_scale";
    case ScaleSource::SpeckleEstimate: return "speckle_estimate";
  }
  return "unknown";
}

MeasurementScale measurement_scale(const Frame& frame, const UltrasoundRegion& region) {
  MeasurementScale scale;
  if (region.has_mm_calibration()) {
    scale.mm_per_px_x = region.mm_per_px_x;
    scale.mm_per_px_y = region.mm_per_px_y;
    scale.source = ScaleSource::Calibration;
    return scale;
  }
  char text[240];
  // The speckle's grain: a rough scale (MSK linear probes resolve about 0.5 mm laterally),
  // used to size the tracking and to tell centimetre from half-centimetre ticks.
  const double grain_px = speckle_width_px(frame, region.bounds);
  const bool sized = grain_px > 0.5;
  const double estimate_mm_per_px = sized ? 0.5 / grain_px : 0.1;
  if (const auto ruler = read_depth_scale(frame, region.bounds, sized ? std::optional<double>(estimate_mm_per_px) : std::nullopt)) {
    scale.mm_per_px_x = scale.mm_per_px_y = ruler->mm_per_px();
    scale.source = ScaleSource::DepthScale;
    std::snprintf(text, sizeof text,
                  "no calibration: mm read from the scanner's depth scale (%.1f px per cm, %d ticks, "
                  "%d px %s of the image; square pixels assumed)",
                  ruler->px_per_cm, ruler->ticks, ruler->distance_px, ruler->right_side ? "right" : "left");
  } else {
    scale.mm_per_px_x = scale.mm_per_px_y = estimate_mm_per_px;
    scale.source = ScaleSource::SpeckleEstimate;
    std::snprintf(text, sizeof text,
                  "no calibration and no depth scale found: sizes are given in px and as fractions of the muscle's "
                  "thickness (tracking sized for %.3f mm/px, %s)",
                  scale.mm_per_px_x, sized ? "estimated from the speckle" : "assumed: no speckle to size");
  }
  scale.note = text;
  return scale;
}

UltrasoundRegion with_scale(UltrasoundRegion region, const MeasurementScale& scale) {
  if (region.has_mm_calibration()) return region;
  region.units_x = region.units_y = PhysicalUnits::Centimetre;
  region.mm_per_px_x = scale.mm_per_px_x;
  region.mm_per_px_y = scale.mm_per_px_y;
  return region;
}

}  // namespace ft
