#pragma once
// The fascicle directions read in the frames of one motion record, on its grid (frame 0's
// points), each frame read once. Reading directions (fascicle_orientation) is most of a
// detection's cost: one run reads the same frame for several candidates, and live
// monitoring re-runs the detector every few frames over a window of the same frames.
// Valid for one MotionRecord's grid and frames: clear() when they change.
#include <map>

#include "ft/core/FascicleOrientation.h"
#include "ft/core/Frame.h"
#include "ft/core/MotionRecord.h"

namespace ft {

class FascicleReadings {
 public:
  // The directions read on `image` (frame k of `m`) at the grid points of frame 0.
  const FibreField& in_frame(int k, const Frame& image, const MotionRecord& m);
  void clear() { read_.clear(); }
  std::size_t frames_read() const { return read_.size(); }

 private:
  std::map<int, FibreField> read_;
};

}  // namespace ft
