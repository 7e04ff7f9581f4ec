#pragma once
// OpenIGTLink client for IMAGE messages as PLUS's OpenIGTLink server (and other IGT
// tools) send them: 8/16-bit scalar 2-D frames, spacing as the mm calibration, the
// message timestamp, an optional device-name filter. TRANSFORM messages on the same
// connection (probe pose) are kept beside the frames. When the server goes away the
// client reconnects with backoff; malformed, truncated, wrong-CRC or absurdly large
// messages are rejected (counted, reported) and the client keeps running.
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ft/probes/FrameSource.h"

namespace ft {

struct OpenIGTLinkSettings {
  std::string host = "127.0.0.1";
  int port = 18944;
  std::string device;                 // accept IMAGE messages of this device only; empty: any
  double first_frame_timeout_s = 5.0;  // the constructor waits this long for the stream's first frame
  std::size_t max_body_bytes = 64u << 20;
};

class OpenIGTLinkSource final : public FrameSource {
 public:
  // Connects and reads the first frame (to learn size and calibration), so that no frame
  // is lost and stream_info() is known before start(). Throws ft::Error(Network) when
  // no frame arrives in time.
  explicit OpenIGTLinkSource(OpenIGTLinkSettings settings);
  ~OpenIGTLinkSource() override;

  void start(FrameHandler handler) override;
  void stop() override;
  SourceStatus status() const override;
  StreamInfo stream_info() const override;
  std::string uri() const override;

  long rejected_messages() const noexcept { return rejected_; }
  // Latest probe pose (row-major 4x4) from TRANSFORM messages, if any arrived.
  std::optional<std::array<float, 16>> latest_pose() const;

 private:
  class Connection;
  void run(FrameHandler handler);
  bool read_one(Connection& c, Frame& frame);  // false: connection lost
  void set_state(SourceState state, const std::string& message);

  OpenIGTLinkSettings settings_;
  std::unique_ptr<Connection> connection_;
  std::optional<Frame> first_;
  StreamInfo info_;
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<long> rejected_{0};
  mutable std::mutex mutex_;
  SourceStatus status_;
  std::optional<std::array<float, 16>> pose_;
};

}  // namespace ft
