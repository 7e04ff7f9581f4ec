#pragma once
// What the analysis needs of the archive it serves: read a clip, store what the analysis
// wrote, and say what happened where the archive's administrator looks (Orthanc's log).
// OrthancArchive implements it on the plugin SDK; tests may use a folder.
#include <cstdint>
#include <string>
#include <vector>

#include "ClipSelection.h"

namespace ft::archive {

// A page of the archive's change log (Orthanc's /changes), oldest first.
struct ArchiveChange {
  std::int64_t seq = 0;
  std::string type;      // NewSeries, StableSeries, …
  std::string resource;  // the series' (or other resource's) ID
};
struct ChangesPage {
  std::vector<ArchiveChange> changes;
  std::int64_t last = 0;  // the newest seq read
  bool done = true;       // no more after this page
};

struct ArchivedSeries {
  std::string id, study_id, modality;
  std::vector<std::string> instance_ids;
};

class Archive {
 public:
  virtual ~Archive() = default;
  // A series and one of its objects as the archive indexed them. Throws ft::Error
  // (NotFound: deleted meanwhile).
  virtual ArchivedSeries series(const std::string& series_id) = 0;
  virtual ArchivedObject object(const ArchivedSeries& series, const std::string& instance_id) = 0;
  virtual ChangesPage changes_since(std::int64_t seq, int limit) = 0;
  virtual std::int64_t last_change() = 0;
  virtual std::vector<std::string> study_series(const std::string& study_id) = 0;
  // The clip's DICOM file written to `path`. Throws ft::Error (NotFound: deleted meanwhile).
  virtual void save_dicom(const std::string& instance_id, const std::string& path) = 0;
  // Stores a DICOM file; returns the archive's ID of the stored object. Throws ft::Error.
  virtual std::string store_dicom(const std::string& path) = 0;
  virtual void remove(const std::string& instance_id) = 0;  // throws ft::Error
  virtual void log_info(const std::string& message) = 0;
  virtual void log_warning(const std::string& message) = 0;
  virtual void log_error(const std::string& message) = 0;
};

}  // namespace ft::archive
