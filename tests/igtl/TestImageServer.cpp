// An OpenIGTLink server for the tests: sends the simulated probe's frames as IMAGE
// messages (with a TRANSFORM beside each), packed by the OpenIGTLink library, to every
// client that connects, optionally mixed with broken messages. The listening socket is
// plain POSIX with SO_REUSEADDR, so that a killed server can be restarted on its port
// at once (the reconnect test does that).
// usage: igtl_test_server PORT FPS FRAMES [ok|crc|unknown|short|huge]
#include <igtlImageMessage.h>
#include <igtlOSUtil.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <igtlTransformMessage.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace {

struct Client {
  int fd;
  bool Send(const void* data, int size) const { return ::send(fd, data, std::size_t(size), MSG_NOSIGNAL) == size; }
  void CloseSocket() const { ::close(fd); }
};

int listen_on(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(std::uint16_t(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 4) != 0) return -1;
  return fd;
}

igtl::ImageMessage::Pointer image_message(const ft::Frame& frame, const ft::PixelRect& r, double mm, unsigned k) {
  int size[] = {r.width_px(), r.height_px(), 1};
  float spacing[] = {float(mm), float(mm), 1.0f};
  igtl::ImageMessage::Pointer m = igtl::ImageMessage::New();
  m->SetDimensions(size);
  m->SetSpacing(spacing);
  m->SetScalarType(igtl::ImageMessage::TYPE_UINT8);
  m->SetDeviceName("FibreTrackSim");
  m->AllocateScalars();
  auto* out = static_cast<unsigned char*>(m->GetScalarPointer());
  for (int y = 0; y < r.height_px(); ++y)
    for (int x = 0; x < r.width_px(); ++x) out[y * r.width_px() + x] = (unsigned char)frame.value(r.x0_px + x, r.y0_px + y);
  igtl::TimeStamp::Pointer ts = igtl::TimeStamp::New();
  ts->SetTime(1000u + k / 20u, (k % 20u) * 50000000u);
  m->SetTimeStamp(ts);
  m->Pack();
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s PORT FPS FRAMES [ok|crc|unknown|huge]\n", argv[0]);
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);  // a client that goes away must not take the server with it
  const int port = std::atoi(argv[1]), frames = std::atoi(argv[3]);
  const int interval_ms = int(1000.0 / std::atof(argv[2]));
  const std::string mode = argc > 4 ? argv[4] : "ok";
  const ft::sim::SimulatedExam exam(ft::sim::make_preset("intact", 1, 40));
  const int server = listen_on(port);
  if (server < 0) return 1;
  for (;;) {
    const int fd = ::accept(server, nullptr, nullptr);
    if (fd < 0) continue;
    const Client connection{fd};
    const Client* client = &connection;
    for (int k = 0; k < frames; ++k) {
      const ft::Frame frame = exam.render_frame(k % exam.frame_count());
      igtl::ImageMessage::Pointer good = image_message(frame, exam.region().bounds, 0.15, unsigned(k));
      if (mode == "crc" && k % 3 == 1) {
        igtl::ImageMessage::Pointer bad = image_message(frame, exam.region().bounds, 0.15, unsigned(k));
        static_cast<unsigned char*>(bad->GetPackBodyPointer())[100] ^= 0xFF;  // body no longer matches its CRC
        client->Send(bad->GetPackPointer(), bad->GetPackSize());
      }
      if (mode == "unknown" && k % 3 == 1) {
        // A message type nobody defined: 58-byte header (version, type, device, time,
        // body size 16 big endian, CRC) and its 16-byte body.
        unsigned char raw[58 + 16] = {};
        raw[1] = 1;
        std::memcpy(raw + 2, "FOOBAR", 6);
        std::memcpy(raw + 14, "Other", 5);
        raw[49] = 16;
        std::memset(raw + 58, 7, 16);
        client->Send(raw, sizeof raw);
      }
      if (mode == "short" && k % 4 == 2) {
        // An IMAGE whose header declares 100 bytes less body than follows: the client
        // must reject it and find its way back into the stream.
        igtl::ImageMessage::Pointer bad = image_message(frame, exam.region().bounds, 0.15, unsigned(k));
        unsigned char* h = static_cast<unsigned char*>(bad->GetPackPointer());
        std::uint64_t body = 0;
        for (int b = 0; b < 8; ++b) body = (body << 8) | h[42 + b];
        body -= 100;
        for (int b = 7; b >= 0; --b, body >>= 8) h[42 + b] = (unsigned char)(body & 0xFF);
        client->Send(h, bad->GetPackSize());
      }
      if (mode == "huge" && k == 5) {
        // A header declaring a 1 GiB body, then the connection closes: the client must
        // refuse it, reconnect, and go on.
        igtl::ImageMessage::Pointer bad = image_message(frame, exam.region().bounds, 0.15, unsigned(k));
        unsigned char* h = static_cast<unsigned char*>(bad->GetPackPointer());
        const unsigned char size[8] = {0, 0, 0, 0, 0x40, 0, 0, 0};  // body size field, big endian
        std::memcpy(h + 42, size, 8);
        client->Send(h, 58);
        break;  // the connection closes below
      }
      if (!client->Send(good->GetPackPointer(), good->GetPackSize())) break;
      igtl::TransformMessage::Pointer pose = igtl::TransformMessage::New();
      pose->SetDeviceName("Probe");
      igtl::Matrix4x4 m;
      igtl::IdentityMatrix(m);
      m[0][3] = float(k);
      pose->SetMatrix(m);
      pose->Pack();
      client->Send(pose->GetPackPointer(), pose->GetPackSize());
      igtl::Sleep(interval_ms);
    }
    client->CloseSocket();
  }
}
