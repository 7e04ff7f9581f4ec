#pragma once
// Gait events exported by a gait lab: heel strikes and toe offs with their time. Two
// formats are read: CSV with a header naming time_s, event and (optionally) side, and a
// JSON array of {"time_s": 0.52, "event": "heel_strike", "side": "L"}.
#include <QString>
#include <vector>

#include "fibretrack/module/StationModule.h"

namespace gait {

struct ParsedEvents {
  std::vector<fibretrack::module::TimelineEvent> events;
  QString problem;  // empty when the whole file was read
};

ParsedEvents read_gait_events(const QString& path, const QString& module_id);

}  // namespace gait
