#pragma once
// A small second module that proves the boundary: gait-lab events (heel strike, toe off)
// on the shared exam timeline, beside the ultrasound clip. Built against the module API
// headers and Qt only.
#include <QObject>

#include "fibretrack/module/StationModule.h"

namespace gait {

class GaitModule : public QObject, public fibretrack::module::StationModule {
  Q_OBJECT
  Q_PLUGIN_METADATA(IID FibreTrackStationModule_iid FILE "gait_module.json")
  Q_INTERFACES(fibretrack::module::StationModule)

 public:
  void attach(fibretrack::module::StationServices& services) override { services_ = &services; }
  QWidget* create_view(QWidget* parent) override;
  void shutdown() override {}

 private:
  fibretrack::module::StationServices* services_ = nullptr;
};

}  // namespace gait
