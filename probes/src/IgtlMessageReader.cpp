#include "IgtlMessageReader.h"

#include <igtlImageMessage.h>
#include <igtlMessageHeader.h>
#include <igtlTransformMessage.h>
#include <igtl_header.h>
#include <igtl_image.h>
#include <igtl_transform.h>

#include <cstring>

namespace ft {
namespace {

constexpr int kMaxFrameSidePx = 8192;

IgtlMessage lost(std::string why) {
  IgtlMessage m;
  m.kind = IgtlMessage::Kind::Lost;
  m.why = std::move(why);
  return m;
}

IgtlMessage rejected(std::string why) {
  IgtlMessage m;
  m.kind = IgtlMessage::Kind::Rejected;
  m.why = std::move(why);
  return m;
}

// The body of a message whose header was read, into `message`'s own buffer.
bool receive_body(IgtlByteStream& in, igtl::MessageBase& message) {
  const auto n = std::size_t(message.GetPackBodySize());
  return n == 0 || in.receive(message.GetPackBodyPointer(), n) == long(n);
}

// A 2-D 8/16-bit greyscale frame whose pixels the body holds in full, as one volume (not a
// sub-volume: the body would then hold less than the frame).
IgtlMessage image_of(igtl::ImageMessage& image, const std::string& device) {
  int size[3], sub[3], offset[3];
  float spacing[3];
  image.GetDimensions(size);
  image.GetSubVolume(sub, offset);
  image.GetSpacing(spacing);
  const int scalar = image.GetScalarType();
  const bool wide = scalar == igtl::ImageMessage::TYPE_UINT16 || scalar == igtl::ImageMessage::TYPE_INT16;
  const bool narrow = scalar == igtl::ImageMessage::TYPE_UINT8 || scalar == igtl::ImageMessage::TYPE_INT8;
  if ((!wide && !narrow) || size[2] != 1 || image.GetNumComponents() != 1 || size[0] <= 0 || size[1] <= 0 ||
      size[0] > kMaxFrameSidePx || size[1] > kMaxFrameSidePx)
    return rejected("OpenIGTLink IMAGE not a 2-D 8/16-bit greyscale frame: rejected");
  if (sub[0] != size[0] || sub[1] != size[1] || sub[2] != 1 || offset[0] != 0 || offset[1] != 0 || offset[2] != 0)
    return rejected("OpenIGTLink IMAGE carries a sub-volume, not a whole frame: rejected");
  const std::uint64_t pixels_bytes = std::uint64_t(size[0]) * std::uint64_t(size[1]) * (wide ? 2u : 1u);
  if (std::uint64_t(image.GetPackBodySize()) < std::uint64_t(IGTL_IMAGE_HEADER_SIZE) + pixels_bytes)
    return rejected("OpenIGTLink IMAGE holds fewer pixels than its size says: rejected");
  Frame f(size[0], size[1], wide ? PixelDepth::Bits16 : PixelDepth::Bits8);  // only once they are there
  std::memcpy(f.bytes(), image.GetScalarPointer(), f.byte_count());
  IgtlMessage m;
  m.kind = IgtlMessage::Kind::Image;
  m.frame = std::move(f);
  m.spacing_mm = {spacing[0], spacing[1]};
  m.device = device;
  return m;
}

}  // namespace

IgtlMessage read_igtl_message(IgtlByteStream& in, const std::string& device_filter, std::size_t max_body_bytes) {
  igtl::MessageHeader::Pointer header = igtl::MessageHeader::New();
  header->InitPack();
  const long got = in.receive(header->GetPackPointer(), std::size_t(header->GetPackSize()));
  if (got < 0) return {};  // nothing yet: not an error
  if (got != header->GetPackSize()) return lost("");
  if (!(header->Unpack() & igtl::MessageHeader::UNPACK_HEADER))
    return lost("malformed OpenIGTLink header: reconnecting");  // the byte stream cannot be trusted any more
  // The body size as sent (64-bit; OpenIGTLink 1.11 keeps it in an int, which would wrap).
  const std::uint64_t body = reinterpret_cast<const igtl_header*>(header->GetPackPointer())->body_size;
  if (body > max_body_bytes)  // skipping that much would stall the stream: resynchronise instead
    return lost("OpenIGTLink message of " + std::to_string(body) + " bytes rejected");
  const std::string type = header->GetDeviceType(), device = header->GetDeviceName();
  // A body too short for its type is skipped before the library sizes a buffer for it: given
  // a size of 0, AllocatePack falls back to the type's default size and would read the next
  // message's bytes as this one's.
  const bool image_wanted = type == "IMAGE" && (device_filter.empty() || device_filter == device);
  if ((image_wanted && body < IGTL_IMAGE_HEADER_SIZE) || (type == "TRANSFORM" && body < IGTL_TRANSFORM_SIZE)) {
    if (body > 0 && !in.skip(body)) return lost("");
    return rejected("OpenIGTLink " + type + " with a body too short for its kind rejected");
  }
  if (image_wanted) {
    igtl::ImageMessage::Pointer image = igtl::ImageMessage::New();
    image->SetMessageHeader(header);
    image->AllocatePack();
    if (!receive_body(in, *image)) return lost("");
    if (!(image->Unpack(1) & igtl::MessageHeader::UNPACK_BODY))
      return rejected("OpenIGTLink IMAGE with a bad CRC or body rejected");
    IgtlMessage m = image_of(*image, device);
    if (m.kind == IgtlMessage::Kind::Image) {
      unsigned int sec = 0, frac = 0;
      header->GetTimeStamp(&sec, &frac);
      m.frame.acquisition_time_ns = std::int64_t(sec) * 1000000000LL + std::int64_t(double(frac) / 4294967296.0 * 1e9);
    }
    return m;
  }
  if (type == "TRANSFORM") {
    igtl::TransformMessage::Pointer transform = igtl::TransformMessage::New();
    transform->SetMessageHeader(header);
    transform->AllocatePack();
    if (!receive_body(in, *transform)) return lost("");
    if (!(transform->Unpack(1) & igtl::MessageHeader::UNPACK_BODY))
      return rejected("OpenIGTLink TRANSFORM with a bad CRC or body rejected");
    igtl::Matrix4x4 matrix;
    transform->GetMatrix(matrix);
    IgtlMessage m;
    m.kind = IgtlMessage::Kind::Transform;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) m.pose[std::size_t(i * 4 + j)] = matrix[i][j];
    return m;
  }
  // Other types (STATUS, STRING, ...) and other devices.
  if (body > 0 && !in.skip(body)) return lost("");
  IgtlMessage m;
  m.kind = IgtlMessage::Kind::Skipped;
  return m;
}

}  // namespace ft
