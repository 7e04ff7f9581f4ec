#include "ft/probes/OpenIGTLinkSource.h"

#include <igtlClientSocket.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "IgtlMessageReader.h"
#include "ft/core/Error.h"

namespace ft {

// One TCP connection to the server, owned by whoever is reading.
class OpenIGTLinkSource::Connection {
 public:
  bool open(const std::string& host, int port) {
    socket_ = igtl::ClientSocket::New();
    if (socket_->ConnectToServer(host.c_str(), port) != 0) return false;
    socket_->SetReceiveTimeout(300);  // ms: lets the reader notice stop requests
    return true;
  }
  void close() {
    if (socket_) socket_->CloseSocket();
    socket_ = nullptr;
  }
  igtl::ClientSocket* socket() { return socket_.GetPointer(); }

 private:
  igtl::ClientSocket::Pointer socket_;
};

OpenIGTLinkSource::OpenIGTLinkSource(OpenIGTLinkSettings settings)
    : settings_(std::move(settings)), connection_(std::make_unique<Connection>()) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(settings_.first_frame_timeout_s);
  Frame frame;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!connection_->socket() && !connection_->open(settings_.host, settings_.port)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (read_one(*connection_, frame)) {
      if (!frame.empty()) {
        first_ = std::move(frame);
        break;
      }
    } else {
      connection_->close();
    }
  }
  if (!first_) {
    connection_->close();
    throw Error(ErrorCode::Network, "no OpenIGTLink IMAGE from " + settings_.host + ":" + std::to_string(settings_.port) +
                                        " within " + std::to_string(int(settings_.first_frame_timeout_s)) + " s");
  }
}

OpenIGTLinkSource::~OpenIGTLinkSource() {
  stop();
  connection_->close();
}

// The server's socket as the message reader's byte stream.
class SocketStream final : public IgtlByteStream {
 public:
  explicit SocketStream(igtl::ClientSocket& socket) : socket_(socket) {}
  // igtl's Receive returns the whole length, 0 when the peer closed, or -1 when the receive
  // timeout passed with nothing to read (servers send whole messages).
  long receive(void* into, std::size_t n) override { return socket_.Receive(into, int(n)); }
  // Our own loop, not igtl's Skip: that one spins for ever when the peer closes mid-body and
  // counts a timeout's -1 as bytes skipped.
  bool skip(std::uint64_t n) override {
    char buffer[64 * 1024];
    while (n > 0) {
      const int chunk = int(std::min<std::uint64_t>(n, sizeof buffer));
      if (socket_.Receive(buffer, chunk) != chunk) return false;
      n -= std::uint64_t(chunk);
    }
    return true;
  }

 private:
  igtl::ClientSocket& socket_;
};

// Reads one message. Returns false when the connection is lost (or must be dropped,
// e.g. after a message we cannot skip); `frame` is set only for an accepted IMAGE.
bool OpenIGTLinkSource::read_one(Connection& c, Frame& frame) {
  frame = Frame{};
  SocketStream stream(*c.socket());
  IgtlMessage m = read_igtl_message(stream, settings_.device, settings_.max_body_bytes);
  switch (m.kind) {
    case IgtlMessage::Kind::Lost:
      if (!m.why.empty()) {
        ++rejected_;
        set_state(SourceState::Streaming, m.why);
      }
      return false;
    case IgtlMessage::Kind::Rejected:
      ++rejected_;
      set_state(SourceState::Streaming, m.why);
      return true;
    case IgtlMessage::Kind::Transform: {
      std::lock_guard<std::mutex> lock(mutex_);
      pose_ = m.pose;
      return true;
    }
    case IgtlMessage::Kind::Image:
      if (info_.regions.empty()) {  // the first frame tells the stream's size and calibration
        UltrasoundRegion r;
        r.bounds = {0, 0, m.frame.width_px() - 1, m.frame.height_px() - 1};
        r.units_x = r.units_y = PhysicalUnits::Centimetre;
        r.mm_per_px_x = m.spacing_mm[0];
        r.mm_per_px_y = m.spacing_mm[1];
        info_.regions.push_back(r);
        info_.description = "OpenIGTLink " + m.device + " at " + settings_.host + ":" + std::to_string(settings_.port);
      }
      frame = std::move(m.frame);
      return true;
    default:
      return true;
  }
}

void OpenIGTLinkSource::set_state(SourceState state, const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  status_.state = state;
  status_.message = message;
}

void OpenIGTLinkSource::start(FrameHandler handler) {
  if (thread_.joinable()) throw Error(ErrorCode::InvalidArgument, "OpenIGTLink source already started");
  stop_requested_ = false;
  set_state(SourceState::Streaming, {});
  thread_ = std::thread([this, handler = std::move(handler)]() mutable { run(std::move(handler)); });
}

void OpenIGTLinkSource::run(FrameHandler handler) {
  std::uint64_t sequence = 0;
  auto deliver = [&](Frame&& f) {
    f.sequence_number = sequence++;
    handler(std::move(f));
    std::lock_guard<std::mutex> lock(mutex_);
    ++status_.frames_delivered;
  };
  if (first_) {
    deliver(std::move(*first_));
    first_.reset();
  }
  int backoff_ms = 100;
  Frame frame;
  while (!stop_requested_) {
    if (!connection_->socket()) {
      if (!connection_->open(settings_.host, settings_.port)) {
        set_state(SourceState::Reconnecting, "server not reachable; retrying in " + std::to_string(backoff_ms) + " ms");
        std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
        backoff_ms = std::min(2000, backoff_ms * 2);
        continue;
      }
      backoff_ms = 100;
      set_state(SourceState::Streaming, {});
    }
    if (!read_one(*connection_, frame)) {
      connection_->close();
      set_state(SourceState::Reconnecting, "connection lost; reconnecting");
      continue;
    }
    if (!frame.empty()) deliver(std::move(frame));
  }
}

void OpenIGTLinkSource::stop() {
  stop_requested_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  if (status_.state != SourceState::Failed) status_.state = SourceState::Stopped;
}

SourceStatus OpenIGTLinkSource::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

StreamInfo OpenIGTLinkSource::stream_info() const { return info_; }

std::string OpenIGTLinkSource::uri() const {
  return "igtl://" + settings_.host + ":" + std::to_string(settings_.port) +
         (settings_.device.empty() ? "" : "?device=" + settings_.device);
}

std::optional<std::array<float, 16>> OpenIGTLinkSource::latest_pose() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pose_;
}

}  // namespace ft
