#pragma once
// Splits a multipart/related body (RFC 2046 / 2387, as WADO-RS answers) into one file per part
// while it arrives, chunk by chunk: a study of any size is retrieved holding no more than a
// delimiter's length and one part's headers in memory.
#include <cstdio>
#include <string>
#include <vector>

namespace ft::dicom::detail {

// The boundary named in a multipart Content-Type ("...; boundary=X" or "...; boundary=\"X\"");
// empty when it names none.
std::string multipart_boundary(const std::string& content_type);

struct ReceivedPart {
  std::string content_type;
  std::string path;
};

class MultipartSplitter {
 public:
  // Parts go to `directory`/<prefix><index>.dcm. Throws ft::Error(CorruptData) without a boundary.
  MultipartSplitter(const std::string& content_type, std::string directory, std::string prefix);
  ~MultipartSplitter();
  MultipartSplitter(const MultipartSplitter&) = delete;
  MultipartSplitter& operator=(const MultipartSplitter&) = delete;

  // The next bytes of the body. Throws ft::Error (Io when a part cannot be written, CorruptData
  // when a part's headers never end).
  void feed(const char* data, std::size_t size);
  // The body ended: the parts, or ft::Error(CorruptData) when it was cut short (the parts
  // written so far are removed: a retrieve is whole or it is not).
  std::vector<ReceivedPart> finish();

 private:
  enum class State { Preamble, AfterDelimiter, Headers, Body, Done };
  void step();  // consumes what it can of pending_
  void write_body(std::size_t n);
  void close_part();
  void discard_written();

  std::string delimiter_;  // "\r\n--" + boundary: what ends a part's body
  std::string directory_, prefix_;
  std::string pending_;
  State state_ = State::Preamble;
  std::FILE* file_ = nullptr;
  std::vector<ReceivedPart> parts_;
};

}  // namespace ft::dicom::detail
