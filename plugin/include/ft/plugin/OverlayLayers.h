#pragma once
// What the user asked to see over a B-mode frame (the overlay toggles, window and level) and
// what they measured or loaded (calipers, a presentation state's graphics). OverlayScene.h
// turns it, with the tracking and the findings, into what is drawn.
#include <string>
#include <utility>
#include <vector>

#include "ft/core/TearFinding.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

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
  bool strain = true;      // colour layer of fibre strain, with legend
  bool vectors = true;     // displacement arrows
  bool quality = false;    // shade where tracking is not trusted
  bool findings = true;    // tear outline and gap caliper
  bool tracks = false;     // review: each arrow's tissue over the frames before (ReviewScene)
  double strain_range = 0.15;  // legend spans -range (shortening, red) .. +range (lengthening, blue)
  double vector_gain = 4.0;    // arrows drawn this many times their length
  double window = 256.0;       // grey levels shown black..white (8-bit scale)
  double level = 128.0;        // grey level at mid-grey
  std::vector<Caliper> calipers;
  std::vector<Annotation> annotations;  // from a presentation state
  // The scale the findings were measured at (DetectionResult::mm_per_px_x/y: the region's
  // calibration, the depth scale beside the image, or an estimate); 0: the region's. Without
  // calibration or a depth scale (findings_in_mm false) the gap is labelled in px.
  double findings_mm_per_px_x = 0.0, findings_mm_per_px_y = 0.0;
  // Per finding, its gap at its peak when the findings are drawn on another frame (with that
  // frame's gap): the label then names both ("gap 1.6 mm (peak 4.8)"). Empty: not given.
  std::vector<double> findings_peak_gap_mm;
  // Per finding, 1 where its gap could not be read on the frame drawn, so it is drawn as found
  // (its peak's gap): the label says so ("gap 4.8 mm (peak; not read on this frame)"), else it
  // would read as this frame's measurement. Empty: every gap read.
  std::vector<std::uint8_t> findings_gap_not_read;
  bool findings_in_mm = true;
  // Layers named for review (DetectionResult::for_review), where their tissue is in the frame
  // drawn, each with the frame it was seen on: a ring and "for review, not a finding (frame N)",
  // with the findings and at their scale.
  std::vector<TearFinding> layers_for_review;
  void measure_findings_as(const DetectionResult& r) {
    findings_mm_per_px_x = r.mm_per_px_x;
    findings_mm_per_px_y = r.mm_per_px_y;
    findings_in_mm = r.calibrated;
  }
};

// Caliper length in mm from the region's calibration; negative when it has none.
double caliper_length_mm(const Caliper& c, const UltrasoundRegion& region);

}  // namespace ft
