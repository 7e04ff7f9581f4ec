#pragma once
// FibreTrack's dynamic-MSUS module for the station: live exam, review, studies. It adapts
// the station's services to the viewer's WorkspaceHost.
#include <QObject>
#include <QPointer>

#include "fibretrack/module/StationModule.h"

namespace ft::ui {
class MsusWorkspace;
}

namespace ft::msus {

class MsusModule : public QObject, public fibretrack::module::StationModule {
  Q_OBJECT
  Q_PLUGIN_METADATA(IID FibreTrackStationModule_iid FILE "msus_module.json")
  Q_INTERFACES(fibretrack::module::StationModule)

 public:
  void attach(fibretrack::module::StationServices& services) override { services_ = &services; }
  QWidget* create_view(QWidget* parent) override;
  void shutdown() override;

 private:
  fibretrack::module::StationServices* services_ = nullptr;
  QPointer<ui::MsusWorkspace> workspace_;
};

}  // namespace ft::msus
