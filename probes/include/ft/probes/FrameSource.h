#pragma once
// A live source of B-mode frames: the probe driver's side of FibreTrack. As in PLUS,
// a device is a data source; each source delivers frames on its own thread to one
// handler, and reports its state and the frames it had to drop.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ft/core/Frame.h"
#include "ft/core/UltrasoundRegion.h"

namespace ft {

enum class SourceState { Stopped, Connecting, Streaming, Reconnecting, Finished, Failed };
const char* to_string(SourceState state) noexcept;

struct SourceStatus {
  SourceState state = SourceState::Stopped;
  std::string message;              // why, when Failed or Reconnecting
  std::uint64_t frames_delivered = 0;
  std::uint64_t frames_dropped = 0;  // produced by the device but never delivered
};

// What a consumer needs to know about the stream before the first frame.
struct StreamInfo {
  std::vector<UltrasoundRegion> regions;  // calibration; empty when the source has none
  double nominal_frame_rate_hz = 0.0;
  std::string description;
};

class FrameSource {
 public:
  using FrameHandler = std::function<void(Frame&& frame)>;

  virtual ~FrameSource() = default;
  // Starts delivering frames to `handler`, on the source's thread. Throws ft::Error
  // if the source cannot start at all; later failures show in status().
  virtual void start(FrameHandler handler) = 0;
  // Stops; when it returns the handler is not called again.
  virtual void stop() = 0;
  virtual SourceStatus status() const = 0;
  virtual StreamInfo stream_info() const = 0;
  virtual std::string uri() const = 0;
};

}  // namespace ft
