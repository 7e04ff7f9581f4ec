// What the plugin analyses, and how it reads its settings from Orthanc's configuration.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "ArchiveSettings.h"
#include "ClipSelection.h"
#include "ft/core/Error.h"

namespace ft::archive {
namespace {

ArchivedObject object(const std::string& modality, const std::string& sop_class, int frames) {
  return {{"1.2.3", "id", "study"}, modality, sop_class, frames};
}
const std::string kUsMultiframe = "1.2.840.10008.5.1.4.1.1.3.1", kUsImage = "1.2.840.10008.5.1.4.1.1.6.1";

TEST(ClipSelection, AnUltrasoundClipIsAnalysed) {
  EXPECT_TRUE(select_for_analysis(object("US", kUsMultiframe, 40), ArchiveSettings{}).analyse);
}

TEST(ClipSelection, AStillUltrasoundImageIsSkippedAndTheReasonKept) {
  const Selection one_frame = select_for_analysis(object("US", kUsMultiframe, 1), ArchiveSettings{});
  EXPECT_FALSE(one_frame.analyse);
  EXPECT_TRUE(one_frame.record_skip);
  EXPECT_EQ(one_frame.reason, "one frame: a clip of a contraction is needed");
  const Selection still = select_for_analysis(object("US", kUsImage, 1), ArchiveSettings{});
  EXPECT_FALSE(still.analyse);
  EXPECT_TRUE(still.record_skip);
  EXPECT_NE(still.reason.find(kUsImage), std::string::npos);
}

TEST(ClipSelection, OtherModalitiesAndOurOwnReportsAreOnlyLogged) {
  const Selection sr = select_for_analysis(object("SR", "1.2.840.10008.5.1.4.1.1.88.33", 1), ArchiveSettings{});
  EXPECT_FALSE(sr.analyse);
  EXPECT_FALSE(sr.record_skip);
  EXPECT_EQ(sr.reason, "modality SR is not analysed");
  const Selection capture = select_for_analysis(object("US", "1.2.840.10008.5.1.4.1.1.7.4", 40), ArchiveSettings{});
  EXPECT_FALSE(capture.analyse) << "a burned-in capture is not analysed again";
  EXPECT_FALSE(capture.record_skip);
}

TEST(ClipSelection, NumberOfFramesIsReadWithoutOverflow) {
  EXPECT_EQ(frames_from_number_of_frames("120"), 120);
  EXPECT_EQ(frames_from_number_of_frames(" 12 "), 12) << "IS pads with spaces";
  EXPECT_EQ(frames_from_number_of_frames("99999999999999999999"), std::numeric_limits<int>::max()) << "atoi: undefined";
  EXPECT_EQ(frames_from_number_of_frames("-5"), 0);
  EXPECT_EQ(frames_from_number_of_frames("many"), 0);
}

TEST(ArchiveSettings, DefaultsServeOneNodeWithItsJobsBesideItsStorage) {
  const ArchiveSettings s = archive_settings_from({{"StorageDirectory", "/var/lib/orthanc/db"}}, "/usr/bin/fibretrack");
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.executable, "/usr/bin/fibretrack");
  EXPECT_EQ(s.workers, 1);
  EXPECT_TRUE(s.postgres_conninfo.empty());
  EXPECT_EQ(s.sqlite_path, "/var/lib/orthanc/db/fibretrack-jobs.sqlite");
}

TEST(ArchiveSettings, AnIndexOnPostgreSqlPutsTheJobsThereToo) {
  const nlohmann::json config{
      {"PostgreSQL", {{"EnableIndex", true}, {"Host", "db.example"}, {"Port", 5433}, {"Database", "orthanc"},
                      {"Username", "orthanc"}, {"Password", "it's"}}},
      {"FibreTrack", {{"Workers", 2}, {"BurnIn", true}, {"NodeName", "node-a"}}}};
  const ArchiveSettings s = archive_settings_from(config, "fibretrack");
  EXPECT_EQ(s.postgres_conninfo, R"(host='db.example' port='5433' dbname='orthanc' user='orthanc' password='it\'s')");
  EXPECT_EQ(s.workers, 2);
  EXPECT_TRUE(s.burn_in);
  EXPECT_EQ(s.node_name, "node-a");
}

TEST(ArchiveSettings, WrongValuesAreRefusedWithTheKeyNamed) {
  try {
    archive_settings_from({{"FibreTrack", {{"Workers", "two"}}}}, "fibretrack");
    FAIL() << "a string for Workers was taken";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("FibreTrack.Workers"), std::string::npos);
  }
  EXPECT_THROW(archive_settings_from({{"FibreTrack", {{"LeaseSeconds", 0}}}}, "fibretrack"), Error);
  EXPECT_THROW(archive_settings_from({{"FibreTrack", {{"Backend", "opencl"}}}}, "fibretrack"), Error);
}

// Counts are whole numbers in range, refused by key: get<int>() of 1e30 converted a double that
// does not fit (undefined behaviour), and 2.5 workers read as 2.
TEST(ArchiveSettings, CountsOutOfRangeOrNotWholeAreRefusedWithTheKeyNamed) {
  const std::vector<std::pair<std::string, nlohmann::json>> wrong = {
      {"Workers", 1e30}, {"Workers", 2.5}, {"Workers", -1}, {"TimeoutSeconds", 0}, {"LeaseSeconds", -7e18},
      {"MaxAttempts", 1e10}};
  for (const auto& [key, value] : wrong) {
    try {
      archive_settings_from({{"FibreTrack", {{key, value}}}}, "fibretrack");
      ADD_FAILURE() << key << " = " << value.dump() << " was taken";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("FibreTrack." + key), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(archive_settings_from({{"FibreTrack", {{"Workers", 4e0}}}}, "fibretrack").workers, 4) << "4.0 is whole";
  EXPECT_THROW(archive_settings_from({{"HttpPort", 1e30}}, "fibretrack"), Error) << "the node's default name reads it";
  // Waited for through the clock's integer nanoseconds: 1e10 s would overflow them.
  EXPECT_THROW(archive_settings_from({{"FibreTrack", {{"PollSeconds", 1e10}}}}, "fibretrack"), Error);
  EXPECT_THROW(archive_settings_from({{"FibreTrack", {{"PollSeconds", 1e-300}}}}, "fibretrack"), Error) << "a busy loop";
  EXPECT_THROW(archive_settings_from({{"FibreTrack", {{"PollSeconds", 0}}}}, "fibretrack"), Error);
  EXPECT_EQ(archive_settings_from({{"FibreTrack", {{"PollSeconds", 0.5}}}}, "fibretrack").poll_s, 0.5);
}

}  // namespace
}  // namespace ft::archive
