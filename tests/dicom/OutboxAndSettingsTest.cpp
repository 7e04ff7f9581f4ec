// The outbox and the settings file on their own (the PACS tests send through them).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <fstream>

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomSettings.h"
#include "ft/dicom/Outbox.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {

// A job whose description was damaged is listed with the reason, never dropped silently,
// and never sent anywhere.
TEST(Outbox, ADamagedJobIsListedAndKept) {
  test::TempDir dir;
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 3, 2)).render_clip(), {}, dir.file("a.dcm"));
  dicom::Outbox outbox(dir.file("outbox"));
  const dicom::OutboxJob job = outbox.enqueue(dir.file("a.dcm"), dicom::parse_node("PACS@127.0.0.1:1"));
  std::ofstream(dir.file("outbox/" + job.id + "/job.json")) << "{ cut";
  const auto jobs = outbox.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].destination, "(unknown)");
  EXPECT_NE(jobs[0].last_error.find("damaged"), std::string::npos);
  EXPECT_EQ(outbox.deliver({}, true).size(), 1u) << "kept, not sent";
  EXPECT_TRUE(test::file_exists(dir.file("outbox/" + job.id + "/object.dcm")));
}

// A queued copy lost to a power loss (empty, or cut short) would fail the same way on every
// retry: it is listed as damaged with what to do, and not retried for ever.
TEST(Outbox, AJobWhoseCopyIsEmptyIsListedAsDamagedAndNotRetried) {
  test::TempDir dir;
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 3, 2)).render_clip(), {}, dir.file("a.dcm"));
  dicom::Outbox outbox(dir.file("outbox"));
  const dicom::OutboxJob empty = outbox.enqueue(dir.file("a.dcm"), dicom::parse_node("PACS@127.0.0.1:1"));
  std::ofstream(dir.file("outbox/" + empty.id + "/object.dcm"), std::ios::trunc).close();
  const auto jobs = outbox.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_TRUE(jobs[0].damaged);
  EXPECT_NE(jobs[0].last_error.find("empty"), std::string::npos) << jobs[0].last_error;
  EXPECT_NE(jobs[0].last_error.find(dir.file("a.dcm")), std::string::npos) << "says what to send again";
  EXPECT_EQ(jobs[0].destination, "PACS@127.0.0.1:1") << "where it was going is still known";
  const auto left = outbox.deliver({}, true);
  ASSERT_EQ(left.size(), 1u) << "kept";
  EXPECT_EQ(left[0].attempts, 0) << "not tried: it would fail the same way every time";
  // Cut short after its preamble: not the size it was queued with.
  const dicom::OutboxJob cut = outbox.enqueue(dir.file("a.dcm"), dicom::parse_node("PACS@127.0.0.1:1"));
  std::filesystem::resize_file(dir.file("outbox/" + cut.id + "/object.dcm"), 1000);
  for (const dicom::OutboxJob& j : outbox.jobs())
    if (j.id == cut.id) {
      EXPECT_TRUE(j.damaged);
      EXPECT_NE(j.last_error.find("1000 bytes"), std::string::npos) << j.last_error;
    }
}

// A queue written by an earlier version kept a DICOMweb URL's password in job.json (in the
// destination and the node): it is never shown, and the job's next attempt, which still
// uses it, rewrites the file without it.
TEST(Outbox, APasswordWrittenByAnEarlierVersionIsRemovedFromTheQueue) {
  test::TempDir dir;
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 3, 2)).render_clip(), {}, dir.file("a.dcm"));
  std::string id;
  {
    dicom::Outbox outbox(dir.file("outbox"));
    id = outbox.enqueue(dir.file("a.dcm"), dicom::parse_node("https://alice:s3cret@pacs.local/dicom-web")).id;
  }
  const std::string job = dir.file("outbox/" + id + "/job.json");
  nlohmann::json old = nlohmann::json::parse(test::read_file(job));
  const std::string down = "http://alice:s3cret@127.0.0.1:" + std::to_string(test::free_loopback_port()) + "/dicom-web";
  old["node"]["dicomweb_url"] = down;  // as the earlier version wrote it, both places
  old["destination"] = down;
  old.erase("node_name");
  std::ofstream(job) << old.dump(1);
  dicom::Outbox reopened(dir.file("outbox"));
  ASSERT_EQ(reopened.jobs().size(), 1u);
  EXPECT_EQ(reopened.jobs()[0].destination.find("s3cret"), std::string::npos) << "never shown";
  dicom::NetworkSettings quick;
  quick.timeout_s = 1;
  const auto left = reopened.deliver(quick, true);  // the server is down: the attempt is recorded
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].attempts, 1);
  EXPECT_EQ(test::read_file(job).find("s3cret"), std::string::npos) << "rewritten without it at that attempt";
}

// What a crash left of a job being queued (never published, never acknowledged) is removed
// when the outbox is next opened; a job another process is queueing right now is not.
TEST(Outbox, AJobLeftHalfQueuedByACrashIsRemovedAtTheNextStart) {
  test::TempDir dir;
  namespace fs = std::filesystem;
  fs::create_directories(dir.file("outbox/.incoming-old"));
  fs::create_directories(dir.file("outbox/.incoming-now"));
  std::ofstream(dir.file("outbox/.incoming-old/object.dcm")) << "half a copy";
  fs::last_write_time(dir.file("outbox/.incoming-old"), fs::file_time_type::clock::now() - std::chrono::hours(3));
  // Old too, but its maker still holds its lock (a slow copy, or a clock that jumped).
  fs::create_directories(dir.file("outbox/.incoming-alive"));
  fs::last_write_time(dir.file("outbox/.incoming-alive"), fs::file_time_type::clock::now() - std::chrono::hours(3));
  const int alive = ::open(dir.file("outbox/.incoming-alive").c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_EQ(::flock(alive, LOCK_EX), 0);
  dicom::Outbox outbox(dir.file("outbox"));
  ::close(alive);
  EXPECT_FALSE(fs::exists(dir.file("outbox/.incoming-old")));
  EXPECT_TRUE(fs::exists(dir.file("outbox/.incoming-now"))) << "may be another process's job in the making";
  EXPECT_TRUE(fs::exists(dir.file("outbox/.incoming-alive"))) << "its maker is alive";
  EXPECT_TRUE(outbox.jobs().empty());
}

// Queued objects are patient data: private to the workstation's user, whatever the umask and
// the mode of the file that was queued.
TEST(Outbox, QueuedPatientDataIsPrivateToItsOwner) {
  const test::ScopedUmask umask(022);
  test::TempDir dir;
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 3, 2)).render_clip(), {}, dir.file("a.dcm"));
  ::chmod(dir.file("a.dcm").c_str(), 0644);
  dicom::Outbox outbox(dir.file("outbox"));
  const dicom::OutboxJob job = outbox.enqueue(dir.file("a.dcm"), dicom::parse_node("PACS@127.0.0.1:1"));
  outbox.deliver({}, true);  // refused: the job file is rewritten with the attempt
  EXPECT_EQ(test::permissions_of(dir.file("outbox")), 0700);
  EXPECT_EQ(test::permissions_of(dir.file("outbox/" + job.id)), 0700);
  EXPECT_EQ(test::permissions_of(dir.file("outbox/" + job.id + "/object.dcm")), 0600);
  EXPECT_EQ(test::permissions_of(dir.file("outbox/" + job.id + "/job.json")), 0600);
  ASSERT_EQ(outbox.jobs().at(0).attempts, 1) << "the job file was rewritten";
}

// A DICOMweb node's URL in the settings may carry its user and password.
TEST(Settings, TheSettingsFileIsPrivateToItsOwner) {
  const test::ScopedUmask umask(022);
  test::TempDir dir;
  dicom::DicomSettings settings;
  settings.nodes["web"] = dicom::parse_node("https://user:secret@pacs.example/dicom-web");
  dicom::save_settings(settings, dir.file("config/settings.json"));
  EXPECT_EQ(test::permissions_of(dir.file("config/settings.json")), 0600);
  EXPECT_EQ(test::permissions_of(dir.file("config")), 0700) << "a folder the settings made";
}

TEST(Settings, NodesFromTheFileAreCheckedLikeTypedOnes) {
  test::TempDir dir;
  std::ofstream(dir.file("s.json")) << R"({"nodes": {"pacs": {"ae_title": "ORTHANC", "host": "h", "port": 70000}}})";
  EXPECT_THROW(dicom::load_settings(dir.file("s.json")), Error);
  std::ofstream(dir.file("t.json")) << R"({"nodes": {"pacs": {"ae_title": "AN_AE_TITLE_TOO_LONG", "host": "h", "port": 104}}})";
  EXPECT_THROW(dicom::load_settings(dir.file("t.json")), Error);
  EXPECT_EQ(dicom::parse_node("https://user:secret@pacs/dicom-web").text(), "https://pacs/dicom-web") << "no password in messages";
}

// Numbers a person typed (or a fuzzer found: "retrieve_port": 111e13 was converted to int out of
// range, undefined behaviour) are whole and in range, or the file is refused naming the key.
TEST(Settings, NumbersOutOfRangeOrNotWholeAreRefusedByName) {
  test::TempDir dir;
  const auto refusal = [&](const std::string& text) {
    std::ofstream(dir.file("s.json"), std::ios::trunc) << text;
    try {
      dicom::load_settings(dir.file("s.json"));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refusal(R"({"retrieve_port": 111e13})").find("retrieve_port must be a whole number from 0 to 65535"), std::string::npos);
  EXPECT_NE(refusal(R"({"timeout_s": 2.5})").find("timeout_s"), std::string::npos);
  EXPECT_NE(refusal(R"({"max_query_matches": -1e300})").find("max_query_matches"), std::string::npos);
  EXPECT_NE(refusal(R"({"max_query_matches": 0})").find("max_query_matches must be a whole number from 1"), std::string::npos)
      << "a whole number >= 0 below the least allowed";
  EXPECT_NE(refusal(R"({"commitment_port": "104"})").find("commitment_port"), std::string::npos);
  EXPECT_NE(refusal(R"({"nodes": {"p": {"ae_title": "A", "host": "h", "port": 1e19}}})").find("node 'p': port must be a whole number"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"nodes": {"p": {"ae_title": "A", "host": "h"}}})").find("node 'p': no port"), std::string::npos);
  std::ofstream(dir.file("s.json"), std::ios::trunc) << R"({"max_query_matches": 5e2, "retrieve_port": 11112})";
  const dicom::DicomSettings s = dicom::load_settings(dir.file("s.json"));
  EXPECT_EQ(s.network.max_query_matches, 500) << "a whole number written as a float";
  EXPECT_EQ(s.network.retrieve_port, 11112);
}

// The same in a job's description: listed as damaged, never read as some other number.
TEST(Outbox, AJobWhoseNumbersDoNotFitIsListedAsDamaged) {
  test::TempDir dir;
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 3, 2)).render_clip(), {}, dir.file("a.dcm"));
  dicom::Outbox outbox(dir.file("outbox"));
  const dicom::OutboxJob job = outbox.enqueue(dir.file("a.dcm"), dicom::parse_node("PACS@127.0.0.1:1"));
  std::ofstream(dir.file("outbox/" + job.id + "/job.json"), std::ios::trunc)
      << R"({"destination": "PACS@127.0.0.1:1", "attempts": 2147483647})";  // ++attempts would overflow
  const auto jobs = outbox.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_TRUE(jobs[0].damaged);
  EXPECT_EQ(jobs[0].destination, "(unknown)");
}

}  // namespace ft
