#include "SupervisedProcess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "ft/core/Error.h"

namespace ft::archive {
namespace {

using Clock = std::chrono::steady_clock;

std::string tail_of(const std::string& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream all;
  all << in.rdbuf();
  const std::string s = all.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

pid_t start_child(const std::vector<std::string>& argv, int output_fd) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec: the archive has many threads.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    const int no_input = ::open("/dev/null", O_RDONLY);
    if (no_input >= 0) ::dup2(no_input, 0);
    ::dup2(output_fd, 1);
    ::dup2(output_fd, 2);
    if (::close_range(3, ~0U, 0) != 0)  // none of the archive's files or sockets
      for (int fd = 3; fd < 4096; ++fd) ::close(fd);  // kernels before 5.9
    ::setpriority(PRIO_PROCESS, 0, 10);  // storing and serving images come first
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

std::string last_line(const std::string& output) {
  std::istringstream in(output);
  std::string line, last;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last;
}

ProcessOutcome run_supervised(const std::vector<std::string>& argv, const std::string& output_path,
                              const Supervision& supervision) {
  if (::access(argv.at(0).c_str(), X_OK) != 0)
    throw Error(ErrorCode::NotFound, argv[0] + " cannot be run: " + std::strerror(errno));
  const int fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorCode::Io, "cannot write " + output_path + ": " + std::strerror(errno));
  const pid_t pid = start_child(argv, fd);
  ::close(fd);
  if (pid < 0) throw Error(ErrorCode::Internal, std::string("cannot start a process: ") + std::strerror(errno));

  ProcessOutcome outcome;
  const auto deadline = Clock::now() + std::chrono::seconds(supervision.timeout_s);
  auto next_beat = Clock::now() + std::chrono::duration<double>(supervision.heartbeat_s);
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done < 0 && errno != EINTR) {  // reaped elsewhere (SIGCHLD ignored): its status is lost
      outcome.kind = ProcessOutcome::Kind::Exited;
      outcome.code = -1;
      break;
    }
    if (done == pid) {
      outcome.kind = WIFEXITED(status) ? ProcessOutcome::Kind::Exited : ProcessOutcome::Kind::Signalled;
      outcome.code = WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status);
      break;
    }
    const bool stopping = supervision.stop && supervision.stop->load();
    const bool late = Clock::now() > deadline;
    bool lost = false;
    if (!stopping && !late && Clock::now() >= next_beat) {
      lost = !supervision.heartbeat();
      next_beat = Clock::now() + std::chrono::duration<double>(supervision.heartbeat_s);
    }
    if (stopping || late || lost) {
      kill_and_reap(pid);
      outcome.kind = stopping ? ProcessOutcome::Kind::Stopped
                     : late   ? ProcessOutcome::Kind::TimedOut
                              : ProcessOutcome::Kind::Abandoned;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  outcome.output = tail_of(output_path, std::size_t(1) << 20);
  return outcome;
}

}  // namespace ft::archive
