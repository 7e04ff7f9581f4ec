#include "StationTestSupport.h"

#include <QThread>
#include <cstdlib>

namespace ft::test {

std::string gait_events_file() { return std::string(FT_TEST_BINARY_DIR) + "/station-gait-events.csv"; }
std::string module_build_dir() { return FT_MODULE_BUILD_DIR; }
std::string incompatible_module_dir() { return FT_INCOMPATIBLE_MODULE_DIR; }

bool wait_until(const std::function<bool()>& done, double seconds) {
  QElapsedTimer timer;
  timer.start();
  while (!done() && timer.elapsed() < qint64(seconds * 1000)) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    QThread::msleep(10);
  }
  return done();
}

int count_colour(const QImage& image, int r, int g, int b, int tolerance) {
  int n = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) {
      const QRgb p = image.pixel(x, y);
      n += std::abs(qRed(p) - r) <= tolerance && std::abs(qGreen(p) - g) <= tolerance && std::abs(qBlue(p) - b) <= tolerance;
    }
  return n;
}

ui::WorkspaceHost RecordingHost::host(const std::string& settings_file, const std::string& store) {
  ui::WorkspaceHost h;
  h.set_timeline_duration = [this](double d) { duration_s = d; };
  h.set_timeline_cursor = [this](double t) { cursor_s = t; };
  h.put_findings_on_timeline = [this](const std::vector<ui::TimelineMark>& m) { marks = m; };
  h.log_info = [this](const std::string& m) { log.push_back(m); };
  h.log_warning = [this](const std::string& m) { log.push_back("warning: " + m); };
  h.settings_file = settings_file;
  h.study_store_dir = store;
  return h;
}

}  // namespace ft::test
