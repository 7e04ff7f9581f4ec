#pragma once
// How many mm a pixel is, and how far to trust it. In order: the calibration the clip or
// the device carries (DICOM Ultrasound Regions, Pixel Spacing, `fibretrack
// video-calibrate`); the depth scale the scanner burned in beside the image; otherwise an
// estimate from the speckle size, good enough to size the tracking but not to report mm
// (findings are then given in px and as fractions of the muscle's thickness).
#include <string>

#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

enum class ScaleSource { Calibration, DepthScale, SpeckleEstimate };
const char* to_string(ScaleSource s);

struct MeasurementScale {
  double mm_per_px_x = 0.1, mm_per_px_y = 0.1;
  ScaleSource source = ScaleSource::SpeckleEstimate;
  std::string note;  // how the scale was found, for the user (empty for a calibration)
  bool trusted() const { return source != ScaleSource::SpeckleEstimate; }
  double mm_per_px() const { return 0.5 * (mm_per_px_x + mm_per_px_y); }
};

// `frame`: a frame of the clip (the ruler and the speckle are read on it); `region`: the
// image region, calibrated or not.
MeasurementScale measurement_scale(const Frame& frame, const UltrasoundRegion& region);

// `region` measured in mm at `scale` (a calibrated region is returned unchanged).
UltrasoundRegion with_scale(UltrasoundRegion region, const MeasurementScale& scale);

}  // namespace ft
