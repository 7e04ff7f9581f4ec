#pragma once
// The plugin's settings, read from the "FibreTrack" section of Orthanc's configuration
// (docs/archive.md lists every key). Where the index is on PostgreSQL, the jobs are too,
// unless the section names another database: every node of a cluster must see one queue.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ft::archive {

struct ArchiveSettings {
  bool enabled = true;
  std::vector<std::string> modalities{"US"};
  std::vector<std::string> sop_classes{"1.2.840.10008.5.1.4.1.1.3.1",   // Ultrasound Multi-frame Image
                                       "1.2.840.10008.5.1.4.1.1.6.2"};  // Enhanced US Volume
  int workers = 1;
  bool burn_in = false;            // store a burned-in secondary capture beside the SR and GSPS
  std::string backend = "auto";    // the tracker: auto, cpu or cuda
  std::string executable;          // `fibretrack`, run once per clip
  int timeout_s = 600;             // an analysis running longer is stopped and fails
  int lease_s = 60;
  int max_attempts = 3;
  double poll_s = 2.0;             // how often an idle worker looks for work queued by other nodes
  std::string node_name;           // in the job table: which node holds a job
  std::string postgres_conninfo;   // empty: the jobs are in sqlite_path
  std::string sqlite_path;
  std::string scratch_dir = "/tmp";
  std::vector<std::string> warnings;  // settings that work but are probably not meant
};

// `configuration` is Orthanc's whole configuration; `default_executable` where the plugin
// was installed beside `fibretrack`. Throws ft::Error on a value of the wrong type or range.
ArchiveSettings archive_settings_from(const nlohmann::json& configuration, const std::string& default_executable);

// "key=value" for libpq, quoted as its connection strings want.
std::string conninfo_pair(const std::string& key, const std::string& value);

}  // namespace ft::archive
