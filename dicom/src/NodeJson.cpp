#include "NodeJson.h"

namespace ft::dicom::detail {
using nlohmann::json;

DicomNode node_from_json(const std::string& name, const json& j) {
  DicomNode n;
  n.name = name;
  n.dicomweb_url = j.value("dicomweb_url", "");
  if (n.dicomweb_url.empty()) {
    n.ae_title = j.at("ae_title").get<std::string>();
    n.host = j.at("host").get<std::string>();
    n.port = j.at("port").get<int>();
    n.tls = j.value("tls", false);
  }
  return n;
}

json node_to_json(const DicomNode& n) {
  if (n.is_dicomweb()) return {{"dicomweb_url", n.dicomweb_url}};
  return {{"ae_title", n.ae_title}, {"host", n.host}, {"port", n.port}, {"tls", n.tls}};
}

}  // namespace ft::dicom::detail
