#include "PostgresServer.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "TestSupport.h"

namespace ft::test {

std::string postgres_bin_dir() {  // the newest installed (Debian 12: 15)
  std::string dir = run_command("ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1").out;
  dir.erase(dir.find_last_not_of("\n") + 1);
  return !dir.empty() && file_exists(dir + "/initdb") && file_exists(dir + "/postgres") ? dir : "";
}

PostgresServer::PostgresServer() : port(free_loopback_port()) {
  if (postgres_bin_dir().empty()) return;
  char templ[] = "/tmp/fibretrack-pg-XXXXXX";
  dir_ = ::mkdtemp(templ);
  if (::geteuid() == 0) run_command("chown postgres '" + dir_ + "'");
  const std::string bin = postgres_bin_dir();
  if (run_command(as_server_user(bin + "/initdb -D '" + dir_ + "/data' -A trust -U ft --no-sync >'" + dir_ +
                                 "/initdb.log' 2>&1")).exit_code != 0)
    return;
  const CommandResult r = run_command(as_server_user(
      bin + "/postgres -D '" + dir_ + "/data' -p " + std::to_string(port) + " -k '" + dir_ +
      "' -c listen_addresses=127.0.0.1 -c fsync=off >'" + dir_ + "/server.log' 2>&1 & echo $!"));
  // As root the shell runs under runuser, whose child is the postmaster: its PID file says which.
  for (int i = 0; i < 100; ++i) {
    std::ifstream pid_file(dir_ + "/data/postmaster.pid");
    long pid = 0;
    if (pid_file >> pid && pid > 0 &&
        run_command(bin + "/pg_isready -q -h 127.0.0.1 -p " + std::to_string(port)).exit_code == 0) {
      pid_ = pid_t(pid);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  (void)r;
}

PostgresServer::~PostgresServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGINT);  // "fast" shutdown
    for (int i = 0; i < 100 && ::kill(pid_, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::kill(pid_, SIGKILL);
  }
  if (!dir_.empty()) run_command("rm -rf '" + dir_ + "'");
}

std::string PostgresServer::as_server_user(const std::string& command) const {
  if (::geteuid() != 0) return command;
  std::string quoted;
  for (char c : command) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return "runuser -u postgres -- sh -c '" + quoted + "'";
}

std::string PostgresServer::log() const { return read_file(dir_ + "/server.log"); }

void PostgresServer::create_database(const std::string& name) const { sql("postgres", "CREATE DATABASE " + name); }

std::string PostgresServer::conninfo(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port) + " dbname=" + database + " user=ft";
}

nlohmann::json PostgresServer::orthanc_index(const std::string& database) const {
  return {{"EnableIndex", true}, {"EnableStorage", false}, {"Host", "127.0.0.1"}, {"Port", port},
          {"Database", database}, {"Username", "ft"}, {"Password", ""}, {"Lock", false}};
}

std::string PostgresServer::sql(const std::string& database, const std::string& statement) const {
  std::string quoted;
  for (char c : statement) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return run_command(postgres_bin_dir() + "/psql -X -q -A -t -h 127.0.0.1 -p " + std::to_string(port) + " -U ft -d " + database + " -c '" +
                     quoted + "'").out;
}

}  // namespace ft::test
