#pragma once
// Helpers of the station's widget tests: waiting on the event loop, counting colours in a
// grabbed picture, a WorkspaceHost that records what the viewer tells the station.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QImage>
#include <functional>
#include <string>
#include <vector>

#include "ft/ui/WorkspaceHost.h"

namespace ft::test {

std::string gait_events_file();
std::string module_build_dir();        // where the station's modules are built
std::string incompatible_module_dir();  // a module for API 2.0, to be refused

// Runs the event loop until `done` or `seconds` pass; returns done().
bool wait_until(const std::function<bool()>& done, double seconds);

// Pixels of `image` within `tolerance` of the colour.
int count_colour(const QImage& image, int r, int g, int b, int tolerance = 0);

struct RecordingHost {
  double duration_s = -1;
  double cursor_s = -1;
  std::vector<ui::TimelineMark> marks;
  std::vector<std::string> log;
  ui::WorkspaceHost host(const std::string& settings_file = "", const std::string& store = "");
};

}  // namespace ft::test
