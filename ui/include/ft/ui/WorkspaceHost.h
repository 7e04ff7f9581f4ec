#pragma once
// What the viewer needs from whatever hosts it (the station module, a test): the shared
// exam timeline, the exam context, the log, and where settings and studies live. Plain
// callbacks, so that ui/ does not depend on the module API.
#include <functional>
#include <string>
#include <vector>

#include "ft/dicom/DicomSettings.h"
#include "ft/dicom/ExamContext.h"

namespace ft::ui {

struct TimelineMark {
  double time_s = 0.0;
  std::string label;
};

struct WorkspaceHost {
  std::function<void(double duration_s)> set_timeline_duration = [](double) {};
  std::function<void(double time_s)> set_timeline_cursor = [](double) {};
  // The host calls the given function whenever the shared cursor moves; the returned
  // function ends that (call it before the follower goes away).
  std::function<std::function<void()>(std::function<void(double time_s)>)> follow_timeline_cursor = [](auto) {
    return std::function<void()>([] {});
  };
  std::function<void(const std::vector<TimelineMark>&)> put_findings_on_timeline = [](const auto&) {};
  std::function<dicom::ExamContext()> exam = [] { return dicom::ExamContext{}; };
  std::function<void(const dicom::ExamContext&)> set_exam = [](const auto&) {};
  std::function<void(const std::string&)> log_info = [](const auto&) {};
  std::function<void(const std::string&)> log_warning = [](const auto&) {};
  std::string settings_file;    // network settings (nodes, AE title, TLS)
  std::string study_store_dir;  // the local study store
  std::string viewer_settings_file;  // sources and tracking preset; empty: <config>/viewer.json
};

// The host's viewer settings file, or the default one.
std::string viewer_settings_file(const WorkspaceHost& host);
// The host's network settings file, or the default one, and what it holds. Throws ft::Error.
std::string network_settings_file(const WorkspaceHost& host);
dicom::DicomSettings network_settings(const WorkspaceHost& host);

}  // namespace ft::ui
