#pragma once
// A small blocking HTTP(S) client over libcurl for DICOMweb: one request at a time,
// timeouts from the network settings, errors as ft::Error(Network).
#include <string>

#include "ft/dicom/NetworkSettings.h"

namespace ft::dicom::detail {

struct HttpResponse {
  long status = 0;
  std::string content_type;
  std::string body;
};

class HttpClient {
 public:
  explicit HttpClient(const NetworkSettings& settings);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse get(const std::string& url, const std::string& accept);
  HttpResponse post(const std::string& url, const std::string& content_type, const std::string& body,
                    const std::string& accept);

 private:
  HttpResponse perform(const std::string& url, const std::string& accept, const std::string* content_type,
                       const std::string* body);
  void* curl_ = nullptr;  // CURL*
  NetworkSettings settings_;
};

// Percent-encodes a query parameter value.
std::string url_encode(const std::string& value);

}  // namespace ft::dicom::detail
