#pragma once
// An image region of an ultrasound frame and its calibration, modelled on one item
// of DICOM's Sequence of Ultrasound Regions (PS3.3 C.8.5.5). A scanner frame holds
// text, logos and scales around the tissue image; only the region is analysed.
#include <optional>
#include <string>
#include <vector>

namespace ft {

// Pixel bounds, inclusive at both ends, in whole-frame pixel coordinates (as DICOM's
// Region Location Min/Max X0/Y0/X1/Y1).
struct PixelRect {
  int x0_px = 0;
  int y0_px = 0;
  int x1_px = -1;
  int y1_px = -1;

  int width_px() const noexcept { return x1_px - x0_px + 1; }
  int height_px() const noexcept { return y1_px - y0_px + 1; }
  bool empty() const noexcept { return width_px() <= 0 || height_px() <= 0; }
  bool contains(int x_px, int y_px) const noexcept {
    return x_px >= x0_px && x_px <= x1_px && y_px >= y0_px && y_px <= y1_px;
  }
  PixelRect intersected(const PixelRect& other) const noexcept;
  bool operator==(const PixelRect& o) const noexcept {
    return x0_px == o.x0_px && y0_px == o.y0_px && x1_px == o.x1_px && y1_px == o.y1_px;
  }
};

// DICOM Region Spatial Format (0018,6012) and Physical Units (0018,6024) values we use.
enum class RegionSpatialFormat { None = 0, TwoD = 1, MMode = 2, Spectral = 3, Waveform = 4, Graphics = 5 };
enum class PhysicalUnits { None = 0, Percent = 1, Decibel = 2, Centimetre = 3, Second = 4, Hertz = 5 };

struct UltrasoundRegion {
  PixelRect bounds;
  RegionSpatialFormat spatial_format = RegionSpatialFormat::TwoD;
  int data_type = 1;  // (0018,6014): 1 = tissue
  int flags = 0;      // (0018,6016)
  PhysicalUnits units_x = PhysicalUnits::None;
  PhysicalUnits units_y = PhysicalUnits::None;
  // Millimetres per pixel; zero when the region carries no spatial calibration.
  double mm_per_px_x = 0.0;
  double mm_per_px_y = 0.0;
  // Reference pixel (0018,6020/6022), relative to the region's top-left, if given.
  std::optional<int> reference_x_px;
  std::optional<int> reference_y_px;

  bool has_mm_calibration() const noexcept {
    return units_x == PhysicalUnits::Centimetre && units_y == PhysicalUnits::Centimetre && mm_per_px_x > 0 &&
           mm_per_px_y > 0;
  }
  // A 2-D tissue image with a spatial calibration: what we can track and measure in.
  bool is_calibrated_tissue_image() const noexcept {
    return spatial_format == RegionSpatialFormat::TwoD && has_mm_calibration();
  }
};

// Picks the region to analyse: the largest calibrated 2-D tissue region; if none is
// calibrated, the largest 2-D region; empty if the list has no 2-D region at all.
std::optional<UltrasoundRegion> choose_tissue_region(const std::vector<UltrasoundRegion>& regions);

// Clips a region to a frame of the given size (some files carry bounds from before a
// resize). Returns a warning text when it had to, empty otherwise.
std::string clip_region_to_frame(UltrasoundRegion& region, int frame_width_px, int frame_height_px);

}  // namespace ft
