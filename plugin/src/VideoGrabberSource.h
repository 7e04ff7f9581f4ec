#pragma once
// A USB frame grabber on a scanner's video output (or a camera), through Qt Multimedia.
// Frames come as the grabber delivers them (often faster than the scanner: the live
// pipeline recognises the repeats); crop and mm calibration come from the device's saved
// calibration (`fibretrack video-calibrate`), else the whole frame, uncalibrated.
// Qt Multimedia runs on this source's own thread with its own event loop.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ft/probes/FrameSource.h"

namespace ft {

class VideoGrabberSource final : public FrameSource {
 public:
  // Opens the device (a description or id, or "default") and waits for its first frame.
  // Throws ft::Error(NotFound) naming the devices there are when none matches.
  explicit VideoGrabberSource(std::string device, double first_frame_timeout_s = 5.0);
  ~VideoGrabberSource() override;

  void start(FrameHandler handler) override;
  void stop() override;
  SourceStatus status() const override;
  StreamInfo stream_info() const override;
  std::string uri() const override { return "video:" + device_; }

 private:
  void run();
  void deliver(Frame&& frame);

  std::string device_;
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  mutable std::mutex mutex_;
  std::mutex delivering_;  // held while the handler runs: one frame at a time, in order
  std::condition_variable first_arrived_;
  std::optional<Frame> first_;
  FrameHandler handler_;
  bool opened_ = false;
  std::string open_error_;
  SourceStatus status_;
  StreamInfo info_;
};

}  // namespace ft
