#include "ft/dicom/StudyStore.h"

#include "ft/core/DurableFiles.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "ft/core/Error.h"

namespace ft::dicom {
namespace fs = std::filesystem;
using namespace detail;

namespace {

constexpr char kSchema[] = R"(
PRAGMA journal_mode = WAL;
-- Each commit synced (in WAL mode NORMAL would let the last commits go with a power loss):
-- the index is only written after the file it points at was synced (ft/core/DurableFiles.h).
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS studies (
  study_uid TEXT PRIMARY KEY, patient_name TEXT, patient_id TEXT, study_date TEXT,
  description TEXT, accession TEXT);
CREATE TABLE IF NOT EXISTS series (
  series_uid TEXT PRIMARY KEY, study_uid TEXT NOT NULL REFERENCES studies(study_uid),
  modality TEXT, number TEXT, description TEXT);
CREATE TABLE IF NOT EXISTS instances (
  sop_uid TEXT PRIMARY KEY, series_uid TEXT NOT NULL REFERENCES series(series_uid),
  sop_class TEXT, path TEXT NOT NULL, frames INTEGER);
CREATE INDEX IF NOT EXISTS series_by_study ON series(study_uid);
CREATE INDEX IF NOT EXISTS instances_by_series ON instances(series_uid);
)";

// A UID as a folder or file name. Valid UIDs (digits and dots, at most 64 characters,
// starting with a digit) are used as they are; anything else — ".", "..", a path — becomes
// a hashed name, so that nothing lands outside files/ or removes more than one study.
std::string safe_name(const std::string& uid) {
  const bool valid = !uid.empty() && uid.size() <= 64 && std::isdigit(static_cast<unsigned char>(uid.front())) &&
                     uid.find("..") == std::string::npos && uid.back() != '.' &&
                     uid.find_first_not_of("0123456789.") == std::string::npos;
  if (valid) return uid;
  char buf[32];
  std::snprintf(buf, sizeof buf, "x%016zx", std::hash<std::string>{}(uid));
  return buf;
}

}  // namespace

// One prepared statement at a time: bind text parameters, step, read text/int columns.
struct StudyStore::Database {
  sqlite3* handle = nullptr;

  void exec(const std::string& sql) const {
    char* message = nullptr;
    if (sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string why = message ? message : "unknown";
      sqlite3_free(message);
      throw Error(ErrorCode::Io, "study store index: " + why);
    }
  }
  // Runs `sql` with `params`; calls `row` for each result row.
  template <typename Row>
  void query(const std::string& sql, const std::vector<std::string>& params, Row row) const {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      throw Error(ErrorCode::Io, std::string("study store index: ") + sqlite3_errmsg(handle));
    for (std::size_t i = 0; i < params.size(); ++i)
      sqlite3_bind_text(stmt, int(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) throw Error(ErrorCode::Io, std::string("study store index: ") + sqlite3_errmsg(handle));
  }
  void run(const std::string& sql, const std::vector<std::string>& params) const {
    query(sql, params, [](sqlite3_stmt*) {});
  }
  static std::string text(sqlite3_stmt* s, int column) {
    const unsigned char* t = sqlite3_column_text(s, column);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
};

StudyStore::StudyStore(const std::string& directory) : directory_(directory), db_(std::make_unique<Database>()) {
  try {
    create_directories_durably((fs::path(directory_) / "files").string(), FolderAccess::OwnerOnly);  // patient data
  } catch (const Error& e) {
    throw Error(ErrorCode::Io, "cannot create study store " + directory_ + ": " + e.what());
  }
  const std::string index = (fs::path(directory_) / "index.sqlite").string();
  // Patient names and IDs: created private, so that SQLite's WAL and shared-memory files,
  // which take the database's permissions, are private too.
  if (const int fd = ::open(index.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
  restrict_to_owner(index);
  if (sqlite3_open(index.c_str(), &db_->handle) != SQLITE_OK) {
    const std::string why = db_->handle ? sqlite3_errmsg(db_->handle) : "out of memory";
    sqlite3_close(db_->handle);
    throw Error(ErrorCode::Io, "cannot open study store index " + index + ": " + why);
  }
  sqlite3_busy_timeout(db_->handle, 5000);  // the station and a CLI may share the store
  db_->exec(kSchema);
}

StudyStore::~StudyStore() { sqlite3_close(db_->handle); }

// A study is one patient's: an object that names the study of another patient (a
// misconfigured or hostile peer, a reused UID) must not rename the study in the index. Who
// the patients are stays out of the message (it reaches logs).
void StudyStore::refuse_other_patient(const std::string& study_uid, const std::string& patient_id,
                                      const std::string& patient_name, const std::string& path) const {
  bool differs = false;
  db_->query("SELECT patient_id, patient_name FROM studies WHERE study_uid = ?", {study_uid}, [&](sqlite3_stmt* s) {
    differs = Database::text(s, 0) != patient_id || Database::text(s, 1) != patient_name;
  });
  if (differs)
    throw Error(ErrorCode::CorruptData, path + ": its Patient ID or name differs from those of study " + study_uid +
                                            " already in the store; not stored (if the patient was corrected at the "
                                            "PACS, remove the study from the store and retrieve it again)");
}

StoredInstance StudyStore::import_file(const std::string& path) {
  DicomFileLoader loader(path);
  DcmDataset& ds = loader.dataset();
  StoredInstance instance;
  instance.sop_instance_uid = get_string(ds, DCM_SOPInstanceUID);
  instance.series_instance_uid = get_string(ds, DCM_SeriesInstanceUID);
  instance.sop_class_uid = get_string(ds, DCM_SOPClassUID);
  instance.frames = int(get_long(ds, DCM_NumberOfFrames, 1));
  const std::string study_uid = get_string(ds, DCM_StudyInstanceUID);
  if (instance.sop_instance_uid.empty() || instance.series_instance_uid.empty() || study_uid.empty())
    throw Error(ErrorCode::CorruptData, path + ": no study, series or instance UID; not stored");
  refuse_other_patient(study_uid, get_string(ds, DCM_PatientID), get_string(ds, DCM_PatientName), path);
  const fs::path folder = fs::path(directory_) / "files" / safe_name(study_uid) / safe_name(instance.series_instance_uid);
  const fs::path target = folder / (safe_name(instance.sop_instance_uid) + ".dcm");
  instance.path = target.string();
  std::error_code ec;
  create_directories_durably(folder.string(), FolderAccess::OwnerOnly);  // a new study's folder: its entry synced too
  if (fs::weakly_canonical(path, ec) != fs::weakly_canonical(target, ec)) {
    const fs::path partial = target.string() + ".partial";
    fs::copy_file(path, partial, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      std::error_code ignored;
      fs::remove(partial, ignored);
      throw Error(ErrorCode::Io, "cannot store " + path + ": " + ec.message());
    }
    try {  // on disk before the index (committed durably by SQLite) points at it
      restrict_to_owner(partial.string());
      replace_durably(partial.string(), target.string());
    } catch (const Error& e) {
      fs::remove(partial, ec);
      throw Error(ErrorCode::Io, "cannot store " + path + ": " + e.what());
    }
  }
  // A savepoint: a transaction of its own, or a step of rebuild_index's.
  db_->exec("SAVEPOINT import");
  try {
    db_->run("INSERT OR REPLACE INTO studies VALUES (?,?,?,?,?,?)",
             {study_uid, get_string(ds, DCM_PatientName), get_string(ds, DCM_PatientID), get_string(ds, DCM_StudyDate),
              get_string(ds, DCM_StudyDescription), get_string(ds, DCM_AccessionNumber)});
    db_->run("INSERT OR REPLACE INTO series VALUES (?,?,?,?,?)",
             {instance.series_instance_uid, study_uid, get_string(ds, DCM_Modality), get_string(ds, DCM_SeriesNumber),
              get_string(ds, DCM_SeriesDescription)});
    db_->run("INSERT OR REPLACE INTO instances VALUES (?,?,?,?,?)",
             {instance.sop_instance_uid, instance.series_instance_uid, instance.sop_class_uid, instance.path,
              std::to_string(instance.frames)});
    db_->exec("RELEASE import");
  } catch (...) {
    db_->exec("ROLLBACK TO import; RELEASE import");
    throw;
  }
  return instance;
}

std::vector<StoredStudy> StudyStore::studies() const {
  std::vector<StoredStudy> out;
  db_->query(
      "SELECT s.study_uid, patient_name, patient_id, study_date, s.description, accession,"
      " (SELECT COUNT(*) FROM series r WHERE r.study_uid = s.study_uid),"
      " (SELECT COUNT(*) FROM instances i JOIN series r ON i.series_uid = r.series_uid WHERE r.study_uid = s.study_uid)"
      " FROM studies s ORDER BY study_date DESC, patient_name",
      {}, [&](sqlite3_stmt* s) {
        out.push_back({Database::text(s, 0), Database::text(s, 1), Database::text(s, 2), Database::text(s, 3),
                       Database::text(s, 4), Database::text(s, 5), sqlite3_column_int(s, 6), sqlite3_column_int(s, 7)});
      });
  return out;
}

std::vector<StoredSeries> StudyStore::series(const std::string& study_uid) const {
  std::vector<StoredSeries> out;
  db_->query(
      "SELECT series_uid, study_uid, modality, number, description,"
      " (SELECT COUNT(*) FROM instances i WHERE i.series_uid = r.series_uid)"
      " FROM series r WHERE study_uid = ? ORDER BY CAST(number AS INTEGER)",
      {study_uid}, [&](sqlite3_stmt* s) {
        out.push_back({Database::text(s, 0), Database::text(s, 1), Database::text(s, 2), Database::text(s, 3),
                       Database::text(s, 4), sqlite3_column_int(s, 5)});
      });
  return out;
}

std::vector<StoredInstance> StudyStore::instances(const std::string& series_uid) const {
  std::vector<StoredInstance> out;
  db_->query("SELECT sop_uid, series_uid, sop_class, path, frames FROM instances WHERE series_uid = ? ORDER BY path",
             {series_uid}, [&](sqlite3_stmt* s) {
               out.push_back({Database::text(s, 0), Database::text(s, 1), Database::text(s, 2), Database::text(s, 3),
                              sqlite3_column_int(s, 4)});
             });
  return out;
}

void StudyStore::remove_study(const std::string& study_uid) {
  // Index first: a crash in between leaves unindexed files, never rows without files.
  db_->exec("BEGIN");
  try {
    db_->run("DELETE FROM instances WHERE series_uid IN (SELECT series_uid FROM series WHERE study_uid = ?)", {study_uid});
    db_->run("DELETE FROM series WHERE study_uid = ?", {study_uid});
    db_->run("DELETE FROM studies WHERE study_uid = ?", {study_uid});
    db_->exec("COMMIT");
  } catch (...) {
    db_->exec("ROLLBACK");
    throw;
  }
  std::error_code ec;
  fs::remove_all(fs::path(directory_) / "files" / safe_name(study_uid), ec);
}

int StudyStore::rebuild_index() {
  // One transaction: a crash half-way leaves the old index, never an empty one.
  db_->exec("BEGIN");
  int count = 0;
  try {
    db_->exec("DELETE FROM instances; DELETE FROM series; DELETE FROM studies;");
    for (const auto& e : fs::recursive_directory_iterator(fs::path(directory_) / "files")) {
      if (!e.is_regular_file() || e.path().extension() != ".dcm") continue;
      try {
        import_file(e.path().string());
        ++count;
      } catch (const Error&) {
        continue;  // not DICOM or damaged: left where it is, not indexed
      }
    }
    db_->exec("COMMIT");
  } catch (...) {
    db_->exec("ROLLBACK");
    throw;
  }
  return count;
}

}  // namespace ft::dicom
