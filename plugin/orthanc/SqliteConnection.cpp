// SqlConnection on SQLite, for a single node. The queue's lock serialises the node's own
// threads; busy_timeout covers a second process opening the file (an administrator's sqlite3).
#include <sqlite3.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "SqlConnection.h"
#include "ft/core/Error.h"

namespace ft::archive {
namespace {

class SqliteConnection : public SqlConnection {
 public:
  explicit SqliteConnection(const std::string& path) {
    // Plugins start before Orthanc makes its storage folder, where the file goes by default.
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
    // Job rows name patients' clips: the owner only (made before SQLite opens it, as the
    // process's umask is shared with Orthanc's other threads).
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
    const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw Error(ErrorCode::Io, "the job database " + path + " cannot be opened: " + why);
    }
    sqlite3_busy_timeout(db_, 5000);
    execute("PRAGMA journal_mode = WAL", {});
    execute("PRAGMA synchronous = FULL", {});  // a job marked done survives a power loss
  }
  ~SqliteConnection() override { sqlite3_close(db_); }

  std::vector<SqlRow> query(const std::string& sql, const std::vector<std::string>& params) override {
    std::vector<SqlRow> rows;
    step_all(sql, params, &rows);
    return rows;
  }

  int execute(const std::string& sql, const std::vector<std::string>& params) override {
    step_all(sql, params, nullptr);
    return sqlite3_changes(db_);
  }

  std::string now_s() const override { return "CAST(strftime('%s', 'now') AS INTEGER)"; }
  std::string lock_skipping_locked() const override { return ""; }  // one writer at a time anyway

  void create_job_table() override {
    execute("CREATE TABLE IF NOT EXISTS fibretrack_jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "sop_instance_uid TEXT NOT NULL, algorithm_version TEXT NOT NULL, instance_id TEXT NOT NULL, "
            "study_id TEXT NOT NULL, state TEXT NOT NULL, node TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL "
            "DEFAULT 0, claim_seq INTEGER NOT NULL DEFAULT 0, lease_until INTEGER, reason TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '', "
            "queued_at INTEGER NOT NULL, finished_at INTEGER, UNIQUE (sop_instance_uid, algorithm_version))", {});
    for (const std::string& statement : shared_job_schema()) execute(statement, {});
  }

 private:
  void step_all(const std::string& sql, const std::vector<std::string>& params, std::vector<SqlRow>* rows) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) fail("prepare");
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int index = sqlite3_bind_parameter_index(stmt, ("$" + std::to_string(i + 1)).c_str());
      if (index > 0) sqlite3_bind_text(stmt, index, params[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (!rows) continue;
      SqlRow row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        const unsigned char* text = sqlite3_column_text(stmt, c);
        row.push_back(text ? reinterpret_cast<const char*>(text) : "");
      }
      rows->push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) fail("run");
  }

  [[noreturn]] void fail(const char* what) {
    throw Error(ErrorCode::Io, std::string("the job database: cannot ") + what + " a statement: " + sqlite3_errmsg(db_));
  }

  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<SqlConnection> open_sqlite(const std::string& path) { return std::make_unique<SqliteConnection>(path); }

}  // namespace ft::archive
