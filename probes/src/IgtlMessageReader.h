#pragma once
// Reads one OpenIGTLink message (as PLUS and other IGT servers send them) from a byte stream:
// an IMAGE becomes a Frame, a TRANSFORM a probe pose, anything else is skipped. Every length
// and size in the message is checked against what actually arrived before it is used, so a
// malformed, truncated or hostile message is rejected, never read past. The stream is a
// socket in OpenIGTLinkSource and memory in the fuzzer (tests/fuzz/IgtlMessageFuzz.cpp).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "ft/core/Frame.h"

namespace ft {

// Where the bytes come from.
class IgtlByteStream {
 public:
  virtual ~IgtlByteStream() = default;
  // Reads exactly `n` bytes into `into`: returns n; 0 when the peer closed or the stream
  // broke; -1 when nothing arrived before the receive timeout (no error: try again).
  virtual long receive(void* into, std::size_t n) = 0;
  // Skips `n` bytes; false when the stream broke.
  virtual bool skip(std::uint64_t n) = 0;
};

struct IgtlMessage {
  enum class Kind {
    Nothing,    // the receive timeout passed before a message began
    Image,      // `frame`, `spacing_mm`, `device`
    Transform,  // `pose`
    Skipped,    // another type or device, read past
    Rejected,   // read past, not usable (`why`): the stream goes on
    Lost,       // the stream cannot be trusted or ended (`why` empty when it simply closed)
  };
  Kind kind = Kind::Nothing;
  Frame frame;
  std::array<double, 2> spacing_mm{};
  std::string device;
  std::array<float, 16> pose{};
  std::string why;
};

// `device_filter`: IMAGE messages of other devices are skipped (empty: any device).
// Bodies over `max_body_bytes` are not read (the stream is resynchronised: Lost).
IgtlMessage read_igtl_message(IgtlByteStream& in, const std::string& device_filter, std::size_t max_body_bytes);

}  // namespace ft
