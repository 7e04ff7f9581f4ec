#pragma once
// The services the station gives its modules: the shared exam timeline, the exam
// context, where the study store and settings are, and the log. GUI thread only.
#include <QString>
#include <functional>
#include <map>
#include <vector>

#include "fibretrack/module/StationModule.h"

namespace ft::station {

// Subscribers keyed by id; notify() calls each (a subscriber may unsubscribe meanwhile).
class Subscribers {
 public:
  int add(std::function<void()> f);
  void remove(int id);
  void notify() const;

 private:
  std::map<int, std::function<void()>> callbacks_;
  int next_ = 1;
};

class SharedTimeline : public fibretrack::module::ExamTimeline {
 public:
  void add_events(const std::vector<fibretrack::module::TimelineEvent>& events) override;
  void remove_events_from(const QString& source) override;
  std::vector<fibretrack::module::TimelineEvent> events() const override { return events_; }
  void set_duration_s(double seconds) override;
  double duration_s() const override { return duration_s_; }
  void set_cursor_s(double seconds) override;
  double cursor_s() const override { return cursor_s_; }
  int subscribe(std::function<void()> changed) override { return subscribers_.add(std::move(changed)); }
  void unsubscribe(int id) override { subscribers_.remove(id); }

 private:
  std::vector<fibretrack::module::TimelineEvent> events_;
  double duration_s_ = 0.0;
  double cursor_s_ = 0.0;
  Subscribers subscribers_;
};

struct LogEntry {
  fibretrack::module::LogLevel level;
  QString module_id;
  QString message;
};

class StationServicesImpl : public fibretrack::module::StationServices {
 public:
  StationServicesImpl(QString settings_file, QString study_store_directory);
  fibretrack::module::ExamTimeline& timeline() override { return timeline_; }
  fibretrack::module::ExamContext exam_context() const override { return exam_; }
  void set_exam_context(const fibretrack::module::ExamContext& exam) override;
  int subscribe_exam_context(std::function<void()> changed) override { return exam_subscribers_.add(std::move(changed)); }
  void unsubscribe_exam_context(int id) override { exam_subscribers_.remove(id); }
  QString study_store_directory() const override { return study_store_; }
  QString settings_file() const override { return settings_file_; }
  void log(fibretrack::module::LogLevel level, const QString& module_id, const QString& message) override;

  const std::vector<LogEntry>& log_entries() const { return log_; }
  void on_log(std::function<void(const LogEntry&)> sink) { log_sink_ = std::move(sink); }

 private:
  SharedTimeline timeline_;
  fibretrack::module::ExamContext exam_;
  Subscribers exam_subscribers_;
  QString settings_file_;
  QString study_store_;
  std::vector<LogEntry> log_;
  std::function<void(const LogEntry&)> log_sink_;
};

}  // namespace ft::station
