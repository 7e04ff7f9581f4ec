#include "ft/probes/OpenIGTLinkSource.h"

#include <igtlClientSocket.h>
#include <igtlImageMessage.h>
#include <igtlMessageHeader.h>
#include <igtlTransformMessage.h>

#include <chrono>
#include <cstring>

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

// Reads one message. Returns false when the connection is lost (or must be dropped,
// e.g. after a message we cannot skip); `frame` is set only for an accepted IMAGE.
bool OpenIGTLinkSource::read_one(Connection& c, Frame& frame) {
  frame = Frame{};
  igtl::MessageHeader::Pointer header = igtl::MessageHeader::New();
  header->InitPack();
  // Receive() returns the whole length, 0 when the peer closed, or -1 when the receive
  // timeout passed with nothing to read (servers send whole messages).
  const int got = c.socket()->Receive(header->GetPackPointer(), header->GetPackSize());
  if (got < 0) return true;  // nothing yet: not an error
  if (got != header->GetPackSize()) return false;
  if (!(header->Unpack() & igtl::MessageHeader::UNPACK_HEADER)) {
    ++rejected_;
    set_state(SourceState::Streaming, "malformed OpenIGTLink header: reconnecting");
    return false;  // the byte stream cannot be trusted any more
  }
  const std::uint64_t body = header->GetBodySizeToRead();
  if (body > settings_.max_body_bytes) {
    ++rejected_;
    set_state(SourceState::Streaming, "OpenIGTLink message of " + std::to_string(body) + " bytes rejected");
    return false;  // skipping that much would stall the stream: resynchronise instead
  }
  const std::string type = header->GetDeviceType();
  const std::string device = header->GetDeviceName();
  if (type == "IMAGE" && (settings_.device.empty() || settings_.device == device)) {
    igtl::ImageMessage::Pointer image = igtl::ImageMessage::New();
    image->SetMessageHeader(header);
    image->AllocatePack();
    if (c.socket()->Receive(image->GetPackBodyPointer(), image->GetPackBodySize()) != image->GetPackBodySize()) return false;
    if (!(image->Unpack(1) & igtl::MessageHeader::UNPACK_BODY)) {
      ++rejected_;
      set_state(SourceState::Streaming, "OpenIGTLink IMAGE with a bad CRC or body rejected");
      return true;
    }
    int size[3];
    float spacing[3];
    image->GetDimensions(size);
    image->GetSpacing(spacing);
    const int scalar = image->GetScalarType();
    const bool wide = scalar == igtl::ImageMessage::TYPE_UINT16 || scalar == igtl::ImageMessage::TYPE_INT16;
    const bool narrow = scalar == igtl::ImageMessage::TYPE_UINT8 || scalar == igtl::ImageMessage::TYPE_INT8;
    if ((!wide && !narrow) || size[2] != 1 || image->GetNumComponents() != 1 || size[0] <= 0 || size[1] <= 0 ||
        size[0] > 8192 || size[1] > 8192) {
      ++rejected_;
      set_state(SourceState::Streaming, "OpenIGTLink IMAGE not a 2-D 8/16-bit greyscale frame: rejected");
      return true;
    }
    Frame f(size[0], size[1], wide ? PixelDepth::Bits16 : PixelDepth::Bits8);
    std::memcpy(f.bytes(), image->GetScalarPointer(), f.byte_count());
    unsigned int sec = 0, frac = 0;
    header->GetTimeStamp(&sec, &frac);
    f.acquisition_time_ns = std::int64_t(sec) * 1000000000LL + std::int64_t(double(frac) / 4294967296.0 * 1e9);
    if (info_.regions.empty()) {
      UltrasoundRegion r;
      r.bounds = {0, 0, size[0] - 1, size[1] - 1};
      r.units_x = r.units_y = PhysicalUnits::Centimetre;
      r.mm_per_px_x = spacing[0];
      r.mm_per_px_y = spacing[1];
      info_.regions.push_back(r);
      info_.description = "OpenIGTLink " + device + " at " + settings_.host + ":" + std::to_string(settings_.port);
    }
    frame = std::move(f);
    return true;
  }
  if (type == "TRANSFORM") {
    igtl::TransformMessage::Pointer transform = igtl::TransformMessage::New();
    transform->SetMessageHeader(header);
    transform->AllocatePack();
    if (c.socket()->Receive(transform->GetPackBodyPointer(), transform->GetPackBodySize()) != transform->GetPackBodySize())
      return false;
    if (transform->Unpack(1) & igtl::MessageHeader::UNPACK_BODY) {
      igtl::Matrix4x4 m;
      transform->GetMatrix(m);
      std::array<float, 16> pose{};
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) pose[std::size_t(i * 4 + j)] = m[i][j];
      std::lock_guard<std::mutex> lock(mutex_);
      pose_ = pose;
    } else {
      ++rejected_;
    }
    return true;
  }
  // Other types (STATUS, STRING, ...) and other devices: skip the body.
  if (body > 0 && c.socket()->Skip(int(body), 1) <= 0) return false;
  return true;
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
