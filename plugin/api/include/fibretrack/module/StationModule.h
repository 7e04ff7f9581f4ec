#pragma once
// The FibreTrack station module API, version 1.0. Header-only and Qt-only: a module
// (FibreTrack's dynamic-MSUS viewer, a gait-lab import, a posture module) includes this
// file and nothing else of FibreTrack, is built as a Qt plugin, and is loaded by
// fibretrack-station from its module folders.
//
// A module declares itself in the JSON metadata of Q_PLUGIN_METADATA:
//   { "id": "org.example.gait", "name": "Gait events", "version": "1.2.0",
//     "api_version": "1.0", "requires": ["timeline", "exam_context"], "order": 50 }
// ("order", optional: tabs are shown by increasing order, default 100.)
// The host reads that metadata before loading the library: a module whose api_version
// has another major version, or a newer minor version, than the host's, or that requires
// a service the host does not offer, is listed with the reason and never instantiated.
//
// Rules of the boundary (see docs/modules.md): only the types below cross it; modules
// own what they create; the services live as long as the station; everything is called
// on the GUI thread.
#include <QtPlugin>
#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

class QWidget;

namespace fibretrack::module {

constexpr int kApiVersionMajor = 1;
constexpr int kApiVersionMinor = 0;

// Service names a module may list under "requires".
inline QStringList offered_services() { return {"timeline", "exam_context", "study_store", "settings", "log"}; }

// The patient and study the station is working on (empty fields: none chosen).
struct ExamContext {
  QString patient_name;
  QString patient_id;
  QString accession_number;
  QString study_instance_uid;
};

// One event on the shared exam timeline, in seconds from the start of the exam's clip.
struct TimelineEvent {
  QString source;  // module id that added it
  QString kind;    // e.g. "heel_strike", "toe_off", "tear_opening"
  QString label;   // what people read
  double time_s = 0.0;
};

// The shared exam timeline: modules put events on it and follow its cursor, so that a
// gait event can be seen beside the ultrasound frame at the same instant.
class ExamTimeline {
 public:
  virtual ~ExamTimeline() = default;
  virtual void add_events(const std::vector<TimelineEvent>& events) = 0;
  virtual void remove_events_from(const QString& source) = 0;
  virtual std::vector<TimelineEvent> events() const = 0;
  virtual void set_duration_s(double seconds) = 0;  // the clip's length
  virtual double duration_s() const = 0;
  virtual void set_cursor_s(double seconds) = 0;    // moves every module's view
  virtual double cursor_s() const = 0;
  // Called (on the GUI thread) after events or the cursor changed. Returns an id for unsubscribe.
  virtual int subscribe(std::function<void()> changed) = 0;
  virtual void unsubscribe(int id) = 0;
};

enum class LogLevel { Info, Warning, Error };

// What the station offers every module. Never null; owned by the station.
class StationServices {
 public:
  virtual ~StationServices() = default;
  virtual ExamTimeline& timeline() = 0;
  virtual ExamContext exam_context() const = 0;
  virtual void set_exam_context(const ExamContext& exam) = 0;
  virtual int subscribe_exam_context(std::function<void()> changed) = 0;
  virtual void unsubscribe_exam_context(int id) = 0;
  virtual QString study_store_directory() const = 0;  // the local study store (SQLite index + files)
  virtual QString settings_file() const = 0;          // the station's JSON settings (nodes, AE title)
  // The station's log. Keep patient data out of messages.
  virtual void log(LogLevel level, const QString& module_id, const QString& message) = 0;
};

// The one interface a module implements.
class StationModule {
 public:
  virtual ~StationModule() = default;
  // Called once after loading; the services outlive the module.
  virtual void attach(StationServices& services) = 0;
  // The module's main view, parented by the station (which then owns it).
  virtual QWidget* create_view(QWidget* parent) = 0;
  // Called before the station closes: stop threads, finish or queue work.
  virtual void shutdown() = 0;
};

}  // namespace fibretrack::module

// The interface id names the major version only: a 1.0 module loads in every 1.x station
// (the minor version is checked from the metadata).
#define FibreTrackStationModule_iid "org.fibretrack.StationModule/1"
Q_DECLARE_INTERFACE(fibretrack::module::StationModule, FibreTrackStationModule_iid)
