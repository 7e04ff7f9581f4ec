#include "ft/dicom/DicomSettings.h"

#include "ft/core/DurableFiles.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ft/core/JsonNumbers.h"
#include "NodeJson.h"
#include "ft/core/Error.h"

namespace ft::dicom {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using detail::node_from_json;
using detail::node_to_json;

std::string relative_to(const fs::path& base, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (base / path).string();
}

DicomSettings parse(const json& j, const fs::path& base) {
  DicomSettings s;
  s.network.local_ae_title = j.value("local_ae_title", s.network.local_ae_title);
  s.network.timeout_s = whole_number(j, "timeout_s", s.network.timeout_s, 0, 86400);
  s.network.retrieve_port = whole_number(j, "retrieve_port", 0, 0, 65535);  // 0: retrieve with C-GET
  s.network.commitment_port = whole_number(j, "commitment_port", 0, 0, 65535);  // 0: commitment not asked
  s.network.max_query_matches = whole_number(j, "max_query_matches", s.network.max_query_matches, 1, 1000000);
  s.network.move_sources = j.value("move_sources", std::vector<std::string>{});
  if (j.contains("tls")) {
    const json& t = j.at("tls");
    s.network.tls.certificate_pem = relative_to(base, t.value("certificate", ""));
    s.network.tls.private_key_pem = relative_to(base, t.value("private_key", ""));
    for (const auto& f : t.value("trusted", json::array())) s.network.tls.trusted_pem.push_back(relative_to(base, f));
    s.network.tls.verify_peer = t.value("verify_peer", true);
  }
  const json nodes = j.value("nodes", json::object());  // kept: items() refers into it
  for (const auto& [name, node] : nodes.items()) s.nodes[name] = node_from_json(name, node);
  s.outbox_directory = relative_to(base, j.value("outbox_directory", ""));
  s.study_store_directory = relative_to(base, j.value("study_store_directory", ""));
  s.log_patient_data = j.value("log_patient_data", false);
  return s;
}

}  // namespace

std::string default_config_directory() {
  if (const char* d = std::getenv("FIBRETRACK_CONFIG_DIR")) return d;
  if (const char* x = std::getenv("XDG_CONFIG_HOME")) return std::string(x) + "/fibretrack";
  if (const char* h = std::getenv("HOME")) return std::string(h) + "/.config/fibretrack";
  throw Error(ErrorCode::NotFound, "no folder for settings (set FIBRETRACK_CONFIG_DIR)");
}

std::string default_settings_file() { return default_config_directory() + "/settings.json"; }

DicomSettings load_settings(const std::string& path) {
  DicomSettings s;
  std::ifstream in(path);
  if (!in && fs::exists(path))  // there but unreadable: never silently replaced by defaults
    throw Error(ErrorCode::Io, "settings " + path + " cannot be read (permissions?)");
  if (in) {
    try {
      s = parse(json::parse(in), fs::path(path).parent_path());
    } catch (const Error& e) {
      throw Error(ErrorCode::InvalidArgument, "settings " + path + ": " + e.what());
    } catch (const json::exception& e) {
      throw Error(ErrorCode::InvalidArgument, "settings " + path + ": " + e.what());
    }
  }
  const std::string config = default_config_directory();
  if (s.outbox_directory.empty()) s.outbox_directory = config + "/outbox";
  if (s.study_store_directory.empty()) s.study_store_directory = config + "/studies";
  return s;
}

void save_settings(const DicomSettings& s, const std::string& path) {
  const std::string config = default_config_directory();
  json nodes = json::object();
  for (const auto& [name, n] : s.nodes) nodes[name] = node_to_json(n);
  const json j{{"local_ae_title", s.network.local_ae_title},
               {"timeout_s", s.network.timeout_s},
               {"retrieve_port", s.network.retrieve_port},
               {"commitment_port", s.network.commitment_port},
               {"max_query_matches", s.network.max_query_matches},
               {"move_sources", s.network.move_sources},
               {"tls",
                {{"certificate", s.network.tls.certificate_pem},
                 {"private_key", s.network.tls.private_key_pem},
                 {"trusted", s.network.tls.trusted_pem},
                 {"verify_peer", s.network.tls.verify_peer}}},
               {"nodes", nodes},
               // Defaults are not written, so that they follow the configuration folder.
               {"outbox_directory", s.outbox_directory == config + "/outbox" ? "" : s.outbox_directory},
               {"study_store_directory", s.study_store_directory == config + "/studies" ? "" : s.study_store_directory},
               {"log_patient_data", s.log_patient_data}};
  // Private before anything is written: a DICOMweb node's URL may carry its user and password.
  write_file_durably(path, j.dump(2) + '\n', "settings", FolderAccess::OwnerOnly);
}

DicomNode resolve_node(const std::string& text, const DicomSettings& settings) {
  if (const auto it = settings.nodes.find(text); it != settings.nodes.end()) return it->second;
  if (text.find('@') == std::string::npos && text.find("://") == std::string::npos) {
    std::string known;
    for (const auto& [name, node] : settings.nodes) known += (known.empty() ? "" : ", ") + name;
    throw Error(ErrorCode::InvalidArgument, "'" + text + "' is neither AET@host:port, a DICOMweb URL, nor a node in the settings" +
                                                (known.empty() ? std::string(" (none configured)") : " (" + known + ")"));
  }
  return parse_node(text);
}

}  // namespace ft::dicom
