// libFuzzer target for the OpenIGTLink message reader (probes/src/IgtlMessageReader.cpp):
// the bytes a server, a broken network or an attacker on the probe's network can send.
// Messages are read from them until the stream is lost; every one is an image, a pose, a
// skip or a rejection — never a read past what arrived, a crash or a hang.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include <igtl_header.h>
#include <igtl_util.h>

#include <vector>

#include "IgtlMessageReader.h"

namespace {
class MemoryStream final : public ft::IgtlByteStream {
 public:
  MemoryStream(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  long receive(void* into, std::size_t n) override {
    if (size_ - at_ < n) return 0;  // the peer closed mid-message
    std::memcpy(into, data_ + at_, n);
    at_ += n;
    return long(n);
  }
  bool skip(std::uint64_t n) override {
    if (size_ - at_ < n) return false;
    at_ += std::size_t(n);
    return true;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_, at_ = 0;
};
std::uint64_t big_endian(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// A CRC-64 over each message's body, as the mutated header says the body lies: without it
// almost every mutation fails the CRC check and the body's parsing is never reached.
void fix_checksums(std::vector<std::uint8_t>& bytes) {
  for (std::size_t at = 0; at + IGTL_HEADER_SIZE <= bytes.size();) {
    const std::uint64_t body = big_endian(bytes.data() + at + 42);
    if (body > bytes.size() - at - IGTL_HEADER_SIZE) return;
    std::uint64_t crc = crc64(bytes.data() + at + IGTL_HEADER_SIZE, body, 0);
    for (int i = 7; i >= 0; --i, crc >>= 8) bytes[at + 50 + std::size_t(i)] = std::uint8_t(crc & 0xFF);
    at += IGTL_HEADER_SIZE + std::size_t(body);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Half the inputs as they are (bad CRCs must be rejected), half with the checksums made good.
  std::vector<std::uint8_t> bytes(data, data + size);
  if (size > 0 && (data[size - 1] & 1)) fix_checksums(bytes);
  MemoryStream stream(bytes.data(), bytes.size());
  for (int messages = 0; messages < 64; ++messages) {
    const ft::IgtlMessage m = ft::read_igtl_message(stream, "", 1u << 20);
    if (m.kind == ft::IgtlMessage::Kind::Lost || m.kind == ft::IgtlMessage::Kind::Nothing) break;
    if (m.kind == ft::IgtlMessage::Kind::Image) {
      if (m.frame.empty()) __builtin_trap();
      volatile std::uint8_t sink = 0;  // touch every pixel: ASan sees a frame shorter than it says
      for (std::size_t i = 0; i < m.frame.byte_count(); ++i) sink ^= m.frame.bytes()[i];
    }
  }
  return 0;
}
