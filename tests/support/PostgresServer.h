#pragma once
// A real PostgreSQL for the tests: a throw-away cluster (initdb) in a temporary folder,
// started on a free loopback port and stopped by its postmaster's PID. The server refuses
// to run as root, so as root it runs as the `postgres` user Debian's package created.
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>

namespace ft::test {

// Debian's PostgreSQL server programs (the newest installed), or "" where there are none.
std::string postgres_bin_dir();

class PostgresServer {
 public:
  PostgresServer();  // started; ok() says whether it came up
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  bool ok() const { return pid_ > 0; }
  std::string log() const;
  void create_database(const std::string& name) const;
  // libpq's connection string for one database.
  std::string conninfo(const std::string& database) const;
  // Orthanc's "PostgreSQL" section: the index of every node in one database.
  nlohmann::json orthanc_index(const std::string& database) const;
  // psql's answer to one statement, unaligned, without headers.
  std::string sql(const std::string& database, const std::string& statement) const;

  const int port;

 private:
  std::string as_server_user(const std::string& command) const;
  std::string dir_;
  pid_t pid_ = -1;
};

}  // namespace ft::test
