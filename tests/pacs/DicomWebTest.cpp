// DICOMweb against Orthanc's DICOMweb plugin (Debian orthanc-dicomweb): STOW-RS through
// the durable outbox, QIDO-RS at study and series level, WADO-RS into the study store.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "OrthancPeer.h"
#include "PacsFixtures.h"
#include "TestSupport.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/StudyStore.h"
#include "ft/dicom/UltrasoundClipWriter.h"

namespace ft {

TEST(DicomWeb, StowQidoAndWadoAgainstOrthancsPlugin) {
  if (test::orthanc_program().empty() || test::orthanc_dicomweb_plugin().empty())
    GTEST_SKIP() << "Orthanc or its DICOMweb plugin not installed (scripts/setup installs them)";
  test::TempDir dir;
  test::OrthancOptions options;
  options.dicomweb = true;
  test::OrthancPeer pacs(dir, true, options);
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  const std::string config = dir.file("config");
  ASSERT_EQ(test::fibretrack_in(config, "nodes add web " + pacs.dicomweb_url() + "/").exit_code, 0);
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P88");

  const test::CommandResult echo = test::fibretrack_in(config, "echo web");
  EXPECT_EQ(echo.exit_code, 0) << echo.err;
  const test::CommandResult sent = test::fibretrack_in(config, "send '" + exam.folder + "' --to web");
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  EXPECT_NE(sent.out.find("3 sent, 0 waiting"), std::string::npos) << sent.out;
  std::set<std::string> arrived;
  for (const auto& id : pacs.get("/instances"))
    arrived.insert(pacs.get("/instances/" + id.get<std::string>() + "/simplified-tags")["SOPInstanceUID"].get<std::string>());
  EXPECT_EQ(arrived, exam.sop_instance_uids);

  const test::CommandResult studies = test::fibretrack_in(config, "query web --patient-id P88 --json");
  ASSERT_EQ(studies.exit_code, 0) << studies.err;
  const auto study = nlohmann::json::parse(studies.out);
  EXPECT_EQ(study["study_instance_uid"], exam.study_instance_uid);
  EXPECT_EQ(study["patient_name"], "TEST^PATIENT");
  EXPECT_EQ(test::fibretrack_in(config, "query web --patient-id NOBODY").out, "");
  const test::CommandResult series = test::fibretrack_in(config, "query web --study " + exam.study_instance_uid);
  EXPECT_NE(series.out.find(" US "), std::string::npos) << series.out;

  const test::CommandResult got =
      test::fibretrack_in(config, "retrieve web " + exam.study_instance_uid + " --store '" + dir.file("store") + "'");
  ASSERT_EQ(got.exit_code, 0) << got.out << got.err;
  EXPECT_NE(got.out.find("3 instance(s) retrieved by WADO-RS"), std::string::npos) << got.out;
  dicom::StudyStore store(dir.file("store"));
  std::set<std::string> stored;
  for (const auto& s : store.series(exam.study_instance_uid))
    for (const auto& i : store.instances(s.series_instance_uid)) {
      stored.insert(i.sop_instance_uid);
      if (i.sop_instance_uid == test::sop_instance_uid_of(exam.clip_file)) {  // braces: EXPECT_EQ holds an if/else
        EXPECT_EQ(test::max_pixel_difference(exam.clip_file, i.path), 0);
      }
    }
  EXPECT_EQ(stored, exam.sop_instance_uids);
  const test::CommandResult missing =
      test::fibretrack_in(config, "retrieve web 1.2.3.999 --store '" + dir.file("store") + "'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no study 1.2.3.999"), std::string::npos) << missing.err;
}

// A DICOMweb service that needs a user and password: they are never written into the outbox
// (nor shown in its listing). Jobs are sent later, by another process, with the credentials
// from the settings: by the node's name, or by its URL when it was typed. A typed URL the
// settings do not know is refused with a message that says where credentials belong.
TEST(DicomWeb, CredentialsAreNeverWrittenIntoTheOutbox) {
  if (test::orthanc_program().empty() || test::orthanc_dicomweb_plugin().empty())
    GTEST_SKIP() << "Orthanc or its DICOMweb plugin not installed (scripts/setup installs them)";
  test::TempDir dir;
  test::OrthancOptions options;
  options.dicomweb = true;
  options.user = "alice";
  options.password = "s3cret-pw";
  test::OrthancPeer pacs(dir, /*start_now=*/false, options);  // down while the objects are queued
  const std::string url = pacs.dicomweb_url(), with_password = "http://alice:s3cret-pw@" + url.substr(7);
  const std::string config = dir.file("config");
  ASSERT_EQ(test::fibretrack_in(config, "nodes add web " + with_password).exit_code, 0);
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P90");
  std::string report;  // another object of the exam, sent to the typed URL
  for (const auto& entry : std::filesystem::directory_iterator(exam.folder))
    if (entry.path().string() != exam.clip_file) report = entry.path().string();
  ASSERT_FALSE(report.empty());
  EXPECT_EQ(test::fibretrack_in(config, "send '" + exam.clip_file + "' --to web --timeout 2").exit_code, 1);
  const test::CommandResult typed =
      test::fibretrack_in(config, "send '" + report + "' --to " + with_password + " --timeout 2");
  EXPECT_EQ(typed.exit_code, 1);
  EXPECT_EQ(typed.out.find("s3cret"), std::string::npos) << typed.out;
  EXPECT_EQ(typed.err.find("s3cret"), std::string::npos) << typed.err;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(config + "/outbox"))
    if (entry.path().filename() == "job.json") {
      EXPECT_EQ(test::read_file(entry.path().string()).find("s3cret"), std::string::npos) << entry.path();
    }
  const test::CommandResult listed = test::fibretrack_in(config, "outbox");
  EXPECT_EQ(listed.out.find("s3cret"), std::string::npos) << listed.out;
  // Another configuration that knows no such node: its typed-URL job has nowhere to find them.
  const std::string stranger = dir.file("stranger");
  EXPECT_EQ(test::fibretrack_in(stranger, "send '" + report + "' --to " + with_password + " --timeout 2").exit_code, 1);

  pacs.start();
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  const test::CommandResult retried = test::fibretrack_in(config, "outbox --retry");
  EXPECT_EQ(retried.exit_code, 0) << retried.out << retried.err;
  EXPECT_EQ(retried.out.find("s3cret"), std::string::npos) << retried.out;
  std::set<std::string> arrived;
  for (const auto& id : pacs.get("/instances"))
    arrived.insert(pacs.get("/instances/" + id.get<std::string>() + "/simplified-tags")["SOPInstanceUID"].get<std::string>());
  EXPECT_EQ(arrived, (std::set<std::string>{test::sop_instance_uid_of(exam.clip_file), test::sop_instance_uid_of(report)}))
      << "both sent with the settings' credentials (by name, and by URL)";
  const test::CommandResult refused = test::fibretrack_in(stranger, "outbox --retry");
  EXPECT_NE(refused.out.find("not authorised"), std::string::npos) << refused.out;
  EXPECT_EQ(refused.out.find("s3cret"), std::string::npos) << refused.out;
}

// A DICOMweb server that is down: the objects wait in the outbox like DIMSE sends do.
TEST(DicomWeb, AServerThatIsDownKeepsTheObjectsQueued) {
  test::TempDir dir;
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P89");
  const std::string url = "http://127.0.0.1:" + std::to_string(test::free_loopback_port()) + "/dicom-web";
  const test::CommandResult sent =
      test::fibretrack_in(dir.file("config"), "send '" + exam.clip_file + "' --to " + url + " --timeout 2");
  EXPECT_EQ(sent.exit_code, 1);
  EXPECT_NE(sent.out.find("1 waiting in the outbox"), std::string::npos) << sent.out;
  const test::CommandResult listed = test::fibretrack_in(dir.file("config"), "outbox");
  EXPECT_NE(listed.out.find("to " + url), std::string::npos) << listed.out;
}

}  // namespace ft

namespace ft {

// A study larger than the sending and retrieving processes may allocate (96 MB of frames, the
// heap held to 64 MB by prlimit): STOW-RS reads the files as it sends them and WADO-RS writes
// each part to disk as it arrives. Holding either body whole, as before, runs out of memory.
TEST(DicomWeb, AStudyLargerThanTheProcessMayHoldIsSentAndRetrieved) {
  if (test::orthanc_program().empty() || test::orthanc_dicomweb_plugin().empty() || !test::program_available("prlimit"))
    GTEST_SKIP() << "Orthanc, its DICOMweb plugin or prlimit not installed";
#if defined(__SANITIZE_ADDRESS__)
  // ASan reserves terabytes of address space for its shadow memory: the limit on the
  // process's address space that this test sets cannot hold under it.
  GTEST_SKIP() << "an address-space limit cannot be set under AddressSanitizer";
#endif
  test::TempDir dir;
  test::OrthancOptions options;
  options.dicomweb = true;
  test::OrthancPeer pacs(dir, true, options);
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  const std::string config = dir.file("config");
  ASSERT_EQ(test::fibretrack_in(config, "nodes add web " + pacs.dicomweb_url() + "/").exit_code, 0);
  Clip clip;
  clip.frame_time_ms = 50.0;
  for (int k = 0; k < 320; ++k) {  // 320 frames of 640 x 480: 98 MB
    Frame f(640, 480);
    for (std::size_t i = 0; i < f.byte_count(); i += 97) f.data8()[i] = std::uint8_t(k + i);
    clip.frames.push_back(std::move(f));
  }
  UltrasoundRegion region;
  region.bounds = {0, 0, 639, 479};
  clip.regions.push_back(region);
  std::filesystem::create_directories(dir.file("exam"));
  dicom::ClipWriteOptions write;
  write.exam.patient_id = "P-LARGE";
  dicom::write_ultrasound_clip(clip, write, dir.file("exam/large.dcm"));
  const std::string study = dicom::read_clip_info(dir.file("exam/large.dcm")).study_instance_uid;
  const std::string limit = "prlimit --data=" + std::to_string(64 << 20) + " ";
  const test::CommandResult sent = test::run_command("FIBRETRACK_CONFIG_DIR='" + config + "' " + limit + "'" + test::cli_path() +
                                                     "' send '" + dir.file("exam") + "' --to web");
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  EXPECT_NE(sent.out.find("1 sent, 0 waiting"), std::string::npos) << sent.out;
  const test::CommandResult got = test::run_command("FIBRETRACK_CONFIG_DIR='" + config + "' " + limit + "'" + test::cli_path() +
                                                    "' retrieve web " + study + " --store '" + dir.file("store") + "'");
  ASSERT_EQ(got.exit_code, 0) << got.out << got.err;
  dicom::StudyStore store(dir.file("store"));
  const auto series = store.series(study);
  ASSERT_EQ(series.size(), 1u);
  const auto instances = store.instances(series[0].series_instance_uid);
  ASSERT_EQ(instances.size(), 1u);
  EXPECT_EQ(std::filesystem::file_size(instances[0].path), std::filesystem::file_size(dir.file("exam/large.dcm")));
}

}  // namespace ft

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "ft/core/Error.h"
#include "ft/dicom/QueryScu.h"

namespace ft {

// A QIDO-RS server that cut its answer at its own maximum and said so with Warning 299
// (PS3.18 8.3.4.5). Orthanc's plugin never cuts a list this way, so this one answer comes from
// a socket in the test: the list it sends looks whole, and must not be shown as all there is.
TEST(DicomWeb, AQidoListTheServerSaysItCutIsRefusedNotShownAsWhole) {
  const int port = test::free_loopback_port();
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int yes = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(std::uint16_t(port));
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  std::thread server([listener] {
    const int client = ::accept(listener, nullptr, nullptr);
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::read(client, buffer, sizeof buffer);
      if (n <= 0) break;
      request.append(buffer, std::size_t(n));
    }
    const std::string body = R"([{"0020000D": {"vr": "UI", "Value": ["1.2.3"]}}])";
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\n"
                               "Warning: 299 qido: The number of results exceeded the maximum supported by the server. "
                               "Additional results can be requested.\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    (void)!::write(client, answer.data(), answer.size());
    ::close(client);
  });
  dicom::DicomNode node;
  node.dicomweb_url = "http://127.0.0.1:" + std::to_string(port) + "/dicom-web";
  try {
    dicom::find_studies(node, {});
    ADD_FAILURE() << "a list the server cut was shown as whole";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("only part of its study matches"), std::string::npos) << e.what();
  }
  server.join();
  ::close(listener);
}

}  // namespace ft
