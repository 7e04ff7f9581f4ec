#pragma once
// The local study store: DICOM files retrieved from a PACS (or imported) kept under one
// folder, files/<study>/<series>/<instance>.dcm, with an SQLite index of patients,
// studies, series and instances that the viewer browses. A file is in place before its
// index row is written, so a crash leaves at most an unindexed file, which
// rebuild_index() picks up; the index never points at a missing file.
// One StudyStore per thread (it holds one SQLite connection).
#include <memory>
#include <string>
#include <vector>

namespace ft::dicom {

struct StoredStudy {
  std::string study_instance_uid;
  std::string patient_name;
  std::string patient_id;
  std::string study_date;
  std::string study_description;
  std::string accession_number;
  int series = 0;
  int instances = 0;
};

struct StoredSeries {
  std::string series_instance_uid;
  std::string study_instance_uid;
  std::string modality;
  std::string series_number;
  std::string series_description;
  int instances = 0;
};

struct StoredInstance {
  std::string sop_instance_uid;
  std::string series_instance_uid;
  std::string sop_class_uid;
  std::string path;
  int frames = 1;
};

class StudyStore {
 public:
  // Opens (creating when needed) the store in `directory`. Throws ft::Error(Io).
  explicit StudyStore(const std::string& directory);
  ~StudyStore();
  StudyStore(const StudyStore&) = delete;
  StudyStore& operator=(const StudyStore&) = delete;

  const std::string& directory() const { return directory_; }

  // Copies a DICOM file into the store and indexes it; the same SOP Instance UID again
  // replaces the earlier copy. Throws ft::Error (not DICOM, no UIDs, disk full).
  StoredInstance import_file(const std::string& path);
  std::vector<StoredStudy> studies() const;
  std::vector<StoredSeries> series(const std::string& study_instance_uid) const;
  std::vector<StoredInstance> instances(const std::string& series_instance_uid) const;
  void remove_study(const std::string& study_instance_uid);
  // Re-indexes every file under files/ from its own tags; returns how many.
  int rebuild_index();

 private:
  struct Database;
  void refuse_other_patient(const std::string& study_uid, const std::string& patient_id, const std::string& patient_name,
                            const std::string& path) const;
  std::string directory_;
  std::unique_ptr<Database> db_;
};

}  // namespace ft::dicom
