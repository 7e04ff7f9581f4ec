// The OpenIGTLink message reader on messages made byte by byte: what a broken or hostile
// server can send is rejected without reading past what arrived.
#include <gtest/gtest.h>
#include <igtlImageMessage.h>
#include <igtlTransformMessage.h>
#include <igtl_header.h>
#include <igtl_image.h>
#include <igtl_util.h>

#include <cstring>
#include <string>

#include "IgtlMessageReader.h"

namespace ft {
namespace {

class MemoryStream final : public IgtlByteStream {
 public:
  explicit MemoryStream(std::string bytes) : bytes_(std::move(bytes)) {}
  long receive(void* into, std::size_t n) override {
    if (bytes_.size() - at_ < n) return 0;
    std::memcpy(into, bytes_.data() + at_, n);
    at_ += n;
    return long(n);
  }
  bool skip(std::uint64_t n) override {
    if (bytes_.size() - at_ < n) return false;
    at_ += std::size_t(n);
    return true;
  }

 private:
  std::string bytes_;
  std::size_t at_ = 0;
};

std::string packed(igtl::MessageBase& m) {
  m.Pack();
  return {static_cast<const char*>(m.GetPackPointer()), std::size_t(m.GetPackSize())};
}

std::string image(int w, int h) {
  igtl::ImageMessage::Pointer m = igtl::ImageMessage::New();
  m->SetDimensions(w, h, 1);
  m->SetSpacing(0.2f, 0.3f, 1.0f);
  m->SetScalarType(igtl::ImageMessage::TYPE_UINT8);
  m->SetDeviceName("Image_Reference");
  m->AllocateScalars();
  std::memset(m->GetScalarPointer(), 77, std::size_t(m->GetImageSize()));
  return packed(*m);
}

void put_big_endian(std::string& bytes, std::size_t at, std::uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) bytes[at + std::size_t(i)] = char(v & 0xFF);
}

// `message` cut to `body` bytes of body, its header's size and CRC made to match: a
// well-formed message that holds less than it says.
std::string cut(std::string message, std::size_t body) {
  message.resize(IGTL_HEADER_SIZE + body);
  put_big_endian(message, 42, body);
  put_big_endian(message, 50, crc64(reinterpret_cast<unsigned char*>(&message[IGTL_HEADER_SIZE]), body, 0));
  return message;
}

}  // namespace

TEST(IgtlMessageReader, AnImageIsAFrameWithItsSpacingAndAPoseFollows) {
  igtl::TransformMessage::Pointer t = igtl::TransformMessage::New();
  igtl::Matrix4x4 matrix;
  igtl::IdentityMatrix(matrix);
  matrix[0][3] = 12.5f;
  t->SetMatrix(matrix);
  MemoryStream in(image(32, 24) + packed(*t));
  const IgtlMessage m = read_igtl_message(in, "", 1 << 20);
  ASSERT_EQ(m.kind, IgtlMessage::Kind::Image);
  EXPECT_EQ(m.frame.width_px(), 32);
  EXPECT_EQ(m.frame.height_px(), 24);
  EXPECT_EQ(m.frame.value(31, 23), 77.0f);
  EXPECT_NEAR(m.spacing_mm[1], 0.3, 1e-6);
  const IgtlMessage pose = read_igtl_message(in, "", 1 << 20);
  ASSERT_EQ(pose.kind, IgtlMessage::Kind::Transform);
  EXPECT_EQ(pose.pose[3], 12.5f);
  EXPECT_EQ(read_igtl_message(in, "", 1 << 20).kind, IgtlMessage::Kind::Lost) << "the stream ended";
}

// A 64 x 64 IMAGE whose body (CRC correct) holds 16 pixels: before the reader checked sizes,
// copying the frame read 4 KiB past the message (found by the fuzzer under ASan).
TEST(IgtlMessageReader, AnImageHoldingFewerPixelsThanItsSizeIsRejected) {
  MemoryStream in(cut(image(64, 64), IGTL_IMAGE_HEADER_SIZE + 16) + image(4, 4));
  const IgtlMessage m = read_igtl_message(in, "", 1 << 20);
  EXPECT_EQ(m.kind, IgtlMessage::Kind::Rejected);
  EXPECT_NE(m.why.find("fewer pixels"), std::string::npos) << m.why;
  EXPECT_EQ(read_igtl_message(in, "", 1 << 20).kind, IgtlMessage::Kind::Image) << "and the stream goes on";
}

TEST(IgtlMessageReader, ATransformShorterThanAMatrixAndAHugeBodyAreRefused) {
  igtl::TransformMessage::Pointer t = igtl::TransformMessage::New();
  MemoryStream short_pose(cut(packed(*t), 8));
  EXPECT_EQ(read_igtl_message(short_pose, "", 1 << 20).kind, IgtlMessage::Kind::Rejected);
  MemoryStream huge(image(64, 64));
  const IgtlMessage m = read_igtl_message(huge, "", 1024);
  EXPECT_EQ(m.kind, IgtlMessage::Kind::Lost);
  EXPECT_NE(m.why.find("bytes rejected"), std::string::npos);
}

// A header that says "no body": OpenIGTLink's AllocatePack then sizes the body for the type's
// default (48 bytes for a TRANSFORM) and the next message's bytes were read as this pose.
TEST(IgtlMessageReader, AnEmptyBodyIsRejectedWithoutReadingTheNextMessage) {
  igtl::TransformMessage::Pointer t = igtl::TransformMessage::New();
  MemoryStream in(cut(packed(*t), 0) + image(4, 4));
  EXPECT_EQ(read_igtl_message(in, "", 1 << 20).kind, IgtlMessage::Kind::Rejected);
  EXPECT_EQ(read_igtl_message(in, "", 1 << 20).kind, IgtlMessage::Kind::Image) << "the stream stays aligned";
}

TEST(IgtlMessageReader, ImagesOfAnotherDeviceAreSkipped) {
  MemoryStream in(image(8, 8));
  EXPECT_EQ(read_igtl_message(in, "OtherProbe", 1 << 20).kind, IgtlMessage::Kind::Skipped);
}

}  // namespace ft
