#include "ModuleCatalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QLibrary>
#include <algorithm>
#include <set>

namespace ft::station {

QString compatibility_problem(const QJsonObject& metadata, int host_major, int host_minor, const QStringList& services) {
  const QString id = metadata.value("id").toString();
  if (id.isEmpty()) return "its metadata has no \"id\"";
  const QStringList version = metadata.value("api_version").toString().split('.');
  bool major_ok = false, minor_ok = false;
  const int major = version.value(0).toInt(&major_ok), minor = version.value(1).toInt(&minor_ok);
  if (!major_ok || !minor_ok) return "its metadata has no \"api_version\" of the form MAJOR.MINOR";
  if (major != host_major)
    return QString("it was built for module API %1.%2; this station offers %3.%4").arg(major).arg(minor).arg(host_major).arg(host_minor);
  if (minor > host_minor)
    return QString("it needs module API %1.%2; this station offers only %3.%4 (update the station)")
        .arg(major).arg(minor).arg(host_major).arg(host_minor);
  for (const QJsonValue& s : metadata.value("requires").toArray())
    if (!services.contains(s.toString())) return "it requires the service \"" + s.toString() + "\", which this station does not offer";
  return {};
}

ModuleCatalog::~ModuleCatalog() {
  for (auto it = loaders_.rbegin(); it != loaders_.rend(); ++it) (*it)->unload();
}

void ModuleCatalog::discover(const QStringList& folders) {
  std::set<QString> seen;
  for (const QString& folder : folders) {
    const QDir dir(folder);
    if (!dir.exists()) continue;
    for (const QFileInfo& info : dir.entryInfoList(QDir::Files, QDir::Name)) {
      const QString path = info.canonicalFilePath();
      if (!QLibrary::isLibrary(path) || !seen.insert(path).second) continue;
      consider(path);
    }
  }
  std::stable_sort(records_.begin(), records_.end(), [](const ModuleRecord& a, const ModuleRecord& b) {
    return a.order != b.order ? a.order < b.order : a.name < b.name;
  });
}

void ModuleCatalog::consider(const QString& file) {
  auto loader = std::make_unique<QPluginLoader>(file);
  const QJsonObject meta = loader->metaData();
  ModuleRecord r;
  r.file = file;
  if (meta.value("IID").toString() != FibreTrackStationModule_iid) {
    if (meta.isEmpty()) return;  // not a Qt plugin at all: not ours to report
    r.problem = "it is not a FibreTrack station module (interface " + meta.value("IID").toString() + ")";
  }
  const QJsonObject data = meta.value("MetaData").toObject();
  r.id = data.value("id").toString();
  r.name = data.value("name").toString(r.id);
  r.version = data.value("version").toString();
  r.api_version = data.value("api_version").toString();
  for (const QJsonValue& s : data.value("requires").toArray()) r.requires_services << s.toString();
  r.order = data.value("order").toInt(100);
  if (r.problem.isEmpty())
    r.problem = compatibility_problem(data, fibretrack::module::kApiVersionMajor, fibretrack::module::kApiVersionMinor,
                                      fibretrack::module::offered_services());
  for (const ModuleRecord& other : records_)
    if (r.problem.isEmpty() && other.instance && other.id == r.id) r.problem = "another module with id " + r.id + " is loaded";
  if (r.problem.isEmpty()) {
    QObject* object = loader->instance();
    r.instance = object ? qobject_cast<fibretrack::module::StationModule*>(object) : nullptr;
    if (!r.instance) r.problem = "it could not be loaded: " + loader->errorString();
  }
  records_.push_back(r);
  if (r.instance) loaders_.push_back(std::move(loader));
}

QString modules_report(const ModuleCatalog& catalog) {
  QString text;
  for (const ModuleRecord& m : catalog.modules())
    text += (m.instance ? "loaded   " : "REFUSED  ") + (m.name.isEmpty() ? m.file : m.name + " " + m.version) +
            (m.instance ? QString() : "\n         " + m.file + ": " + m.problem) + "\n";
  return text.isEmpty() ? "No modules found." : text;
}

QStringList default_module_folders(const QStringList& extra) {
  QStringList folders = extra;
  const QString env = qEnvironmentVariable("FIBRETRACK_MODULE_PATH");
  if (!env.isEmpty()) folders += env.split(':', Qt::SkipEmptyParts);
  const QString exe = QCoreApplication::applicationDirPath();
  folders << exe + "/modules" << exe + "/../lib/fibretrack/modules";
  return folders;
}

}  // namespace ft::station
