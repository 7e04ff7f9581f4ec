#include "ft/core/UltrasoundRegion.h"

#include <algorithm>
#include <sstream>

namespace ft {

PixelRect PixelRect::intersected(const PixelRect& other) const noexcept {
  return PixelRect{std::max(x0_px, other.x0_px), std::max(y0_px, other.y0_px), std::min(x1_px, other.x1_px),
                   std::min(y1_px, other.y1_px)};
}

std::optional<UltrasoundRegion> choose_tissue_region(const std::vector<UltrasoundRegion>& regions) {
  const UltrasoundRegion* best = nullptr;
  auto better = [&](const UltrasoundRegion& r) {
    if (r.spatial_format != RegionSpatialFormat::TwoD || r.bounds.empty()) return false;
    if (!best) return true;
    if (r.is_calibrated_tissue_image() != best->is_calibrated_tissue_image()) return r.is_calibrated_tissue_image();
    const long area = long(r.bounds.width_px()) * r.bounds.height_px();
    return area > long(best->bounds.width_px()) * best->bounds.height_px();
  };
  for (const auto& r : regions) {
    if (better(r)) best = &r;
  }
  if (!best) return std::nullopt;
  return *best;
}

std::string clip_region_to_frame(UltrasoundRegion& region, int frame_width_px, int frame_height_px) {
  const PixelRect frame{0, 0, frame_width_px - 1, frame_height_px - 1};
  const PixelRect clipped = region.bounds.intersected(frame);
  if (clipped == region.bounds) return {};
  std::ostringstream warning;
  warning << "region bounds x " << region.bounds.x0_px << "-" << region.bounds.x1_px << ", y " << region.bounds.y0_px
          << "-" << region.bounds.y1_px << " lie outside the " << frame_width_px << "x" << frame_height_px << " frame; ";
  if (clipped.empty())  // nothing of it is in the image: not used (an empty region is never analysed)
    warning << "not used";
  else
    warning << "clipped to x " << clipped.x0_px << "-" << clipped.x1_px << ", y " << clipped.y0_px << "-" << clipped.y1_px;
  region.bounds = clipped;
  return warning.str();
}

}  // namespace ft
