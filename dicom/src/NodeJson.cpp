#include "NodeJson.h"

#include "ft/core/JsonNumbers.h"

namespace ft::dicom::detail {
using nlohmann::json;

DicomNode node_from_json(const std::string& name, const json& j) {
  DicomNode n;
  n.name = name;
  n.dicomweb_url = j.value("dicomweb_url", "");
  if (n.dicomweb_url.empty()) {
    // Through the same checks as a typed node (AE title length, port range).
    if (!j.contains("port")) throw Error(ErrorCode::InvalidArgument, "node '" + name + "': no port");
    int port = 0;
    try {
      port = whole_number(j, "port", 0, 1, 65535);
    } catch (const Error& e) {
      throw Error(ErrorCode::InvalidArgument, "node '" + name + "': " + e.what());
    }
    const std::string typed = j.at("ae_title").get<std::string>() + "@" + j.at("host").get<std::string>() + ":" +
                              std::to_string(port);
    n = parse_node(typed);
    n.name = name;
    n.tls = j.value("tls", false);
    n.tls_name = j.value("tls_name", "");
  }
  return n;
}

json node_to_json(const DicomNode& n) {
  if (n.is_dicomweb()) return {{"dicomweb_url", n.dicomweb_url}};
  json j = {{"ae_title", n.ae_title}, {"host", n.host}, {"port", n.port}, {"tls", n.tls}};
  if (!n.tls_name.empty()) j["tls_name"] = n.tls_name;
  return j;
}

}  // namespace ft::dicom::detail
