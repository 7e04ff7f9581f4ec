#pragma once
// What the viewer draws over a B-mode frame, as plain RGB pixels: strain colour map with
// its legend, displacement vectors, quality mask, tear outline and gap caliper. Qt-free, so
// the same picture serves the live view and cine review. The decision-support notice is the
// station's status bar, once per screen; burned-in exports draw their own.
#include <cstdint>
#include <string>
#include <vector>

#include "ft/core/DisplacementField.h"
#include "ft/core/Frame.h"
#include "ft/core/TearFinding.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft::ui {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

class RgbImage {
 public:
  RgbImage(int width_px, int height_px);
  int width_px() const { return width_; }
  int height_px() const { return height_; }
  Rgb at(int x, int y) const;
  void set(int x, int y, Rgb c);                 // ignores points outside
  void blend(int x, int y, Rgb c, double alpha);  // alpha 0..1
  const std::vector<std::uint8_t>& pixels() const { return rgb_; }

 private:
  int width_, height_;
  std::vector<std::uint8_t> rgb_;
};

// A distance the user measured: two points in frame px and its label ("12.3 mm").
struct Caliper {
  double x0_px = 0, y0_px = 0, x1_px = 0, y1_px = 0;
  std::string label;
};

// A presentation state's graphic or text, in frame px.
struct Annotation {
  std::vector<std::pair<double, double>> points;
  std::string text;  // drawn at points.front() when set
};

struct OverlayLayers {
  bool strain = true;      // colour map of fibre strain, with legend
  bool vectors = true;     // displacement arrows
  bool quality = false;    // shade where tracking is not trusted
  bool findings = true;    // tear outline and gap caliper
  double strain_range = 0.15;  // legend spans -range (shortening, blue) .. +range (red)
  double vector_gain = 4.0;    // arrows drawn this many times their length
  double window = 256.0;       // grey levels shown black..white (8-bit scale)
  double level = 128.0;        // grey level at mid-grey
  std::vector<Caliper> calipers;
  std::vector<Annotation> annotations;  // from a presentation state
  // The scale the findings were measured at (DetectionResult::mm_per_px_x/y: the region's
  // calibration, the depth scale beside the image, or an estimate); 0: the region's. Without
  // calibration or a depth scale (findings_in_mm false) the gap is labelled in px.
  double findings_mm_per_px_x = 0.0, findings_mm_per_px_y = 0.0;
  bool findings_in_mm = true;
  void measure_findings_as(const DetectionResult& r) {
    findings_mm_per_px_x = r.mm_per_px_x;
    findings_mm_per_px_y = r.mm_per_px_y;
    findings_in_mm = r.calibrated;
  }
};

// Strain per point of `field`'s grid (engineering strain along the fibres), may be empty.
RgbImage render_overlay(const Frame& frame, const UltrasoundRegion& region, const DisplacementField& field,
                        const std::vector<float>& strain, const std::vector<TearFinding>& findings,
                        const OverlayLayers& layers);

// Colour of a strain value on the legend's scale (diverging blue-white-red).
Rgb strain_colour(double strain, double range);

// Caliper length in mm from the region's calibration; negative when it has none.
double caliper_length_mm(const Caliper& c, const UltrasoundRegion& region);

// Binary PPM (P6), readable by every image tool. Throws ft::Error(Io).
void write_ppm(const RgbImage& image, const std::string& path);

}  // namespace ft::ui
