#include <gtest/gtest.h>

#include <filesystem>

#include "MultipartSplitter.h"
#include "TestSupport.h"
#include "ft/core/Error.h"

namespace ft::dicom::detail {
namespace {

const std::string kType = "multipart/related; type=\"application/dicom\"; boundary=\"b0und4ry\"";

// Three parts whose bytes hold line breaks, dashes and most of the delimiter, as DICOM files can.
std::vector<std::string> part_bodies() {
  std::string binary;
  for (int i = 0; i < 300; ++i) binary += char(i * 37);
  return {"DICM\r\n--b0und4r\r\n--b0und", binary, ""};
}

std::string body_of(const std::vector<std::string>& parts, bool closed = true) {
  std::string body = "preamble to ignore\r\n";
  for (const std::string& p : parts) body += "--b0und4ry\r\nContent-Type: application/dicom\r\n\r\n" + p + "\r\n";
  if (closed) body += "--b0und4ry--\r\nepilogue";
  return body;
}

std::vector<ReceivedPart> split_in_chunks(const std::string& body, std::size_t chunk, const std::string& dir) {
  MultipartSplitter s(kType, dir, "part-");
  for (std::size_t at = 0; at < body.size(); at += chunk) s.feed(body.data() + at, std::min(chunk, body.size() - at));
  return s.finish();
}

}  // namespace

// Wherever the network cuts the answer into chunks — inside a delimiter, between CR and LF —
// the parts come out byte for byte.
TEST(MultipartSplitter, PartsComeOutWholeWhateverTheChunks) {
  const std::vector<std::string> expected = part_bodies();
  const std::string body = body_of(expected);
  for (std::size_t chunk : {std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(7), std::size_t(13),
                            std::size_t(64), body.size()}) {
    test::TempDir dir;
    const std::vector<ReceivedPart> parts = split_in_chunks(body, chunk, dir.path());
    ASSERT_EQ(parts.size(), expected.size()) << "chunk " << chunk;
    for (std::size_t k = 0; k < parts.size(); ++k) {
      EXPECT_EQ(parts[k].content_type, "application/dicom");
      EXPECT_EQ(test::read_file(parts[k].path), expected[k]) << "part " << k << ", chunk " << chunk;
    }
  }
}

TEST(MultipartSplitter, AnAnswerCutShortLeavesNoPartBehind) {
  test::TempDir dir;
  const std::string body = body_of(part_bodies(), false);
  try {
    split_in_chunks(body.substr(0, body.size() - 40), 16, dir.path());  // into the 300-byte part
    FAIL() << "a cut answer was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::CorruptData);
    EXPECT_NE(std::string(e.what()).find("cut short after 1 part(s)"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "a retrieve is whole or it is not";
}

TEST(MultipartSplitter, NoBoundaryOrEndlessHeadersAreCorruptAnswers) {
  test::TempDir dir;
  EXPECT_THROW(MultipartSplitter("multipart/related; type=\"application/dicom\"", dir.path(), "p"), Error);
  EXPECT_EQ(multipart_boundary("multipart/related;boundary=abc ; type=x"), "abc");
  MultipartSplitter s(kType, dir.path(), "p");
  const std::string start = "--b0und4ry\r\nContent-Type: application/dicom\r\n";
  s.feed(start.data(), start.size());
  const std::string header_line = "X-Padding: " + std::string(1000, 'x') + "\r\n";
  EXPECT_THROW(
      for (int i = 0; i < 100; ++i) s.feed(header_line.data(), header_line.size()), Error);
}

}  // namespace ft::dicom::detail
