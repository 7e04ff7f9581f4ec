// The viewer's other actions: the worklist (against DCMTK's wlmscpfs), the network
// settings dialog, the de-identified copy, and the keyboard shortcuts.
#include <gtest/gtest.h>

#include <QTabWidget>
#include <QApplication>
#include <QLabel>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <filesystem>
#include <fstream>

#include "StationTestSupport.h"
#include "TestSupport.h"
#include "WorklistPeer.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/DicomSettings.h"
#include "ft/ui/MsusWorkspace.h"
#include "ft/ui/NetworkSettingsDialog.h"
#include "ft/ui/WorklistDialog.h"

namespace ft {

TEST(Worklist, TheDialogListsTheScheduledExamsAndHandsOverTheChosenOne) {
  if (!test::program_available("wlmscpfs")) GTEST_SKIP() << "wlmscpfs (dcmtk) not installed";
  test::TempDir dir;
  test::WorklistPeer worklist(dir);
  worklist.add({"DOE^JANE", "PID1", "ACC1", "2.25.771"});
  worklist.add({"ROE^ROSA", "PID3", "ACC3", "2.25.773"});
  worklist.start();
  std::ofstream(dir.file("settings.json")) << "{\"nodes\": {\"ris\": {\"ae_title\": \"WLM\", \"host\": \"127.0.0.1\", \"port\": "
                                           << worklist.port << "}}}";
  test::RecordingHost recorded;
  ui::WorkspaceHost host = recorded.host(dir.file("settings.json"));
  ui::WorklistDialog dialog(host);
  dialog.query("ris");
  ASSERT_TRUE(test::wait_until([&] { return !dialog.busy(); }, 30));
  ASSERT_EQ(dialog.entries(), 2);
  const dicom::ExamContext exam = dialog.chosen();
  EXPECT_TRUE(exam.accession_number == "ACC1" || exam.accession_number == "ACC3");
  EXPECT_FALSE(exam.study_instance_uid.empty());
  dialog.query("WLM@127.0.0.1:1");  // nobody there: a message, no entries, no crash
  ASSERT_TRUE(test::wait_until([&] { return !dialog.busy(); }, 30));
  EXPECT_EQ(dialog.entries(), 0);
}

TEST(NetworkSettings, NodesEditedInTheDialogAreSavedForTheCommandLineToo) {
  test::TempDir dir;
  dicom::DicomSettings s;
  s.network.local_ae_title = "US_ROOM_3";
  dicom::DicomNode pacs = dicom::parse_node("ORTHANC@pacs.local:4242");
  pacs.name = "pacs";
  pacs.tls = true;
  s.nodes["pacs"] = pacs;
  dicom::save_settings(s, dir.file("settings.json"));
  ui::NetworkSettingsDialog dialog(dir.file("settings.json"));
  auto* table = dialog.findChild<QTableWidget*>();
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->rowCount(), 1);
  table->insertRow(1);
  table->setItem(1, 0, new QTableWidgetItem("web"));
  table->setItem(1, 1, new QTableWidgetItem("http://pacs.local/dicom-web"));
  ASSERT_TRUE(dialog.save());
  const dicom::DicomSettings back = dicom::load_settings(dir.file("settings.json"));
  EXPECT_EQ(back.network.local_ae_title, "US_ROOM_3");
  ASSERT_EQ(back.nodes.size(), 2u);
  EXPECT_TRUE(back.nodes.at("pacs").tls);
  EXPECT_EQ(back.nodes.at("web").dicomweb_url, "http://pacs.local/dicom-web");
  table->setItem(1, 1, new QTableWidgetItem("not a node"));
  QTimer::singleShot(200, [] {  // the warning box
    if (QWidget* box = QApplication::activeModalWidget()) box->close();
  });
  EXPECT_FALSE(dialog.save()) << "a malformed node is refused, the file kept";
  EXPECT_EQ(dicom::load_settings(dir.file("settings.json")).nodes.size(), 2u);
}

// A DICOMweb node's password is never shown in the dialog, and saving the dialog keeps it
// (and the TLS name it has no column for) as long as the row is left as shown.
TEST(NetworkSettings, ADicomWebPasswordIsNeitherShownNorLostBySaving) {
  test::TempDir dir;
  dicom::DicomSettings s;
  dicom::DicomNode web = dicom::parse_node("https://alice:s3cret@pacs.local/dicom-web");
  web.name = "web";
  s.nodes["web"] = web;
  dicom::DicomNode pacs = dicom::parse_node("ORTHANC@10.0.0.7:4242");
  pacs.name = "pacs";
  pacs.tls = true;
  pacs.tls_name = "pacs.hospital.local";
  s.nodes["pacs"] = pacs;
  dicom::save_settings(s, dir.file("settings.json"));
  ui::NetworkSettingsDialog dialog(dir.file("settings.json"));
  auto* table = dialog.findChild<QTableWidget*>();
  ASSERT_NE(table, nullptr);
  for (int r = 0; r < table->rowCount(); ++r)
    EXPECT_FALSE(table->item(r, 1)->text().contains("s3cret")) << table->item(r, 1)->text().toStdString();
  ASSERT_TRUE(dialog.save());
  const dicom::DicomSettings back = dicom::load_settings(dir.file("settings.json"));
  EXPECT_EQ(back.nodes.at("web").dicomweb_url, "https://alice:s3cret@pacs.local/dicom-web");
  EXPECT_EQ(back.nodes.at("pacs").tls_name, "pacs.hospital.local");
  // Renamed, its address left as shown: still the same node.
  for (int r = 0; r < table->rowCount(); ++r)
    if (table->item(r, 0)->text() == "web") table->item(r, 0)->setText("archive");
  ASSERT_TRUE(dialog.save());
  EXPECT_EQ(dicom::load_settings(dir.file("settings.json")).nodes.at("archive").dicomweb_url,
            "https://alice:s3cret@pacs.local/dicom-web");
}

// Settings that trust any TLS or HTTPS peer: the station says so on screen for as long as they do
// (the command line warns at each connection; the station's connections run out of sight).
TEST(Workspace, PeerVerificationSwitchedOffIsShownOnScreen) {
  test::TempDir dir;
  test::RecordingHost recorded;
  dicom::DicomSettings careless;
  careless.network.tls.verify_peer = false;
  dicom::save_settings(careless, dir.file("careless.json"));
  dicom::save_settings(dicom::DicomSettings{}, dir.file("careful.json"));
  ui::MsusWorkspace warned(recorded.host(dir.file("careless.json")));
  const QLabel* warning = warned.findChild<QLabel*>("unverifiedTls");
  ASSERT_NE(warning, nullptr);
  EXPECT_TRUE(warning->isVisibleTo(&warned));
  EXPECT_TRUE(warning->text().contains("verification is off")) << warning->text().toStdString();
  ui::MsusWorkspace quiet(recorded.host(dir.file("careful.json")));
  EXPECT_FALSE(quiet.findChild<QLabel*>("unverifiedTls")->isVisibleTo(&quiet));
}

TEST(Workspace, ShortcutsStepPlayAndTheDeidentifiedCopyHasNoPatient) {
  test::TempDir dir;
  test::RecordingHost recorded;
  ui::MsusWorkspace workspace(recorded.host());
  workspace.resize(1200, 800);
  workspace.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&workspace));
  ASSERT_TRUE(workspace.review()->open_clip(QString::fromStdString(test::sample_data_dir() + "/full_tear.dcm")));
  workspace.show_review();
  // Shortcuts need the window active; Xvfb has no window manager to make it so.
  QApplication::setActiveWindow(&workspace);
  workspace.review()->setFocus();
  QTest::keyClick(&workspace, Qt::Key_Right);
  QTest::keyClick(&workspace, Qt::Key_Right);
  EXPECT_EQ(workspace.review()->frame(), 2);
  QTest::keyClick(&workspace, Qt::Key_Left);
  EXPECT_EQ(workspace.review()->frame(), 1);
  QTest::keyClick(&workspace, Qt::Key_Space);
  EXPECT_TRUE(workspace.review()->playing());
  EXPECT_TRUE(test::wait_until([&] { return workspace.review()->frame() > 1; }, 20)) << "cine advanced while playing";
  QTest::keyClick(&workspace, Qt::Key_Space);
  EXPECT_FALSE(workspace.review()->playing());

  qputenv("FIBRETRACK_CONFIG_DIR", QByteArray::fromStdString(dir.file("config")));  // the site key goes there
  ASSERT_TRUE(workspace.review()->export_deidentified(QString::fromStdString(dir.file("deid"))));
  qunsetenv("FIBRETRACK_CONFIG_DIR");
  const std::string copy = workspace.review()->last_deidentified().toStdString();
  EXPECT_EQ(copy.find("full_tear"), std::string::npos) << "named by the new UIDs, not the input's name: " << copy;
  EXPECT_TRUE(test::file_exists(dir.file("config/deidentify.key")));
  const test::CommandResult tags = test::run_command("dcmdump +P PatientName '" + copy + "'");
  EXPECT_NE(tags.out.find("ANONYMOUS"), std::string::npos) << tags.out;
  EXPECT_EQ(dicom::read_clip_info(copy).frames, 40);
}

}  // namespace ft
