#pragma once
// A recorded sequence of frames with its timing, calibration and where it came from.
#include <string>
#include <vector>

#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

// Who and what produced the clip; carried into the DICOM objects we write.
struct ClipSource {
  std::string manufacturer;
  std::string model_name;
  std::string device_serial;
  std::string source_uri;        // e.g. sim:full_tear?seed=3, igtl://host:port
  std::string body_part = "THIGH";  // DICOM Body Part Examined
  std::string laterality;        // "R", "L" or empty when unknown
  std::string description;
};

struct Clip {
  std::vector<Frame> frames;
  double frame_time_ms = 0.0;  // nominal; each Frame carries its own acquisition time
  std::vector<UltrasoundRegion> regions;
  ClipSource source;

  int width_px() const noexcept { return frames.empty() ? 0 : frames.front().width_px(); }
  int height_px() const noexcept { return frames.empty() ? 0 : frames.front().height_px(); }
  double frame_rate_hz() const noexcept { return frame_time_ms > 0 ? 1000.0 / frame_time_ms : 0.0; }
};

}  // namespace ft
