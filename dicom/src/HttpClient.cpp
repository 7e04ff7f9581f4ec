#include "HttpClient.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>

#include "ft/core/Error.h"
#include "ft/dicom/DicomNode.h"

namespace ft::dicom::detail {
namespace {

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t read_header(char* data, size_t size, size_t count, void* user) {
  const std::string line(data, size * count);
  constexpr char kName[] = "content-type:";
  if (line.size() > sizeof kName) {
    std::string lower = line.substr(0, sizeof kName - 1);
    for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (lower == kName) {
      std::string value = line.substr(sizeof kName - 1);
      while (!value.empty() && (value.front() == ' ')) value.erase(value.begin());
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
      *static_cast<std::string*>(user) = value;
    }
  }
  return size * count;
}

}  // namespace

HttpClient::HttpClient(const NetworkSettings& settings) : settings_(settings) {
  static std::once_flag once;  // curl_global_init is not thread-safe; libcurl asks for it once
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
  if (!curl_) throw Error(ErrorCode::Network, "cannot start an HTTP client (libcurl)");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResponse HttpClient::get(const std::string& url, const std::string& accept) {
  return perform(url, accept, nullptr, nullptr);
}

HttpResponse HttpClient::post(const std::string& url, const std::string& content_type, const std::string& body,
                              const std::string& accept) {
  return perform(url, accept, &content_type, &body);
}

HttpResponse HttpClient::perform(const std::string& url, const std::string& accept, const std::string* content_type,
                                 const std::string* body) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  HttpResponse response;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Accept: " + accept).c_str());
  if (content_type) headers = curl_slist_append(headers, ("Content-Type: " + *content_type).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, long(settings_.timeout_s));
  // A whole study can take a while, and a server may think before answering a large STOW:
  // give up only when nothing moved for a minute (or six timeouts, if longer).
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, std::max(60L, 6L * long(settings_.timeout_s)));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // A URL without user:password@ takes them from ~/.netrc when it names the host: credentials
  // that need not be typed on command lines or kept beside queued objects.
  curl_easy_setopt(curl, CURLOPT_NETRC, long(CURL_NETRC_OPTIONAL));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.content_type);
  // Our trusted certificates, all of them, in place of the system's bundle when given.
  std::string bundle;
  for (const std::string& ca : settings_.tls.trusted_pem) {
    std::ifstream in(ca);
    bundle += std::string(std::istreambuf_iterator<char>(in), {}) + "\n";
  }
  if (!bundle.empty()) {
    curl_blob blob{bundle.data(), bundle.size(), CURL_BLOB_COPY};
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  }
  if (!settings_.tls.verify_peer) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    if (url.rfind("https://", 0) == 0)
      std::fprintf(stderr, "WARNING: HTTPS certificate verification is off (settings: tls.verify_peer): credentials and "
                           "patient data go to whoever answers as %s\n", url_without_credentials(url.substr(0, url.find('?'))).c_str());
  }
  if (body) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body->size()));
  }
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  // The URL without its query: QIDO parameters carry patient names and IDs.
  // Nor its user:password@.
  if (code != CURLE_OK)
    throw Error(ErrorCode::Network, url_without_credentials(url.substr(0, url.find('?'))) + ": " + curl_easy_strerror(code));
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string url_encode(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '*') {
      out += char(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace ft::dicom::detail
