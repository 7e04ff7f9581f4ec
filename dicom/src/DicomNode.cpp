#include "ft/dicom/DicomNode.h"

#include "ft/core/Error.h"

namespace ft::dicom {

std::string DicomNode::text() const {
  if (is_dicomweb()) {  // without user:password@, which must not reach messages or logs
    const auto scheme = dicomweb_url.find("://");
    const auto at = dicomweb_url.find('@', scheme + 3), slash = dicomweb_url.find('/', scheme + 3);
    if (scheme != std::string::npos && at != std::string::npos && at < slash)
      return dicomweb_url.substr(0, scheme + 3) + dicomweb_url.substr(at + 1);
    return dicomweb_url;
  }
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
