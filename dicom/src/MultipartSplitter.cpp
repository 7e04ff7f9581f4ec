#include "MultipartSplitter.h"

#include <algorithm>
#include <filesystem>

#include "ft/core/Error.h"

namespace ft::dicom::detail {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;  // a part's headers: a few lines

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.pop_back();
  const std::size_t start = s.find_first_not_of(" \t");
  return start == std::string::npos ? "" : s.substr(start);
}

// The Content-Type among a part's header lines.
std::string content_type_of(const std::string& headers) {
  std::size_t at = 0;
  while (at < headers.size()) {
    std::size_t end = headers.find("\r\n", at);
    if (end == std::string::npos) end = headers.size();
    const std::string line = headers.substr(at, end - at);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos && lower(trimmed(line.substr(0, colon))) == "content-type") return trimmed(line.substr(colon + 1));
    at = end + 2;
  }
  return "";
}

}  // namespace

std::string multipart_boundary(const std::string& content_type) {
  for (std::size_t pos = content_type.find(';'); pos != std::string::npos;) {
    const std::size_t start = content_type.find_first_not_of(" \t", pos + 1);
    const std::size_t eq = content_type.find('=', start);
    if (start == std::string::npos || eq == std::string::npos) break;
    const std::string name = lower(trimmed(content_type.substr(start, eq - start)));
    const std::size_t v = content_type.find_first_not_of(" \t", eq + 1);
    std::string value;
    if (v != std::string::npos && content_type[v] == '"') {
      const std::size_t close = content_type.find('"', v + 1);
      value = content_type.substr(v + 1, close == std::string::npos ? std::string::npos : close - v - 1);
      pos = close == std::string::npos ? close : content_type.find(';', close);
    } else if (v != std::string::npos) {
      pos = content_type.find(';', v);
      value = trimmed(content_type.substr(v, pos == std::string::npos ? std::string::npos : pos - v));
    } else {
      pos = std::string::npos;
    }
    if (name == "boundary") return value;
  }
  return "";
}

MultipartSplitter::MultipartSplitter(const std::string& content_type, std::string directory, std::string prefix)
    : directory_(std::move(directory)), prefix_(std::move(prefix)) {
  const std::string boundary = multipart_boundary(content_type);
  if (boundary.empty()) throw Error(ErrorCode::CorruptData, "multipart answer without a boundary");
  delimiter_ = "\r\n--" + boundary;
  pending_ = "\r\n";  // the first delimiter may open the body without a line break before it
}

// A transfer that failed half way (an exception through the caller) leaves no part behind.
MultipartSplitter::~MultipartSplitter() {
  if (state_ != State::Done) discard_written();
  if (file_) std::fclose(file_);
}

void MultipartSplitter::feed(const char* data, std::size_t size) {
  pending_.append(data, size);
  step();
}

void MultipartSplitter::step() {
  for (;;) {
    if (state_ == State::Preamble) {
      const std::size_t at = pending_.find(delimiter_);
      if (at == std::string::npos) {  // keep what could be the start of a delimiter
        if (pending_.size() > delimiter_.size()) pending_.erase(0, pending_.size() - delimiter_.size());
        return;
      }
      pending_.erase(0, at + delimiter_.size());
      state_ = State::AfterDelimiter;
    } else if (state_ == State::AfterDelimiter) {
      if (pending_.size() < 2) return;
      if (pending_.compare(0, 2, "--") == 0) {
        state_ = State::Done;
        pending_.clear();
        return;
      }
      state_ = State::Headers;
    } else if (state_ == State::Headers) {
      const std::size_t end = pending_.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (pending_.size() > kMaxHeaderBytes) throw Error(ErrorCode::CorruptData, "multipart part headers never end");
        return;
      }
      const std::string path = directory_ + "/" + prefix_ + std::to_string(parts_.size()) + ".dcm";
      file_ = std::fopen(path.c_str(), "wbx");  // never over a file already there
      if (!file_) throw Error(ErrorCode::Io, "cannot create " + path + " (it exists, or the disk refused)");
      parts_.push_back({content_type_of(pending_.substr(0, end)), path});
      pending_.erase(0, end + 4);
      state_ = State::Body;
    } else if (state_ == State::Body) {
      const std::size_t at = pending_.find(delimiter_);
      if (at == std::string::npos) {  // all but what could be the start of the delimiter
        if (pending_.size() > delimiter_.size()) write_body(pending_.size() - delimiter_.size());
        return;
      }
      write_body(at);
      close_part();
      pending_.erase(0, delimiter_.size());
      state_ = State::AfterDelimiter;
    } else {
      pending_.clear();  // the epilogue
      return;
    }
  }
}

void MultipartSplitter::write_body(std::size_t n) {
  if (n > 0 && std::fwrite(pending_.data(), 1, n, file_) != n)
    throw Error(ErrorCode::Io, "cannot write " + parts_.back().path + " (disk full?)");
  pending_.erase(0, n);
}

void MultipartSplitter::close_part() {
  const bool ok = std::fflush(file_) == 0;
  std::fclose(file_);
  file_ = nullptr;
  if (!ok) throw Error(ErrorCode::Io, "cannot write " + parts_.back().path + " (disk full?)");
}

void MultipartSplitter::discard_written() {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  std::error_code ec;
  for (const ReceivedPart& p : parts_) std::filesystem::remove(p.path, ec);
  parts_.clear();
}

std::vector<ReceivedPart> MultipartSplitter::finish() {
  if (state_ != State::Done) {
    const std::size_t whole = parts_.empty() ? 0 : parts_.size() - (state_ == State::Body || state_ == State::Headers);
    discard_written();
    throw Error(ErrorCode::CorruptData, state_ == State::Preamble
                                            ? "multipart answer without its boundary"
                                            : "multipart answer cut short after " + std::to_string(whole) + " part(s)");
  }
  return parts_;
}

}  // namespace ft::dicom::detail
