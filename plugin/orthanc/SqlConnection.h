#pragma once
// The little of a SQL database the job queue needs, for PostgreSQL (a cluster's coordinator)
// and SQLite (one node). Parameters are text, written $1, $2 … in both (SQLite reads them
// as named parameters). Times are whole seconds since 1970, so both can compare them.
#include <memory>
#include <string>
#include <vector>

namespace ft::archive {

using SqlRow = std::vector<std::string>;  // NULL reads as ""

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // Rows of a statement that returns some (SELECT, … RETURNING).
  virtual std::vector<SqlRow> query(const std::string& sql, const std::vector<std::string>& params) = 0;
  // Rows changed by a statement that returns none.
  virtual int execute(const std::string& sql, const std::vector<std::string>& params) = 0;
  // The dialect's pieces: the database's clock in epoch seconds (one clock for every
  // node: leases never compare two machines' clocks), a row lock that lets other
  // claimers pass it, and the job table as this database writes it.
  virtual std::string now_s() const = 0;
  virtual std::string lock_skipping_locked() const = 0;
  virtual void create_job_table() = 0;
};

// The job table's indexes and the nodes' change-log cursors: the same SQL in both databases,
// run by create_job_table() after the dialect's own CREATE TABLE.
const std::vector<std::string>& shared_job_schema();

// libpq's connection string ("host=127.0.0.1 port=5432 dbname=orthanc user=…").
std::unique_ptr<SqlConnection> connect_postgres(const std::string& conninfo);
// Throws ft::Error (InvalidArgument) where libpq cannot parse the connection string: a
// configuration mistake, said at start rather than retried as if the server were away.
void check_postgres_conninfo(const std::string& conninfo);
// A file, made 0600 where it does not exist.
std::unique_ptr<SqlConnection> open_sqlite(const std::string& path);

}  // namespace ft::archive
