#pragma once
// Finding and loading station modules: every shared library in the module folders is
// checked from its metadata first (API version, required services) and only then loaded.
// A module that cannot be used is listed with the reason, never loaded half-way.
#include <QJsonObject>
#include <QPluginLoader>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

#include "fibretrack/module/StationModule.h"

namespace ft::station {

struct ModuleRecord {
  QString file;
  QString id;
  QString name;
  QString version;
  QString api_version;
  QStringList requires_services;
  int order = 100;  // optional metadata "order": tabs are shown by increasing order, then name
  QString problem;  // empty when loaded
  fibretrack::module::StationModule* instance = nullptr;  // owned by the catalog's loaders
};

// Empty when a module with this metadata can be used by a host of API major.minor that
// offers `services`; otherwise the reason, in words for the administrator.
QString compatibility_problem(const QJsonObject& metadata, int host_major, int host_minor, const QStringList& services);

class ModuleCatalog {
 public:
  ModuleCatalog() = default;
  ~ModuleCatalog();  // unloads in reverse order
  ModuleCatalog(const ModuleCatalog&) = delete;
  ModuleCatalog& operator=(const ModuleCatalog&) = delete;

  // Loads every compatible module found in `folders` (missing folders are skipped).
  void discover(const QStringList& folders);
  const std::vector<ModuleRecord>& modules() const { return records_; }

 private:
  void consider(const QString& file);
  std::vector<ModuleRecord> records_;
  std::vector<std::unique_ptr<QPluginLoader>> loaders_;
};

// One line per module: "loaded   NAME VERSION" or "REFUSED  ..." with file and reason.
QString modules_report(const ModuleCatalog& catalog);

// The folders the station looks in: --module-dir arguments, $FIBRETRACK_MODULE_PATH,
// <exe>/modules (build tree) and <exe>/../lib/fibretrack/modules (installed).
QStringList default_module_folders(const QStringList& extra);

}  // namespace ft::station
