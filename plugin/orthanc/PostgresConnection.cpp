// SqlConnection on libpq. One connection, used under the queue's lock; a broken one (the
// server restarted, the network dropped) is re-opened once per statement before giving up.
#include <libpq-fe.h>

#include "SqlConnection.h"
#include "ft/core/Error.h"

namespace ft::archive {
namespace {

class PostgresConnection : public SqlConnection {
 public:
  explicit PostgresConnection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string why = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw Error(ErrorCode::Network, "PostgreSQL: cannot connect: " + why);
    }
    // "relation … already exists, skipping" from every node's start is not news.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  }
  ~PostgresConnection() override { PQfinish(conn_); }

  std::vector<SqlRow> query(const std::string& sql, const std::vector<std::string>& params) override {
    PGresult* r = run(sql, params);
    std::vector<SqlRow> rows(std::size_t(PQntuples(r)));
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (int c = 0; c < PQnfields(r); ++c) rows[i].push_back(PQgetvalue(r, int(i), c));
    PQclear(r);
    return rows;
  }

  int execute(const std::string& sql, const std::vector<std::string>& params) override {
    PGresult* r = run(sql, params);
    const std::string changed = PQcmdTuples(r);
    PQclear(r);
    return changed.empty() ? 0 : std::stoi(changed);
  }

  std::string now_s() const override { return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT)"; }
  std::string lock_skipping_locked() const override { return " FOR UPDATE SKIP LOCKED"; }

  void create_job_table() override {
    // Nodes starting together would race on CREATE … IF NOT EXISTS (it is not atomic in
    // PostgreSQL's catalogue): one transaction-level advisory lock orders them.
    execute("BEGIN", {});
    try {
      execute("SELECT pg_advisory_xact_lock(7415021)", {});
      execute("CREATE TABLE IF NOT EXISTS fibretrack_jobs (id BIGSERIAL PRIMARY KEY, sop_instance_uid TEXT NOT NULL, "
              "algorithm_version TEXT NOT NULL, instance_id TEXT NOT NULL, study_id TEXT NOT NULL, state TEXT NOT NULL, "
              "node TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, lease_until BIGINT, "
              "reason TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '', queued_at BIGINT NOT NULL, "
              "finished_at BIGINT, UNIQUE (sop_instance_uid, algorithm_version))", {});
      execute("CREATE INDEX IF NOT EXISTS fibretrack_jobs_by_state ON fibretrack_jobs (algorithm_version, state, id)", {});
      execute("CREATE INDEX IF NOT EXISTS fibretrack_jobs_by_study ON fibretrack_jobs (study_id)", {});
      execute("CREATE TABLE IF NOT EXISTS fibretrack_cursors (node TEXT PRIMARY KEY, seq BIGINT NOT NULL)", {});
      execute("COMMIT", {});
    } catch (...) {
      PQclear(PQexec(conn_, "ROLLBACK"));
      throw;
    }
  }

 private:
  PGresult* run(const std::string& sql, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    for (int tries = 0;; ++tries) {
      PGresult* r = PQexecParams(conn_, sql.c_str(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
      const ExecStatusType status = PQresultStatus(r);
      if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
      const std::string why = PQresultErrorMessage(r);
      PQclear(r);
      if (tries == 0 && PQstatus(conn_) == CONNECTION_BAD) {
        PQreset(conn_);
        continue;
      }
      throw Error(ErrorCode::Network, "PostgreSQL: " + why);
    }
  }

  PGconn* conn_;
};

}  // namespace

std::unique_ptr<SqlConnection> connect_postgres(const std::string& conninfo) {
  return std::make_unique<PostgresConnection>(conninfo);
}

}  // namespace ft::archive
