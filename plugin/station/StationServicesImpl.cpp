#include "StationServicesImpl.h"

#include <algorithm>
#include <cstdio>

namespace ft::station {
using fibretrack::module::LogLevel;
using fibretrack::module::TimelineEvent;

int Subscribers::add(std::function<void()> f) {
  callbacks_[next_] = std::move(f);
  return next_++;
}

void Subscribers::remove(int id) { callbacks_.erase(id); }

// A callback may unsubscribe itself or others: each is looked up again before its call.
void Subscribers::notify() const {
  std::vector<int> ids;
  for (const auto& [id, f] : callbacks_) ids.push_back(id);
  for (int id : ids) {
    const auto it = callbacks_.find(id);
    if (it == callbacks_.end()) continue;
    const std::function<void()> f = it->second;  // a copy: the entry may go during the call
    f();
  }
}

void SharedTimeline::add_events(const std::vector<TimelineEvent>& events) {
  events_.insert(events_.end(), events.begin(), events.end());
  std::stable_sort(events_.begin(), events_.end(), [](const TimelineEvent& a, const TimelineEvent& b) { return a.time_s < b.time_s; });
  subscribers_.notify();
}

void SharedTimeline::remove_events_from(const QString& source) {
  events_.erase(std::remove_if(events_.begin(), events_.end(), [&](const TimelineEvent& e) { return e.source == source; }),
                events_.end());
  subscribers_.notify();
}

void SharedTimeline::set_duration_s(double seconds) {
  duration_s_ = std::max(0.0, seconds);
  subscribers_.notify();
}

void SharedTimeline::set_cursor_s(double seconds) {
  const double clamped = duration_s_ > 0 ? std::clamp(seconds, 0.0, duration_s_) : std::max(0.0, seconds);
  if (clamped == cursor_s_) return;  // no echo between modules that follow each other
  cursor_s_ = clamped;
  subscribers_.notify();
}

StationServicesImpl::StationServicesImpl(QString settings_file, QString study_store_directory)
    : settings_file_(std::move(settings_file)), study_store_(std::move(study_store_directory)) {}

void StationServicesImpl::set_exam_context(const fibretrack::module::ExamContext& exam) {
  exam_ = exam;
  exam_subscribers_.notify();
}

void StationServicesImpl::log(LogLevel level, const QString& module_id, const QString& message) {
  log_.push_back({level, module_id, message});
  const char* tag = level == LogLevel::Error ? "error" : level == LogLevel::Warning ? "warning" : "info";
  std::fprintf(stderr, "[%s] %s: %s\n", tag, module_id.toUtf8().constData(), message.toUtf8().constData());
  if (log_sink_) log_sink_(log_.back());
}

}  // namespace ft::station
