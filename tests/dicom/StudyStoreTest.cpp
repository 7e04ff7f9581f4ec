#include "ft/dicom/StudyStore.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipInfo.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {
namespace {

std::string write_clip(const test::TempDir& dir, const std::string& name, const std::string& patient_id, int seed) {
  dicom::ClipWriteOptions options;
  options.exam.patient_id = patient_id;
  options.exam.patient_name = "STORE^TEST";
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", seed, 2)).render_clip(), options, dir.file(name));
  return dir.file(name);
}

}  // namespace

TEST(StudyStore, ImportsIndexesAndListsStudiesSeriesAndInstances) {
  test::TempDir dir;
  const std::string a = write_clip(dir, "a.dcm", "PA", 1), b = write_clip(dir, "b.dcm", "PB", 2);
  dicom::StudyStore store(dir.file("store"));
  const dicom::StoredInstance stored = store.import_file(a);
  store.import_file(b);
  store.import_file(a);  // the same instance again replaces, never duplicates
  EXPECT_TRUE(test::file_exists(stored.path));
  EXPECT_NE(stored.path, a) << "a copy inside the store";
  const auto studies = store.studies();
  ASSERT_EQ(studies.size(), 2u);
  const dicom::DicomClipInfo info = dicom::read_clip_info(a);
  const auto series = store.series(info.study_instance_uid);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].modality, "US");
  const auto instances = store.instances(series[0].series_instance_uid);
  ASSERT_EQ(instances.size(), 1u);
  EXPECT_EQ(instances[0].sop_instance_uid, info.sop_instance_uid);
  EXPECT_EQ(instances[0].frames, 2);
  store.remove_study(info.study_instance_uid);
  EXPECT_EQ(store.studies().size(), 1u);
  EXPECT_FALSE(test::file_exists(stored.path));
}

// Patient data is for the workstation's user only, whatever the umask and the source file's mode.
TEST(StudyStore, PatientDataIsPrivateToItsOwner) {
  const test::ScopedUmask umask(022);
  test::TempDir dir;
  const std::string a = write_clip(dir, "a.dcm", "PA", 1);
  ::chmod(a.c_str(), 0644);
  dicom::StudyStore store(dir.file("store"));
  const dicom::StoredInstance stored = store.import_file(a);
  EXPECT_EQ(test::permissions_of(dir.file("store")), 0700);
  EXPECT_EQ(test::permissions_of(dir.file("store/index.sqlite")), 0600) << "patient names and IDs";
  EXPECT_EQ(test::permissions_of(stored.path), 0600);
}

// An object naming a stored study but another patient (a misconfigured or hostile peer)
// never renames the study: it is refused, and the study keeps its patient.
TEST(StudyStore, AnObjectOfAnotherPatientNeverTakesOverAStudy) {
  test::TempDir dir;
  const std::string a = write_clip(dir, "a.dcm", "PA", 1);
  dicom::StudyStore store(dir.file("store"));
  store.import_file(a);
  const std::string study = dicom::read_clip_info(a).study_instance_uid;
  // The same study UID, another patient.
  dicom::ClipWriteOptions options;
  options.exam.patient_id = "INTRUDER";
  options.exam.study_instance_uid = study;
  const std::string other = dir.file("other.dcm");
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 2, 2)).render_clip(), options, other);
  ASSERT_EQ(dicom::read_clip_info(other).study_instance_uid, study);
  try {
    store.import_file(other);
    FAIL() << "stored into another patient's study";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("differs"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("INTRUDER"), std::string::npos) << "no patient data in messages";
  }
  const auto studies = store.studies();
  ASSERT_EQ(studies.size(), 1u);
  EXPECT_EQ(studies[0].patient_id, "PA");
  EXPECT_EQ(studies[0].instances, 1);
}

TEST(StudyStore, ALostIndexIsRebuiltFromTheFiles) {
  test::TempDir dir;
  {
    dicom::StudyStore store(dir.file("store"));
    store.import_file(write_clip(dir, "a.dcm", "PA", 3));
    store.import_file(write_clip(dir, "b.dcm", "PA", 4));
  }
  for (const char* f : {"index.sqlite", "index.sqlite-wal", "index.sqlite-shm"}) std::filesystem::remove(dir.file("store/") + f);
  std::ofstream(dir.file("store/files/stray.dcm")) << "not DICOM";  // skipped, not fatal
  dicom::StudyStore store(dir.file("store"));
  EXPECT_TRUE(store.studies().empty());
  EXPECT_EQ(store.rebuild_index(), 2);
  EXPECT_EQ(store.studies().size(), 2u);
}

TEST(StudyStore, RefusesWhatIsNotDicomWithAClearError) {
  test::TempDir dir;
  std::ofstream(dir.file("notes.txt")) << "hello";
  dicom::StudyStore store(dir.file("store"));
  EXPECT_THROW(store.import_file(dir.file("notes.txt")), Error);
  EXPECT_THROW(store.import_file(dir.file("missing.dcm")), Error);
  EXPECT_TRUE(store.studies().empty());
}

}  // namespace ft

namespace ft {

// A UID that is not one ("..", ".") must not name a folder outside its own study.
TEST(StudyStore, UidsThatAreNotUidsCannotReachOtherStudies) {
  test::TempDir dir;
  dicom::StudyStore store(dir.file("store"));
  const dicom::StoredInstance kept = store.import_file(write_clip(dir, "a.dcm", "PA", 5));
  store.remove_study("..");
  store.remove_study(".");
  store.remove_study("");
  EXPECT_TRUE(test::file_exists(kept.path));
  EXPECT_EQ(store.studies().size(), 1u);
}

}  // namespace ft
