#pragma once
// A scanner's screen recorded as video: what a clinic's clip export or a screen recorder
// on the scanner's PC gives, and what the real clips the detector is judged on look like
// (a Telemed scanner at 21 frames/s with frame averaging 3, recorded at 61 frames/s as H.264:
// no two frames repeat, and speckle tracks 2-3 times worse than in our own frames: median
// forward-backward error 0.7-1.2 px against 0.03-0.4 px).
//  - persistence: the scanner shows the mean of its last `persistence` frames;
//  - the display refreshes at display_fps and blends the two scanner frames around each refresh
//    (linear in time), so no frame repeats;
//  - the recording is H.264 (OpenCV's FFmpeg writer, its default rate control), read back.
// The real recordings' frame differences change smoothly from frame to frame (no pattern every
// ~3 frames): the display does not hold whole scanner frames, hence the blend. The persistence
// is a plain mean (a scanner's may be recursive). OpenCV's writer compresses less than the
// real recordings' ~0.25 bits per image pixel.
#include <string>
#include <vector>

#include "ft/core/Frame.h"

namespace ft::bench {

struct ScreenRecorder {
  double scanner_fps = 20.0;
  double display_fps = 61.0;
  int persistence_frames = 3;
  std::string scratch_path;  // the video file written and read back (removed after)
};

struct ScreenRecording {
  std::vector<Frame> frames;
  // Per recorded frame, the scanner frame whose tissue it shows (fractional): a mean of the
  // last n frames shows them (n - 1) / 2 frames late, and a blend lies between its two.
  std::vector<double> content_scanner_frame;
};

// The recording starts once the persistence is full (scanner frame persistence_frames - 1).
// Throws std::runtime_error when OpenCV cannot write or read the H.264 back whole.
ScreenRecording record_screen(const std::vector<Frame>& scanner, const ScreenRecorder& recorder);

}  // namespace ft::bench
