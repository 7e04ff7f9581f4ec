// A module built for a module API the station does not offer (2.0): the station must
// list it with the reason and never instantiate it.
#include <QObject>
#include <cstdlib>

#include "fibretrack/module/StationModule.h"

class FutureModule : public QObject, public fibretrack::module::StationModule {
  Q_OBJECT
  Q_PLUGIN_METADATA(IID FibreTrackStationModule_iid FILE "incompatible_module.json")
  Q_INTERFACES(fibretrack::module::StationModule)

 public:
  FutureModule() { std::abort(); }  // never to be constructed
  void attach(fibretrack::module::StationServices&) override {}
  QWidget* create_view(QWidget*) override { return nullptr; }
  void shutdown() override {}
};

#include "IncompatibleModule.moc"
