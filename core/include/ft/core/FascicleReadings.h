#pragma once
// The fascicle directions read in the frames of one motion record, on its grid (frame 0's
// points), each frame read once. Reading directions (fascicle_orientation) is most of a
// detection's cost: one run reads the same frame for several candidates, and live
// monitoring re-runs the detector every few frames over a window of the same frames.
// Valid for one MotionRecord's frames: clear() when they change. Readings made on another
// grid, region or scale are dropped by themselves.
//
// `grain_elongation`: the image's grain length across over its length in depth, in px, where the
// analysis judged the texture as elongated as a recorded screen's and was asked to read along it
// (DetectionSettings::fascicle_grain_elongation), 1 elsewhere; the lines then follow the grain
// (FascicleScale::texture_elongation). Readings made with another are dropped.
#include <map>

#include "ft/core/FascicleOrientation.h"
#include "ft/core/Frame.h"
#include "ft/core/MotionRecord.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

class FascicleReadings {
 public:
  // The directions read on `image` (frame k of `m`) at the grid points of frame 0.
  const FibreField& in_frame(int k, const Frame& image, const MotionRecord& m, double grain_elongation = 1.0);
  void clear() { read_.clear(); }
  std::size_t frames_read() const { return read_.size(); }

 private:
  struct Grid {
    int columns = 0, rows = 0;
    double step_px = 0, origin_x_px = 0, origin_y_px = 0, mm_per_px = 0, grain_elongation = 1;
    PixelRect region;
    bool operator==(const Grid& o) const {
      return columns == o.columns && rows == o.rows && step_px == o.step_px && origin_x_px == o.origin_x_px &&
             origin_y_px == o.origin_y_px && mm_per_px == o.mm_per_px && grain_elongation == o.grain_elongation &&
             region == o.region;
    }
  };
  static Grid grid_of(const MotionRecord& m, double grain_elongation);

  Grid grid_;
  std::map<int, FibreField> read_;
};

}  // namespace ft
