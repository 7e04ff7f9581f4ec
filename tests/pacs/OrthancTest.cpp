#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>

#include "OrthancPeer.h"
#include "PacsFixtures.h"
#include "WorklistPeer.h"
#include "TestSupport.h"
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/Outbox.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

// Against a real PACS: Orthanc (tests/support/OrthancPeer.h).
namespace ft {
namespace {

int free_port() { return test::free_loopback_port(); }
using Orthanc = test::OrthancPeer;

test::CommandResult fibretrack(const std::string& args) { return test::run_command("'" + test::cli_path() + "' " + args); }

}  // namespace

TEST(Pacs, ClipReportAndPresentationStateArriveIntact) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed (scripts/setup installs it)";
  test::TempDir dir;
  Orthanc pacs(dir);
  ASSERT_TRUE(pacs.ready()) << test::read_file(dir.file("orthanc.log"));
  // An exam: the clip, its report and its annotations.
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P42");
  const std::string clip_uid = test::sop_instance_uid_of(exam.clip_file);

  const test::CommandResult echo = fibretrack("echo " + pacs.node());
  ASSERT_EQ(echo.exit_code, 0) << echo.err;
  const test::CommandResult sent =
      fibretrack("send '" + dir.file("exam") + "' --to " + pacs.node() + " --outbox '" + dir.file("outbox") + "'");
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;

  const nlohmann::json instances = pacs.get("/instances");
  ASSERT_EQ(instances.size(), 3u);
  std::set<std::string> arrived;
  for (const auto& id : instances) {
    arrived.insert(pacs.get("/instances/" + id.get<std::string>() + "/simplified-tags")["SOPInstanceUID"].get<std::string>());
    pacs.download("/instances/" + id.get<std::string>() + "/file", dir.file("back-" + id.get<std::string>() + ".dcm"));
  }
  EXPECT_EQ(arrived, exam.sop_instance_uids) << "same SOP Instance UIDs";
  // The clip comes back with the same pixels, frame by frame.
  bool clip_checked = false;
  for (const auto& id : instances) {
    const std::string file = dir.file("back-" + id.get<std::string>() + ".dcm");
    if (test::sop_instance_uid_of(file) != clip_uid) continue;
    EXPECT_EQ(test::max_pixel_difference(exam.clip_file, file), 0);
    clip_checked = true;
  }
  EXPECT_TRUE(clip_checked);

  // And it is found again: one study, this patient's, one line per study.
  const test::CommandResult q = fibretrack("query " + pacs.node() + " --patient-id 'P*' --json");
  ASSERT_EQ(q.exit_code, 0) << q.err;
  const auto study = nlohmann::json::parse(q.out.substr(0, q.out.find('\n')));
  EXPECT_EQ(study["study_instance_uid"], exam.study_instance_uid);
  EXPECT_EQ(study["patient_id"], "P42");
  EXPECT_EQ(std::count(q.out.begin(), q.out.end(), '\n'), 1);
  const test::CommandResult none = fibretrack("query " + pacs.node() + " --patient-id NOBODY");
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.out, "");
}

// PACS down when sending: the object waits in the outbox; PACS up: it is delivered,
// once, and leaves the queue.
TEST(Pacs, TheOutboxKeepsWhatCouldNotBeSentUntilThePacsIsBack) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed";
  test::TempDir dir;
  Orthanc pacs(dir, /*start_now=*/false);
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 13, 3)).render_clip(), {}, dir.file("clip.dcm"));
  const std::string outbox = " --outbox '" + dir.file("outbox") + "' --timeout 2";
  const test::CommandResult down = fibretrack("send '" + dir.file("clip.dcm") + "' --to " + pacs.node() + outbox);
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.out.find("1 waiting in the outbox"), std::string::npos) << down.out;
  const test::CommandResult listed = fibretrack("outbox" + outbox);
  EXPECT_NE(listed.out.find("attempts 1"), std::string::npos) << listed.out;
  pacs.start();
  ASSERT_TRUE(pacs.ready());
  const test::CommandResult retried = fibretrack("outbox --retry" + outbox);
  EXPECT_EQ(retried.exit_code, 0) << retried.out;
  EXPECT_NE(retried.out.find("0 object(s) waiting"), std::string::npos) << retried.out;
  EXPECT_EQ(pacs.get("/instances").size(), 1u);
  EXPECT_EQ(fibretrack("outbox --retry" + outbox).exit_code, 0) << "nothing sent twice";
  EXPECT_EQ(pacs.get("/instances").size(), 1u);
}

// What a sender killed with -9 leaves behind: a job being built (never to be sent) and
// complete jobs not yet delivered (sent when the queue resumes).
TEST(Pacs, AfterACrashTheQueueResumesAndNeverSendsAHalfCopiedObject) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed";
  test::TempDir dir;
  Orthanc pacs(dir);
  ASSERT_TRUE(pacs.ready());
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 14, 3)).render_clip(), {}, dir.file("a.dcm"));
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 15, 3)).render_clip(), {}, dir.file("b.dcm"));
  dicom::Outbox outbox(dir.file("outbox"));
  outbox.enqueue(dir.file("a.dcm"), dicom::parse_node(pacs.node()));
  outbox.enqueue(dir.file("b.dcm"), dicom::parse_node(pacs.node()));
  // A copy cut short by the crash, still under its temporary name.
  std::filesystem::create_directories(dir.file("outbox/.incoming-123-cut"));
  const std::string whole = test::read_file(dir.file("a.dcm"));
  std::ofstream(dir.file("outbox/.incoming-123-cut/object.dcm"), std::ios::binary).write(whole.data(), 1000);
  EXPECT_EQ(outbox.jobs().size(), 2u);
  const test::CommandResult resumed = fibretrack("outbox --retry --outbox '" + dir.file("outbox") + "'");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out;
  EXPECT_EQ(pacs.get("/instances").size(), 2u) << "both complete jobs delivered, the cut copy never";
}

// Orthanc stopped in the middle of a multi-object send: what arrived is off the queue,
// the rest waits; with Orthanc back, the rest is delivered; nothing lost, nothing twice.
TEST(Pacs, APacsStoppedMidSendGetsTheRestLater) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed";
  test::TempDir dir;
  auto pacs = std::make_unique<Orthanc>(dir);
  ASSERT_TRUE(pacs->ready());
  const std::string node = pacs->node();
  dicom::Outbox outbox(dir.file("outbox"));
  for (int i = 0; i < 6; ++i) {
    const std::string file = dir.file("clip" + std::to_string(i) + ".dcm");
    dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 20 + i, 30)).render_clip(), {}, file);
    outbox.enqueue(file, dicom::parse_node(node));
  }
  const test::CommandResult sender = test::run_command("'" + test::cli_path() + "' outbox --retry --timeout 3 --outbox '" +
                                                       dir.file("outbox") + "' >/dev/null 2>&1 & echo $!");
  for (int i = 0; i < 500 && pacs->get("/instances").empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  pacs->kill_now();  // stopped while the sender is busy
  const pid_t pid = pid_t(std::stol(sender.out));
  for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::size_t waiting = outbox.jobs().size();
  EXPECT_GT(waiting, 0u) << "stopped before the end";
  EXPECT_LT(waiting, 6u) << "some arrived before the stop";
  Orthanc again(dir, /*start_now=*/false);  // same storage, new ports
  again.start();
  ASSERT_TRUE(again.ready());
  // The queued jobs name the old node: retry them against the restarted PACS.
  const test::CommandResult moved = test::run_command("sed -i 's/" + node.substr(node.find(':') + 1) + "/" +
                                                      std::to_string(again.dicom_port) + "/' '" + dir.file("outbox") +
                                                      "'/*/job.json");
  ASSERT_EQ(moved.exit_code, 0);
  EXPECT_EQ(fibretrack("outbox --retry --outbox '" + dir.file("outbox") + "'").exit_code, 0);
  EXPECT_EQ(outbox.jobs().size(), 0u);
  EXPECT_EQ(again.get("/instances").size(), 6u);
}

// The modality worklist of DCMTK's wlmscpfs, with entries written by the test: the exam
// starts from the scheduled patient, and their identifiers go into the recorded clip.
TEST(Worklist, ScheduledExamsComeFromTheWorklistServer) {
  if (!test::program_available("wlmscpfs")) GTEST_SKIP() << "wlmscpfs (dcmtk) not installed";
  test::TempDir dir;
  test::WorklistPeer worklist(dir);
  worklist.add({"DOE^JANE", "PID1", "ACC1", "2.25.771", "US"});
  worklist.add({"ROE^RICHARD", "PID2", "ACC2", "2.25.772", "MR"});
  worklist.start();
  const int port = worklist.port;
  const test::CommandResult r = fibretrack("worklist WLM@127.0.0.1:" + std::to_string(port) + " --json");
  const test::CommandResult recorded =
      fibretrack("record --source sim:intact --frames 4 --out '" + dir.file("exam.dcm") + "' --worklist WLM@127.0.0.1:" +
                 std::to_string(port) + " --accession ACC1");
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  const dicom::DicomClipInfo clip = dicom::read_clip_info(dir.file("exam.dcm"));
  EXPECT_EQ(clip.study_instance_uid, "2.25.771") << "the recorded clip joins the scheduled study";
  const test::CommandResult tags = test::run_command("dcmdump +P PatientName +P AccessionNumber '" + dir.file("exam.dcm") + "'");
  EXPECT_NE(tags.out.find("DOE^JANE"), std::string::npos);
  EXPECT_NE(tags.out.find("ACC1"), std::string::npos);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "only the ultrasound step: " << r.out;
  const auto item = nlohmann::json::parse(r.out);
  EXPECT_EQ(item["patient_name"], "DOE^JANE");
  EXPECT_EQ(item["patient_id"], "PID1");
  EXPECT_EQ(item["accession_number"], "ACC1");
  EXPECT_EQ(item["study_instance_uid"], "2.25.771");
  EXPECT_EQ(item["step_description"], "Rectus femoris under contraction");
}

TEST(Pacs, APeerThatIsDownGivesAClearMessage) {
  const std::string node = "NOBODY@127.0.0.1:" + std::to_string(free_port());
  const test::CommandResult echo = fibretrack("echo " + node + " --timeout 2");
  EXPECT_NE(echo.exit_code, 0);
  EXPECT_NE(echo.err.find("cannot open an association"), std::string::npos) << echo.err;
  EXPECT_EQ(fibretrack("echo not-a-node").exit_code, 2);
}

}  // namespace ft
