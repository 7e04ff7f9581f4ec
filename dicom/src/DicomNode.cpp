#include "ft/dicom/DicomNode.h"

#include "ft/core/Error.h"

namespace ft::dicom {

std::string url_without_credentials(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3), slash = url.find('/', scheme + 3);
  if (at != std::string::npos && at < slash) return url.substr(0, scheme + 3) + url.substr(at + 1);
  return url;
}

std::string DicomNode::text() const {
  if (is_dicomweb()) return url_without_credentials(dicomweb_url);  // never user:password@ in messages or logs
  return ae_title + "@" + host + ":" + std::to_string(port) + (tls ? " (TLS)" : "");
}

DicomNode parse_node(const std::string& text) {
  DicomNode n;
  if (text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0) {
    n.dicomweb_url = text;
    while (!n.dicomweb_url.empty() && n.dicomweb_url.back() == '/') n.dicomweb_url.pop_back();
    return n;
  }
  const auto at = text.find('@'), colon = text.rfind(':');
  if (at == std::string::npos || colon == std::string::npos || colon < at || at == 0)
    throw Error(ErrorCode::InvalidArgument, "node '" + text + "' is not AET@host:port or an http(s) URL");
  n.ae_title = text.substr(0, at);
  n.host = text.substr(at + 1, colon - at - 1);
  try {
    n.port = std::stoi(text.substr(colon + 1));
  } catch (...) {
    throw Error(ErrorCode::InvalidArgument, "node '" + text + "': port is not a number");
  }
  if (n.ae_title.size() > 16) throw Error(ErrorCode::InvalidArgument, "AE title '" + n.ae_title + "' is longer than 16");
  if (n.port <= 0 || n.port > 65535) throw Error(ErrorCode::InvalidArgument, "node '" + text + "': port out of range");
  return n;
}

}  // namespace ft::dicom
