// What a power loss at any moment of `send` and `retrieve` leaves, checked against a real
// PACS: each command runs under the crash recorder (support/CrashStates.h), and every state
// a crash could leave — after each sync, only synced data kept — is opened as the program
// would open it after the restart. Nothing acknowledged is ever lost: a queued object stays
// queued, byte for byte, until the PACS has it (one the PACS refuses stays throughout); the
// queue never grows while it is delivered; an object the study store's index lists is there
// and reads, and so does every file under the store.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "CrashStates.h"
#include "OrthancPeer.h"
#include "PacsFixtures.h"
#include "TestSupport.h"
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"
#include "ft/dicom/Outbox.h"
#include "ft/dicom/StudyStore.h"
#include "ft/dicom/UidFactory.h"

namespace ft {
namespace {

test::CommandResult recorded(const test::CrashRecorder& recorder, const test::TempDir& dir, const std::string& args) {
  return test::run_command("FIBRETRACK_CONFIG_DIR='" + dir.file("config") + "' " + recorder.environment() + "'" +
                           test::cli_path() + "' " + args);
}

// The SOP Instance UIDs queued in an outbox, each job's object checked byte for byte against
// the file it was queued from; a damaged job fails the test.
std::set<std::string> queued_in(const std::string& outbox, const std::string& state) {
  std::set<std::string> uids;
  if (!std::filesystem::exists(outbox)) return uids;
  for (const dicom::OutboxJob& job : dicom::Outbox(outbox).jobs()) {
    EXPECT_FALSE(job.damaged) << "a crash left a damaged job in " << state << ": " << job.last_error;
    if (job.damaged) continue;
    EXPECT_EQ(test::read_file(outbox + "/" + job.id + "/object.dcm"), test::read_file(job.original_file))
        << "a queued copy differs from its file in " << state;
    uids.insert(job.sop_instance_uid);
  }
  return uids;
}

// A copy of `clip` under a SOP class no PACS knows (Orthanc refuses unknown classes): an
// object that stays in the outbox whatever is delivered around it.
std::string write_refused_object(const std::string& clip, const std::string& to) {
  DcmFileFormat dicom;
  EXPECT_TRUE(dicom.loadFile(clip.c_str()).good());
  dicom.getDataset()->putAndInsertString(DCM_SOPClassUID, "1.2.826.0.1.3680043.10.999.1");
  const std::string uid = dicom::new_uid();
  dicom.getDataset()->putAndInsertString(DCM_SOPInstanceUID, uid.c_str());
  EXPECT_TRUE(dicom.saveFile(to.c_str(), EXS_LittleEndianExplicit, EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0, 0,
                             EWM_updateMeta).good());
  return uid;
}

std::string sop_instance_uid_in(const std::string& file) {
  DcmFileFormat dicom;
  OFString uid;
  if (dicom.loadFile(file.c_str()).bad() || dicom.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid).bad()) return "";
  return uid.c_str();
}

// The instances a study store's index lists, each checked to be in the state and to read; and
// every file under files/ reads (a crash may leave one not yet indexed: `studies --rebuild`).
std::set<std::string> indexed_in(const std::string& store, const std::string& stored_as, const std::string& state) {
  std::set<std::string> uids;
  if (!std::filesystem::exists(store + "/index.sqlite")) return uids;
  for (const auto& e : std::filesystem::recursive_directory_iterator(store + "/files")) {
    if (e.is_regular_file() && e.path().extension() == ".dcm") {
      EXPECT_NE(sop_instance_uid_in(e.path().string()), "") << "a stored file does not read after a crash: " << e.path() << " in " << state;
    }
  }
  dicom::StudyStore opened(store);
  for (const dicom::StoredStudy& study : opened.studies())
    for (const dicom::StoredSeries& series : opened.series(study.study_instance_uid))
      for (const dicom::StoredInstance& instance : opened.instances(series.series_instance_uid)) {
        // The index holds the paths the store was written under; the crash state stands in for them.
        const std::string file = store + instance.path.substr(stored_as.size());
        EXPECT_EQ(sop_instance_uid_in(file), instance.sop_instance_uid)
            << "the index lists an object that is missing or does not read after a crash: " << file << " in " << state;
        uids.insert(instance.sop_instance_uid);
      }
  return uids;
}

}  // namespace

TEST(CrashStates, NoQueuedOrRetrievedObjectIsLostAtAnyCrashPoint) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed (scripts/setup installs it)";
  test::TempDir dir;
  test::OrthancPeer pacs(dir, /*start_now=*/false);
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P31");
  const std::string refused = write_refused_object(exam.clip_file, exam.folder + "/refused.dcm");
  std::set<std::string> everything = exam.sop_instance_uids;
  everything.insert(refused);
  const std::string work = dir.file("work");
  std::filesystem::create_directories(work);

  // 1. The PACS is down: the four objects are queued. Once a job is there it stays, whole.
  test::CrashRecorder queueing(dir, work);
  const std::string outbox = " --outbox '" + queueing.root() + "/outbox' --timeout 2";
  const test::CommandResult down = recorded(queueing, dir, "send '" + exam.folder + "' --to " + pacs.node() + outbox);
  ASSERT_NE(down.out.find("4 waiting in the outbox"), std::string::npos) << down.out << down.err;
  std::size_t before = 0;
  for (int k = 0; k < queueing.crash_points(); ++k) {
    const std::string state = queueing.rebuild(k, dir.file("state"));
    const std::set<std::string> queued = queued_in(state + "/outbox", "queueing, crash after sync " + std::to_string(k));
    EXPECT_GE(queued.size(), before) << "a crash after sync " << k << " loses a job a crash before it kept";
    before = std::max(before, queued.size());
  }
  EXPECT_EQ(before, 4u);

  // 2. The PACS is back: the queue is delivered but for the object it refuses. At every crash
  // point each object is still queued whole or the PACS has it, the refused one is queued, and
  // the queue is no longer than at the point before.
  pacs.start();
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  test::CrashRecorder delivering(dir, work);
  const test::CommandResult sent = recorded(delivering, dir, "outbox --retry" + outbox);
  ASSERT_NE(sent.out.find("1 object(s) waiting"), std::string::npos) << sent.out << sent.err;
  std::set<std::string> in_pacs;
  for (const auto& instance : pacs.get("/instances"))
    in_pacs.insert(pacs.get("/instances/" + instance.get<std::string>() + "/simplified-tags")["SOPInstanceUID"].get<std::string>());
  ASSERT_EQ(in_pacs, exam.sop_instance_uids);
  std::size_t queue = everything.size();
  for (int k = 0; k < delivering.crash_points(); ++k) {
    const std::string state = delivering.rebuild(k, dir.file("state"));
    std::set<std::string> kept = queued_in(state + "/outbox", "delivering, crash after sync " + std::to_string(k));
    EXPECT_TRUE(kept.count(refused)) << "the object the PACS refused is lost by a crash after sync " << k;
    EXPECT_LE(kept.size(), queue) << "a delivered job comes back after a crash after sync " << k;
    queue = kept.size();
    kept.insert(in_pacs.begin(), in_pacs.end());
    EXPECT_EQ(kept, everything) << "an object is lost by a crash after sync " << k;
  }
  EXPECT_EQ(queued_in(delivering.rebuild(delivering.crash_points() - 1, dir.file("state")) + "/outbox", "the end"),
            std::set<std::string>{refused});

  // 3. Retrieve (C-GET) into the study store: every object the index lists is there and reads,
  // and what the index lists never shrinks from one crash point to the next.
  test::CrashRecorder retrieving(dir, work);
  const std::string store = retrieving.root() + "/store";
  const test::CommandResult got =
      recorded(retrieving, dir, "retrieve " + pacs.node() + " " + exam.study_instance_uid + " --store '" + store + "'");
  ASSERT_EQ(got.exit_code, 0) << got.out << got.err;
  std::set<std::string> indexed_before;
  for (int k = 0; k < retrieving.crash_points(); ++k) {
    const std::string state = retrieving.rebuild(k, dir.file("state"));
    const std::set<std::string> indexed = indexed_in(state + "/store", store, "retrieving, crash after sync " + std::to_string(k));
    EXPECT_TRUE(std::includes(indexed.begin(), indexed.end(), indexed_before.begin(), indexed_before.end()))
        << "a crash after sync " << k << " loses an object a crash before it kept in the index";
    indexed_before = indexed;
  }
  EXPECT_EQ(indexed_before, exam.sop_instance_uids) << "after the last sync the index lists the whole study";
}

}  // namespace ft
