// Query/retrieve against a real Orthanc: series-level C-FIND, C-GET and C-MOVE into the
// local study store, nodes named in the settings file, and a failure status made clear.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "OrthancPeer.h"
#include "PacsFixtures.h"
#include "TestSupport.h"
#include "ft/dicom/RetrieveScu.h"
#include "ft/dicom/StudyStore.h"

namespace ft {
namespace {

// Sends the exam to the PACS by name ("pacs" in the settings file).
void send_exam(const test::TempDir& dir, const test::ExamOnDisk& exam) {
  const test::CommandResult sent =
      test::fibretrack_in(dir.file("config"), "send '" + exam.folder + "' --to pacs --outbox '" + dir.file("outbox") + "'");
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
}

// Every instance of the exam is in the store, and the clip has the same pixels.
void expect_exam_in_store(const std::string& store_dir, const test::ExamOnDisk& exam) {
  dicom::StudyStore store(store_dir);
  const auto studies = store.studies();
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0].study_instance_uid, exam.study_instance_uid);
  EXPECT_EQ(studies[0].patient_id, "P77");
  EXPECT_EQ(studies[0].instances, 3);
  std::set<std::string> stored;
  for (const auto& series : store.series(exam.study_instance_uid))
    for (const auto& instance : store.instances(series.series_instance_uid)) {
      stored.insert(instance.sop_instance_uid);
      EXPECT_TRUE(test::file_exists(instance.path)) << instance.path;
      if (test::sop_instance_uid_of(exam.clip_file) == instance.sop_instance_uid) {
        EXPECT_EQ(test::max_pixel_difference(exam.clip_file, instance.path), 0);
      }
    }
  EXPECT_EQ(stored, exam.sop_instance_uids);
}

void write_settings(const test::TempDir& dir, const nlohmann::json& settings) {
  std::filesystem::create_directories(dir.file("config"));
  std::ofstream(dir.file("config/settings.json")) << settings.dump(1);
}

}  // namespace

TEST(Retrieve, SeriesQueryThenCGetAndCMoveBringTheStudyIntoTheStudyStore) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed (scripts/setup installs it)";
  test::TempDir dir;
  test::OrthancOptions options;
  options.our_retrieve_port = test::free_loopback_port();
  test::OrthancPeer pacs(dir, true, options);
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  write_settings(dir, {{"nodes", {{"pacs", {{"ae_title", "ORTHANC"}, {"host", "127.0.0.1"}, {"port", pacs.dicom_port}}}}}});
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P77");
  send_exam(dir, exam);

  // Series level: the clip's series and the SR's / presentation state's.
  const test::CommandResult series =
      test::fibretrack_in(dir.file("config"), "query pacs --study " + exam.study_instance_uid + " --json");
  ASSERT_EQ(series.exit_code, 0) << series.err;
  int instances = 0;
  std::set<std::string> modalities;
  for (std::size_t start = 0; start < series.out.size();) {
    const std::size_t end = series.out.find('\n', start);
    const auto s = nlohmann::json::parse(series.out.substr(start, end - start));
    instances += s["instances"].get<int>();
    modalities.insert(s["modality"].get<std::string>());
    start = end + 1;
  }
  EXPECT_EQ(instances, 3);
  EXPECT_TRUE(modalities.count("US")) << series.out;

  // C-GET (no retrieve port) and C-MOVE (to our storage SCP on the port Orthanc knows).
  const test::CommandResult got = test::fibretrack_in(
      dir.file("config"), "retrieve pacs " + exam.study_instance_uid + " --store '" + dir.file("store-get") + "'");
  ASSERT_EQ(got.exit_code, 0) << got.out << got.err;
  EXPECT_NE(got.out.find("3 instance(s) retrieved by C-GET"), std::string::npos) << got.out;
  expect_exam_in_store(dir.file("store-get"), exam);
  const test::CommandResult moved = test::fibretrack_in(
      dir.file("config"), "retrieve pacs " + exam.study_instance_uid + " --store '" + dir.file("store-move") + "' --port " +
                              std::to_string(options.our_retrieve_port));
  ASSERT_EQ(moved.exit_code, 0) << moved.out << moved.err;
  EXPECT_NE(moved.out.find("3 instance(s) retrieved by C-MOVE"), std::string::npos) << moved.out;
  expect_exam_in_store(dir.file("store-move"), exam);

  // Stopped after the first object: "cancelled", and that object is kept, not thrown away.
  dicom::StudyStore partial(dir.file("store-partial"));
  int asked = 0;
  const dicom::StoreRetrieveResult stopped = dicom::retrieve_into_store(
      dicom::parse_node(pacs.node()), exam.study_instance_uid, partial, {}, [&] { return asked++ < 1; });
  EXPECT_EQ(stopped.error, "retrieve cancelled");
  EXPECT_EQ(stopped.imported, 1);
  EXPECT_EQ(partial.studies().size(), 1u);

  // The store lists it for the viewer.
  const test::CommandResult listed = test::fibretrack_in(dir.file("config"), "studies --store '" + dir.file("store-move") + "' --json");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(nlohmann::json::parse(listed.out)["study_instance_uid"], exam.study_instance_uid);
}

// Our C-MOVE storage SCP takes objects only from the node retrieved from. Here Orthanc
// answers to the AE title ORTHANC but stores under another one (IMPOSTOR), as anyone who
// learned our retrieve port could: every store is refused, nothing reaches the store, and
// the message says who was turned away.
// A retrieve cut by a crash leaves its staging folder (objects of a patient nobody will
// import): the next retrieve into the store removes it. One a running retrieve holds, or one
// younger than an hour, is left alone.
TEST(Retrieve, AStagingFolderACrashLeftIsRemovedByTheNextRetrieve) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed (scripts/setup installs it)";
  test::TempDir dir;
  test::OrthancPeer pacs(dir);
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  write_settings(dir, {{"nodes", {{"pacs", {{"ae_title", "ORTHANC"}, {"host", "127.0.0.1"}, {"port", pacs.dicom_port}}}}}});
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P78");
  send_exam(dir, exam);
  const std::string store = dir.file("store");
  for (const char* name : {"incoming-crashed", "incoming-recent"}) {
    std::filesystem::create_directories(store + "/" + name);
    std::filesystem::copy_file(exam.clip_file, store + "/" + name + "/object.dcm");
  }
  const auto two_hours_ago = std::filesystem::file_time_type::clock::now() - std::chrono::hours(2);
  std::filesystem::last_write_time(store + "/incoming-crashed", two_hours_ago);
  const test::CommandResult got =
      test::fibretrack_in(dir.file("config"), "retrieve pacs " + exam.study_instance_uid + " --store '" + store + "'");
  ASSERT_EQ(got.exit_code, 0) << got.out << got.err;
  EXPECT_FALSE(std::filesystem::exists(store + "/incoming-crashed"));
  EXPECT_TRUE(std::filesystem::exists(store + "/incoming-recent")) << "perhaps another retrieve's, still running";
  int staging = 0;
  for (const auto& e : std::filesystem::directory_iterator(store)) staging += e.path().filename().string().rfind("incoming-", 0) == 0;
  EXPECT_EQ(staging, 1) << "this retrieve's own staging folder is gone";
}

TEST(Retrieve, AMoveIsAcceptedOnlyFromTheNodeRetrievedFrom) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed";
  test::TempDir dir;
  test::OrthancOptions options;
  options.our_retrieve_port = test::free_loopback_port();
  options.extra = {{"DicomAet", "IMPOSTOR"}};  // DicomCheckCalledAet is off: it still answers to ORTHANC
  test::OrthancPeer pacs(dir, true, options);
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  write_settings(dir, {{"nodes", {{"pacs", {{"ae_title", "ORTHANC"}, {"host", "127.0.0.1"}, {"port", pacs.dicom_port}}}}}});
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P78");
  send_exam(dir, exam);
  const test::CommandResult moved = test::fibretrack_in(
      dir.file("config"), "retrieve pacs " + exam.study_instance_uid + " --store '" + dir.file("store") + "' --port " +
                              std::to_string(options.our_retrieve_port));
  EXPECT_NE(moved.exit_code, 0);
  EXPECT_NE((moved.out + moved.err).find("AE title IMPOSTOR"), std::string::npos) << moved.out << moved.err;
  EXPECT_TRUE(dicom::StudyStore(dir.file("store")).studies().empty()) << "objects from an unexpected peer were stored";
  EXPECT_NE(moved.err.find("move_sources"), std::string::npos) << "says how to accept a PACS that sends as another AE";
  // Named in the settings as a sender for this PACS (a cluster's other AE title): accepted.
  write_settings(dir, {{"nodes", {{"pacs", {{"ae_title", "ORTHANC"}, {"host", "127.0.0.1"}, {"port", pacs.dicom_port}}}}},
                       {"move_sources", {"IMPOSTOR@127.0.0.1"}}});
  const test::CommandResult allowed = test::fibretrack_in(
      dir.file("config"), "retrieve pacs " + exam.study_instance_uid + " --store '" + dir.file("store") + "' --port " +
                              std::to_string(options.our_retrieve_port));
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  EXPECT_EQ(dicom::StudyStore(dir.file("store")).studies().size(), 1u);
}

// A query with more matches than max_query_matches is cancelled and refused with a request
// to narrow it, over DIMSE (C-FIND + C-CANCEL) and over DICOMweb (QIDO-RS limit); at the
// limit it is answered whole.
TEST(Query, MoreMatchesThanTheLimitAskForANarrowerQuery) {
  if (test::orthanc_program().empty() || test::orthanc_dicomweb_plugin().empty())
    GTEST_SKIP() << "Orthanc or its DICOMweb plugin not installed";
  test::TempDir dir;
  test::OrthancOptions options;
  options.dicomweb = true;
  test::OrthancPeer pacs(dir, true, options);
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  const nlohmann::json nodes = {{"pacs", {{"ae_title", "ORTHANC"}, {"host", "127.0.0.1"}, {"port", pacs.dicom_port}}},
                                {"web", {{"dicomweb_url", pacs.dicomweb_url()}}}};
  write_settings(dir, {{"nodes", nodes}, {"max_query_matches", 2}});
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P79");  // one study, three series
  send_exam(dir, exam);
  for (const char* node : {"pacs", "web"}) {
    const test::CommandResult many =
        test::fibretrack_in(dir.file("config"), std::string("query ") + node + " --study " + exam.study_instance_uid);
    EXPECT_NE(many.exit_code, 0) << node;
    EXPECT_NE(many.err.find("more than 2 series matches: narrow the query"), std::string::npos) << node << ": " << many.err;
  }
  write_settings(dir, {{"nodes", nodes}, {"max_query_matches", 3}});
  for (const char* node : {"pacs", "web"}) {
    const test::CommandResult enough =
        test::fibretrack_in(dir.file("config"), std::string("query ") + node + " --study " + exam.study_instance_uid);
    EXPECT_EQ(enough.exit_code, 0) << node << ": " << enough.err;
  }
}

// A PACS that does not know us drops the association; one that does, but not the move
// destination, answers with a failure status. Both say why; nothing is stored.
TEST(Retrieve, AMoveToAnUnknownDestinationSaysWhy) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed";
  test::TempDir dir;
  test::OrthancOptions options;
  test::OrthancPeer strict(dir, true, options);
  test::TempDir dir2;
  options.extra = {{"DicomAlwaysAllowMove", true}};
  test::OrthancPeer lenient(dir2, true, options);
  ASSERT_TRUE(strict.ready() && lenient.ready());
  for (const test::OrthancPeer* pacs : {&strict, &lenient}) {
    const std::string retrieve = "retrieve " + pacs->node() + " 1.2.3.4 --aet STRANGER --store '" + dir.file("store") +
                                 "' --port " + std::to_string(test::free_loopback_port());
    const test::CommandResult r = test::fibretrack_in(dir.file("config"), retrieve);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("C-MOVE"), std::string::npos) << r.err;
    if (pacs == &strict) {
      EXPECT_NE(r.err.find("does the peer know our AE title"), std::string::npos) << r.err;
    }
    if (pacs == &lenient) {
      EXPECT_NE(r.err.find("status 0x"), std::string::npos) << r.err;
    }
  }
  EXPECT_TRUE(dicom::StudyStore(dir.file("store")).studies().empty());
}

TEST(Settings, NamedNodesAreAddedListedAndResolved) {
  test::TempDir dir;
  const std::string config = dir.file("config");
  EXPECT_EQ(test::fibretrack_in(config, "nodes add pacs ORTHANC@10.0.0.5:4242 --tls").exit_code, 0);
  EXPECT_EQ(test::fibretrack_in(config, "nodes add web http://pacs.example/dicom-web/").exit_code, 0);
  const test::CommandResult listed = test::fibretrack_in(config, "nodes");
  EXPECT_NE(listed.out.find("pacs  ORTHANC@10.0.0.5:4242 (TLS)"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("web  http://pacs.example/dicom-web"), std::string::npos) << listed.out;
  const test::CommandResult unknown = test::fibretrack_in(config, "echo archive");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("(pacs, web)"), std::string::npos) << unknown.err;
  EXPECT_EQ(test::fibretrack_in(config, "nodes remove web").exit_code, 0);
  EXPECT_EQ(test::fibretrack_in(config, "nodes").out.find("web "), std::string::npos);
  std::ofstream(config + "/settings.json") << "{ not json";
  const test::CommandResult broken = test::fibretrack_in(config, "nodes");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("settings.json"), std::string::npos) << broken.err;
}

}  // namespace ft
