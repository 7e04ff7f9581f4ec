#pragma once
// A small blocking HTTP(S) client over libcurl for DICOMweb: one request at a time,
// timeouts from the network settings, errors as ft::Error(Network).
#include <functional>
#include <string>
#include <vector>

#include "ft/dicom/NetworkSettings.h"

namespace ft::dicom::detail {

struct HttpResponse {
  long status = 0;
  std::string content_type;
  std::string body;
  std::vector<std::string> warnings;  // Warning header values (e.g. QIDO-RS's 299: results cut)
};

struct HttpTransfer;  // what one request reads from and writes to (HttpClient.cpp)

class HttpClient {
 public:
  explicit HttpClient(const NetworkSettings& settings);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse get(const std::string& url, const std::string& accept);
  HttpResponse post(const std::string& url, const std::string& content_type, const std::string& body,
                    const std::string& accept);

  // GET whose 200 body goes to `sink` as it arrives (never held whole), with the answer's
  // Content-Type; any other status's body (an error page, at most 64 KiB) is kept in the
  // response. An exception from the sink stops the transfer and is rethrown.
  using BodySink = std::function<void(const std::string& content_type, const char* data, std::size_t size)>;
  HttpResponse get_streamed(const std::string& url, const std::string& accept, const BodySink& sink);

  // POST whose body is the concatenation of `pieces`, each text or the whole of a file, read
  // as it is sent (a study of any size is sent holding one buffer of it).
  struct BodyPiece {
    std::string text;
    std::string file;  // when set, the piece is this file's bytes
  };
  HttpResponse post_streamed(const std::string& url, const std::string& content_type, const std::vector<BodyPiece>& pieces,
                             const std::string& accept);

 private:
  HttpResponse perform(const std::string& url, const std::string& accept, const std::string* content_type,
                       struct HttpTransfer& transfer);
  void* curl_ = nullptr;  // CURL*
  NetworkSettings settings_;
};

// Percent-encodes a query parameter value.
std::string url_encode(const std::string& value);

}  // namespace ft::dicom::detail
