// SqlConnection on libpq. One connection, used under the queue's lock; a broken one (the
// server restarted, the network dropped) is re-opened once per statement before giving up.
#include <libpq-fe.h>

#include "SqlConnection.h"
#include "ft/core/Error.h"

namespace ft::archive {
namespace {

class PostgresConnection : public SqlConnection {
 public:
  explicit PostgresConnection(const std::string& conninfo) : conn_(connect(conninfo)) {
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

  // Whole seconds, cut down as SQLite's are (a cast would round half up).
  std::string now_s() const override { return "CAST(FLOOR(EXTRACT(EPOCH FROM clock_timestamp())) AS BIGINT)"; }
  std::string lock_skipping_locked() const override { return " FOR UPDATE SKIP LOCKED"; }

  void create_job_table() override {
    // Nodes starting together would race on CREATE … IF NOT EXISTS (it is not atomic in
    // PostgreSQL's catalogue): one transaction-level advisory lock orders them.
    execute("BEGIN", {});
    try {
      execute("SELECT pg_advisory_xact_lock(7415021)", {});
      execute("CREATE TABLE IF NOT EXISTS fibretrack_jobs (id BIGSERIAL PRIMARY KEY, sop_instance_uid TEXT NOT NULL, "
              "algorithm_version TEXT NOT NULL, instance_id TEXT NOT NULL, study_id TEXT NOT NULL, state TEXT NOT NULL, "
              "node TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, "
              "claim_seq BIGINT NOT NULL DEFAULT 0, lease_until BIGINT, "
              "reason TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '', queued_at BIGINT NOT NULL, "
              "finished_at BIGINT, UNIQUE (sop_instance_uid, algorithm_version))", {});
      for (const std::string& statement : shared_job_schema()) execute(statement, {});
      execute("COMMIT", {});
    } catch (...) {
      PQclear(PQexec(conn_, "ROLLBACK"));
      throw;
    }
  }

 private:
  // A server that does not answer must not hold a worker, a REST call or Orthanc's
  // shutdown: connecting, each statement and each lock wait are bounded, and keepalives and
  // the TCP user timeout notice a peer that went away within about 30 s. These are
  // defaults: the administrator's connection string (key=value pairs or a URI, expanded
  // from dbname, which comes last) overrides any of them.
  static PGconn* connect(const std::string& conninfo) {
    const char* keys[] = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                          "keepalives_count", "tcp_user_timeout", "options", "dbname", nullptr};
    const char* values[] = {"10", "1", "10", "5", "3", "30000",
                            "-c statement_timeout=30000 -c lock_timeout=10000", conninfo.c_str(), nullptr};
    return PQconnectdbParams(keys, values, 1);
  }

  // A connection found broken before a statement is re-opened; a statement that failed is
  // never sent again, as it may have run (a claim whose answer was lost must not run twice).
  PGresult* run(const std::string& sql, const std::vector<std::string>& params) {
    if (PQstatus(conn_) == CONNECTION_BAD) PQreset(conn_);
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PGresult* r = PQexecParams(conn_, sql.c_str(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    const ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
    const std::string why = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    PQclear(r);
    throw Error(ErrorCode::Network, "PostgreSQL: " + why);
  }

  PGconn* conn_;
};

}  // namespace

void check_postgres_conninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options) {
    PQconninfoFree(options);
    return;
  }
  const std::string why = error ? error : "out of memory";
  PQfreemem(error);
  throw Error(ErrorCode::InvalidArgument, "the PostgreSQL connection settings cannot be read: " + why);
}

std::unique_ptr<SqlConnection> connect_postgres(const std::string& conninfo) {
  return std::make_unique<PostgresConnection>(conninfo);
}

}  // namespace ft::archive
