// The station: both modules loaded through the module API, an incompatible module refused
// with its reason, gait events beside the clip on the shared timeline; and the viewer's
// PACS actions against a real Orthanc (send from the UI action, query and retrieve).
#include <gtest/gtest.h>

#include <QJsonArray>
#include <QDockWidget>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTextEdit>
#include <QJsonObject>
#include <QTabWidget>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ModuleCatalog.h"
#include "OrthancPeer.h"
#include "StationServicesImpl.h"
#include "StationTestSupport.h"
#include "StationWindow.h"
#include "TestSupport.h"
#include "ft/ui/OutboxDialog.h"
#include "ft/ui/ReviewPanel.h"
#include "ft/ui/StudiesPanel.h"

namespace ft {

TEST(ModuleCatalog, ApiVersionsAndServicesDecideWhatLoads) {
  const QStringList services{"timeline", "log"};
  const auto problem = [&](const char* version, QStringList requires_services = {}) {
    QJsonObject meta{{"id", "x"}, {"api_version", version}};
    meta["requires"] = QJsonArray::fromStringList(requires_services);
    return station::compatibility_problem(meta, 1, 2, services).toStdString();
  };
  EXPECT_EQ(problem("1.0"), "");
  EXPECT_EQ(problem("1.2"), "");
  EXPECT_NE(problem("1.3").find("update the station"), std::string::npos);
  EXPECT_NE(problem("2.0").find("built for module API 2.0"), std::string::npos);
  EXPECT_NE(problem("one").find("MAJOR.MINOR"), std::string::npos);
  EXPECT_NE(problem("1.0", {"teleporter"}).find("\"teleporter\""), std::string::npos);
  EXPECT_NE(station::compatibility_problem({}, 1, 0, services).indexOf("\"id\""), -1);
}

namespace {
// The texts on screen that say FibreTrack is not a certified medical device: labels, text panels
// (the findings, the log), tab and dock titles, the window's title.
QStringList notices_on_screen(QMainWindow& window) {
  QStringList where;
  const auto says = [](const QString& text) { return text.contains("certified medical device", Qt::CaseInsensitive); };
  for (QLabel* l : window.findChildren<QLabel*>())
    if (l->isVisible() && says(l->text())) where << "label " + l->objectName();
  for (QTextEdit* t : window.findChildren<QTextEdit*>())
    if (t->isVisible() && says(t->toPlainText())) where << "text " + t->objectName();
  for (QPlainTextEdit* t : window.findChildren<QPlainTextEdit*>())
    if (t->isVisible() && says(t->toPlainText())) where << "text " + t->objectName();
  for (QTabWidget* tabs : window.findChildren<QTabWidget*>())
    for (int i = 0; i < tabs->count(); ++i)
      if (tabs->isVisible() && says(tabs->tabText(i))) where << "tab " + tabs->tabText(i);
  for (QDockWidget* dock : window.findChildren<QDockWidget*>())
    if (dock->isVisible() && says(dock->windowTitle())) where << "dock " + dock->windowTitle();
  if (says(window.windowTitle())) where << "title";
  return where;
}
}  // namespace

TEST(Station, LoadsBothModulesRefusesAnIncompatibleOneAndShowsGaitEventsBesideTheClip) {
  test::TempDir dir;
  station::StationServicesImpl services(QString::fromStdString(dir.file("settings.json")), QString::fromStdString(dir.file("studies")));
  station::ModuleCatalog catalog;
  catalog.discover({QString::fromStdString(test::module_build_dir()), QString::fromStdString(test::incompatible_module_dir())});
  std::map<std::string, std::string> problems;
  for (const auto& m : catalog.modules()) problems[m.id.toStdString()] = m.problem.toStdString();
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems["org.fibretrack.dynamic-msus"], "");
  EXPECT_EQ(problems["org.fibretrack.gait-events"], "");
  EXPECT_NE(problems["org.example.from-the-future"].find("module API 2.0"), std::string::npos);

  station::StationWindow window(services, catalog);
  window.show();
  ASSERT_EQ(window.modules_tabs()->count(), 2);
  EXPECT_EQ(window.modules_tabs()->tabText(0).toStdString(), "Dynamic MSUS");
  EXPECT_NE(window.modules_report().indexOf("REFUSED"), -1);
  // The gait module read its file from the command line; the MSUS module opens a clip.
  // The module has its own copy of the viewer's classes: reach it through Qt's meta-object system.
  QWidget* review = window.findChild<QWidget*>("reviewPanel");
  ASSERT_NE(review, nullptr);
  bool opened = false;
  QMetaObject::invokeMethod(review, "open_clip", Q_RETURN_ARG(bool, opened),
                            Q_ARG(QString, QString::fromStdString(test::sample_data_dir() + "/full_tear.dcm")));
  ASSERT_TRUE(opened);
  // One decision-support notice on the screen, in the status bar (it used to be said three times).
  EXPECT_EQ(notices_on_screen(window), QStringList{"label decisionSupportNotice"})
      << notices_on_screen(window).join(", ").toStdString();
  int gait = 0;
  for (const auto& e : services.timeline().events()) gait += e.source == "org.fibretrack.gait-events";
  EXPECT_EQ(gait, 3);
  EXPECT_NEAR(services.timeline().duration_s(), 2.0, 1e-6) << "the clip set the timeline";
  // One cursor for all: moving it moves the review to that frame.
  services.timeline().set_cursor_s(1.10);
  int frame = -1;
  QMetaObject::invokeMethod(review, "frame", Q_RETURN_ARG(int, frame));
  EXPECT_EQ(frame, 22);
  // The timeline shows them (pixels of the gait module's colour under the labels).
  auto* timeline = window.findChild<QWidget*>("examTimeline");
  ASSERT_NE(timeline, nullptr);
  const QImage picture = timeline->grab().toImage();
  const QColor gait_colour = QColor::fromHsv(int(qHash(QString("org.fibretrack.gait-events")) % 360), 160, 230);
  EXPECT_GT(test::count_colour(picture, gait_colour.red(), gait_colour.green(), gait_colour.blue(), 2), 30);
  window.close();
}

TEST(Station, SendQueryAndRetrieveFromTheViewerAgainstOrthanc) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed";
  test::TempDir dir;
  test::OrthancPeer pacs(dir);
  ASSERT_TRUE(pacs.ready());
  setenv("FIBRETRACK_CONFIG_DIR", dir.file("config").c_str(), 1);
  std::filesystem::create_directories(dir.file("config"));
  std::ofstream(dir.file("config/settings.json"))
      << nlohmann::json{{"nodes", {{"pacs", {{"ae_title", "ORTHANC"}, {"host", "127.0.0.1"}, {"port", pacs.dicom_port}}}}}}.dump();
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host(dir.file("config/settings.json"), dir.file("config/studies"));
  ui::ReviewPanel review(host);
  ASSERT_TRUE(review.open_clip(QString::fromStdString(test::sample_data_dir() + "/full_tear.dcm")));
  review.start_analysis();
  ASSERT_TRUE(test::wait_until([&] { return !review.analysing(); }, 180));
  review.send_to("pacs");  // what the Send to PACS action does once a node is chosen
  ASSERT_TRUE(test::wait_until([&] { return review.send_summary() != "sending…"; }, 60));
  EXPECT_NE(review.send_summary().indexOf("4 object(s) sent to ORTHANC@"), -1) << review.send_summary().toStdString();
  EXPECT_EQ(pacs.get("/instances").size(), 4u) << "clip, report, presentation state, burned-in capture";

  ui::StudiesPanel studies(host);
  studies.query("pacs");
  EXPECT_TRUE(studies.busy()) << "the query runs in the background";
  ASSERT_TRUE(test::wait_until([&] { return !studies.busy() && studies.status() != "querying…"; }, 30));
  EXPECT_EQ(studies.query_result_count(), 1) << studies.status().toStdString();
  const std::string study = pacs.get("/studies/" + pacs.get("/studies")[0].get<std::string>())["MainDicomTags"]["StudyInstanceUID"];
  studies.retrieve("pacs", QString::fromStdString(study));
  ASSERT_TRUE(test::wait_until([&] { return studies.status().indexOf("retriev") != -1 && studies.status() != "retrieving…"; }, 60));
  EXPECT_NE(studies.status().indexOf("4 instance(s) retrieved by C-GET"), -1) << studies.status().toStdString();
  EXPECT_EQ(studies.local_study_count(), 1);
  // A retrieve cancelled at once: it says so and keeps what had arrived (nothing, or one object).
  studies.retrieve("pacs", QString::fromStdString(study));
  studies.cancel_retrieve();
  ASSERT_TRUE(test::wait_until([&] { return !studies.busy() && studies.status() != "retrieving…"; }, 60));
  EXPECT_NE(studies.status().indexOf("retrieve cancelled"), -1) << studies.status().toStdString();
  unsetenv("FIBRETRACK_CONFIG_DIR");
}

// A send while the PACS is down: the objects wait, the outbox dialog lists them with the
// peer's answer, and Retry delivers them once the PACS is up.
TEST(Station, TheOutboxDialogShowsWhatWaitsAndRetries) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed";
  test::TempDir dir;
  test::OrthancPeer pacs(dir, /*start_now=*/false);
  std::filesystem::create_directories(dir.file("config"));
  std::ofstream(dir.file("config/settings.json"))
      << nlohmann::json{{"timeout_s", 2}, {"outbox_directory", dir.file("outbox")},
                        {"nodes", {{"pacs", {{"ae_title", "ORTHANC"}, {"host", "127.0.0.1"}, {"port", pacs.dicom_port}}}}}}
             .dump();
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host(dir.file("config/settings.json"));
  ui::ReviewPanel review(host);
  ASSERT_TRUE(review.open_clip(QString::fromStdString(test::sample_data_dir() + "/intact.dcm")));
  review.send_to("pacs");
  ASSERT_TRUE(test::wait_until([&] { return review.send_summary() != "sending…"; }, 60));
  EXPECT_NE(review.send_summary().indexOf("1 waiting in the outbox"), -1) << review.send_summary().toStdString();
  ui::OutboxDialog outbox(host);
  ASSERT_EQ(outbox.waiting(), 1);
  pacs.start();
  ASSERT_TRUE(pacs.ready());
  outbox.retry();
  ASSERT_TRUE(test::wait_until([&] { return !outbox.busy() && outbox.waiting() == 0; }, 60));
  EXPECT_EQ(pacs.get("/instances").size(), 1u);
}

}  // namespace ft
