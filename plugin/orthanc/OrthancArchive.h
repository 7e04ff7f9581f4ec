#pragma once
// Archive on Orthanc's plugin SDK: its built-in REST API, called in-process.
#include <orthanc/OrthancCPlugin.h>

#include <nlohmann/json.hpp>

#include "Archive.h"

namespace ft::archive {

class OrthancArchive : public Archive {
 public:
  explicit OrthancArchive(OrthancPluginContext* context) : context_(context) {}

  ArchivedSeries series(const std::string& series_id) override;
  ArchivedObject object(const ArchivedSeries& series, const std::string& instance_id) override;
  ChangesPage changes_since(std::int64_t seq, int limit) override;
  std::int64_t last_change() override;
  std::vector<std::string> study_series(const std::string& study_id) override;
  void save_dicom(const std::string& instance_id, const std::string& path) override;
  std::string store_dicom(const std::string& path) override;
  void remove(const std::string& instance_id) override;
  void log_info(const std::string& message) override { OrthancPluginLogInfo(context_, message.c_str()); }
  void log_warning(const std::string& message) override { OrthancPluginLogWarning(context_, message.c_str()); }
  void log_error(const std::string& message) override { OrthancPluginLogError(context_, message.c_str()); }

 private:
  std::string get(const std::string& uri);  // throws ft::Error (NotFound where Orthanc has no such resource)
  nlohmann::json get_json(const std::string& uri) { return nlohmann::json::parse(get(uri)); }

  OrthancPluginContext* context_;
};

}  // namespace ft::archive
