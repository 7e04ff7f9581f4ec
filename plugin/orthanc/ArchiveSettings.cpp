#include "ArchiveSettings.h"

#include <unistd.h>

#include "ft/core/Error.h"
#include "ft/core/JsonNumbers.h"

namespace ft::archive {
namespace {

template <class T>
void read(const nlohmann::json& section, const char* key, T& into) {
  if (!section.contains(key)) return;
  try {
    into = section.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorCode::InvalidArgument, std::string("FibreTrack.") + key + " in Orthanc's configuration has the wrong type");
  }
}

// A count read as a whole number in [min, max]: get<int>() of 1e30 would be undefined behaviour.
void read_whole(const nlohmann::json& section, const char* key, int& into, int min, int max) {
  try {
    into = whole_number(section, key, into, min, max);
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidArgument, std::string("FibreTrack.") + e.what());
  }
}

// Orthanc's own PostgreSQL section names its keys this way; ours takes the same.
std::string conninfo_of(const nlohmann::json& pg) {
  std::string info;
  const std::pair<const char*, const char*> keys[] = {
      {"Host", "host"}, {"Port", "port"}, {"Database", "dbname"}, {"Username", "user"}, {"Password", "password"}};
  for (const auto& [ours, libpq] : keys)
    if (pg.contains(ours)) {
      const auto& v = pg.at(ours);
      info += (info.empty() ? "" : " ") + conninfo_pair(libpq, v.is_string() ? v.get<std::string>() : v.dump());
    }
  if (pg.contains("ConnectionUri")) info = pg.at("ConnectionUri").get<std::string>();
  return info;
}

// The same after a restart (the node's place in the change log is kept under it), and
// different for two nodes on one machine.
std::string default_node_name(const nlohmann::json& configuration) {
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(whole_number(configuration, "HttpPort", 8042, 0, 65535));
}

}  // namespace

std::string conninfo_pair(const std::string& key, const std::string& value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return key + "=" + quoted + "'";
}

ArchiveSettings archive_settings_from(const nlohmann::json& configuration, const std::string& default_executable) {
  ArchiveSettings s;
  s.executable = default_executable;
  const nlohmann::json section = configuration.value("FibreTrack", nlohmann::json::object());
  read(section, "Enable", s.enabled);
  read(section, "Modalities", s.modalities);
  read(section, "SopClasses", s.sop_classes);
  read_whole(section, "Workers", s.workers, 0, 256);
  read(section, "BurnIn", s.burn_in);
  read(section, "Backend", s.backend);
  read(section, "Executable", s.executable);
  read_whole(section, "TimeoutSeconds", s.timeout_s, 1, 7 * 86400);
  read_whole(section, "LeaseSeconds", s.lease_s, 1, 86400);
  read_whole(section, "MaxAttempts", s.max_attempts, 1, 1000000);
  read(section, "PollSeconds", s.poll_s);
  read(section, "NodeName", s.node_name);
  read(section, "JobDatabase", s.sqlite_path);
  read(section, "ScratchDirectory", s.scratch_dir);
  // At most an hour: a wait_for of 1e10 s overflows the clock's integer nanoseconds (undefined);
  // at least 0.1 s: less polls Orthanc without pause.
  if (!(s.poll_s >= 0.1 && s.poll_s <= 3600))
    throw Error(ErrorCode::InvalidArgument, "FibreTrack.PollSeconds must be from 0.1 to 3600");
  if (s.backend != "auto" && s.backend != "cpu" && s.backend != "cuda")
    throw Error(ErrorCode::InvalidArgument, "FibreTrack.Backend must be auto, cpu or cuda");
  if (s.node_name.empty()) s.node_name = default_node_name(configuration);

  const nlohmann::json index_pg = configuration.value("PostgreSQL", nlohmann::json::object());
  if (section.contains("PostgreSQL"))
    s.postgres_conninfo = conninfo_of(section.at("PostgreSQL"));
  else if (s.sqlite_path.empty() && index_pg.value("EnableIndex", false))
    s.postgres_conninfo = conninfo_of(index_pg);
  // Beside Orthanc's own SQLite index (local disk, where SQLite's locking works), not in
  // the storage area, which is often a network share.
  if (s.postgres_conninfo.empty() && s.sqlite_path.empty())
    s.sqlite_path = configuration.value("IndexDirectory", configuration.value("StorageDirectory", std::string("OrthancStorage"))) +
                    "/fibretrack-jobs.sqlite";
  if (!s.sqlite_path.empty() && index_pg.value("EnableIndex", false))
    s.warnings.push_back("FibreTrack.JobDatabase is set while the index is on PostgreSQL: this node's jobs are its own, "
                         "and nodes sharing the index may analyse a clip twice");
  return s;
}

}  // namespace ft::archive
