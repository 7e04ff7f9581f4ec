#pragma once
// What a frame grabber on a scanner's video output needs to turn a screen into a
// measurable image: the crop of the image region, and mm per px from two points of
// known distance (e.g. two depth-scale ticks 10 mm apart). Saved per capture device,
// so that a sonographer calibrates once per scanner setting.
#include <optional>
#include <string>

#include "ft/core/UltrasoundRegion.h"

namespace ft {

struct VideoCalibration {
  std::string device;
  PixelRect crop;          // the image region in the captured frame
  double mm_per_px = 0.0;  // square pixels assumed (scanner displays are)

  UltrasoundRegion region() const;
  // region(), for frames of this size. Throws ft::Error(InvalidArgument) when the crop does not
  // lie inside them (one past the last column or row is taken as the last): the capture size is
  // smaller than at calibration, so the crop would read outside the frame. A larger capture size
  // is not caught: the calibration does not keep the frame size it was made at.
  UltrasoundRegion region_in_frame(int frame_width_px, int frame_height_px) const;
};

// mm per px from two points (px) that are `distance_mm` apart on the scanner's scale.
// Throws ft::Error(InvalidArgument) for coincident points or a non-positive distance.
double mm_per_px_from_points(double x1, double y1, double x2, double y2, double distance_mm);

// Where calibrations live: $FIBRETRACK_CONFIG_DIR, else $XDG_CONFIG_HOME/fibretrack, else
// ~/.config/fibretrack; one JSON file per device under video/.
std::string video_calibration_path(const std::string& device);
// Refuses (ft::Error InvalidArgument) a crop that is empty or has a corner outside 0..65535, and a
// scale that is not a positive number; load_video_calibration checks a file the same way.
void save_video_calibration(const VideoCalibration& calibration);
std::optional<VideoCalibration> load_video_calibration(const std::string& device);

}  // namespace ft
