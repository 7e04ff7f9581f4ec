#include "HttpClient.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>

#include "ft/core/Error.h"
#include "ft/dicom/DicomNode.h"

namespace ft::dicom::detail {

// The two sides of one request: where its body comes from (a string, or pieces of text and
// files read as they are sent) and where the answer goes (a string, or a sink).
struct HttpTransfer {
  const std::string* body = nullptr;
  const std::vector<HttpClient::BodyPiece>* pieces = nullptr;
  std::size_t piece = 0, text_offset = 0;
  std::FILE* file = nullptr;
  const HttpClient::BodySink* sink = nullptr;
  CURL* curl = nullptr;
  HttpResponse* response = nullptr;
  std::exception_ptr error;  // thrown by a sink or a file: rethrown after libcurl returns

  ~HttpTransfer() {
    if (file) std::fclose(file);
  }
};

namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr std::size_t kMaxHeldBody = 256u << 20;  // a QIDO or STOW answer (JSON) held whole: bounded

// No exception crosses libcurl's C frames: each callback keeps it for perform() to rethrow.
size_t on_body(char* data, size_t size, size_t count, void* user) try {
  auto& t = *static_cast<HttpTransfer*>(user);
  const std::size_t n = size * count;
  if (!t.sink) {
    if (t.response->body.size() + n > kMaxHeldBody)
      throw Error(ErrorCode::Network, "answer larger than " + std::to_string(kMaxHeldBody >> 20) + " MiB");
    t.response->body.append(data, n);
    return n;
  }
  long status = 0;
  curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {  // an error page: kept (bounded), not fed to the sink
    t.response->body.append(data, std::min(n, kMaxErrorBody - std::min(kMaxErrorBody, t.response->body.size())));
    return n;
  }
  (*t.sink)(t.response->content_type, data, n);
  return n;
} catch (...) {
  static_cast<HttpTransfer*>(user)->error = std::current_exception();
  return 0;  // stops the transfer (CURLE_WRITE_ERROR)
}

// Back to the start of a body made of pieces, when libcurl must send it again (a connection
// that died before the answer, a 417 to Expect: 100-continue).
int on_seek(void* user, curl_off_t offset, int origin) {
  auto& t = *static_cast<HttpTransfer*>(user);
  if (offset != 0 || origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  if (t.file) std::fclose(t.file);
  t.file = nullptr;
  t.piece = 0;
  t.text_offset = 0;
  return CURL_SEEKFUNC_OK;
}

// The next bytes of a body made of pieces: text as it is, files opened one at a time.
size_t on_read(char* into, size_t size, size_t count, void* user) {
  auto& t = *static_cast<HttpTransfer*>(user);
  const std::size_t room = size * count;
  while (t.piece < t.pieces->size()) {
    const HttpClient::BodyPiece& p = (*t.pieces)[t.piece];
    if (p.file.empty()) {
      const std::size_t n = std::min(room, p.text.size() - t.text_offset);
      std::memcpy(into, p.text.data() + t.text_offset, n);
      t.text_offset += n;
      if (t.text_offset == p.text.size()) {
        ++t.piece;
        t.text_offset = 0;
      }
      if (n > 0) return n;
      continue;
    }
    if (!t.file && !(t.file = std::fopen(p.file.c_str(), "rb"))) {
      t.error = std::make_exception_ptr(Error(ErrorCode::Io, "cannot read " + p.file));
      return CURL_READFUNC_ABORT;
    }
    const std::size_t n = std::fread(into, 1, room, t.file);
    if (n > 0) return n;
    const bool failed = std::ferror(t.file);
    std::fclose(t.file);
    t.file = nullptr;
    if (failed) {
      t.error = std::make_exception_ptr(Error(ErrorCode::Io, "cannot read " + p.file));
      return CURL_READFUNC_ABORT;
    }
    ++t.piece;
  }
  return 0;  // the whole body was sent
}

// A header line's value when its name is `name` (lower case, with the colon).
bool header_named(const std::string& line, const char* name, std::string& value) {
  const std::size_t n = std::strlen(name);
  if (line.size() <= n) return false;
  std::string lower = line.substr(0, n);
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (lower != name) return false;
  value = line.substr(n);
  while (!value.empty() && (value.front() == ' ')) value.erase(value.begin());
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
  return true;
}

size_t read_header(char* data, size_t size, size_t count, void* user) try {
  auto& t = *static_cast<HttpTransfer*>(user);
  const std::string line(data, size * count);
  std::string value;
  if (header_named(line, "content-type:", value)) t.response->content_type = value;
  if (header_named(line, "warning:", value)) t.response->warnings.push_back(value);
  return size * count;
} catch (...) {
  static_cast<HttpTransfer*>(user)->error = std::current_exception();
  return 0;
}

curl_off_t size_of(const std::vector<HttpClient::BodyPiece>& pieces) {
  curl_off_t total = 0;
  for (const HttpClient::BodyPiece& p : pieces) {
    if (p.file.empty()) {
      total += curl_off_t(p.text.size());
      continue;
    }
    std::error_code ec;
    const auto n = std::filesystem::file_size(p.file, ec);
    if (ec) throw Error(ErrorCode::Io, "cannot read " + p.file);
    total += curl_off_t(n);
  }
  return total;
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
  HttpTransfer t;
  return perform(url, accept, nullptr, t);
}

HttpResponse HttpClient::post(const std::string& url, const std::string& content_type, const std::string& body,
                              const std::string& accept) {
  HttpTransfer t;
  t.body = &body;
  return perform(url, accept, &content_type, t);
}

HttpResponse HttpClient::get_streamed(const std::string& url, const std::string& accept, const BodySink& sink) {
  HttpTransfer t;
  t.sink = &sink;
  return perform(url, accept, nullptr, t);
}

HttpResponse HttpClient::post_streamed(const std::string& url, const std::string& content_type,
                                       const std::vector<BodyPiece>& pieces, const std::string& accept) {
  HttpTransfer t;
  t.pieces = &pieces;
  return perform(url, accept, &content_type, t);
}

HttpResponse HttpClient::perform(const std::string& url, const std::string& accept, const std::string* content_type,
                                 HttpTransfer& t) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  const curl_off_t streamed_size = t.pieces ? size_of(*t.pieces) : 0;  // may throw: before anything is allocated
  HttpResponse response;
  t.curl = curl;
  t.response = &response;
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
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
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
  if (t.body) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, t.body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(t.body->size()));
  } else if (t.pieces) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &t);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &t);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, streamed_size);
  }
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (t.error) std::rethrow_exception(t.error);
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
