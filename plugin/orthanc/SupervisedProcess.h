#pragma once
// Runs a program as a child process and watches it: a heartbeat while it runs (the worker
// renews its lease), a time limit, and a stop request. A clip that crashes the analysis
// crashes only the child, never the archive it runs in. The child dies with the thread that
// started it (PR_SET_PDEATHSIG), so a killed node leaves no orphaned analysis behind: the
// calling thread must therefore outlive the child, as run_supervised() does by waiting for
// it. The child gets no file of the archive's, reads nothing, and runs at a lower priority.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace ft::archive {

struct ProcessOutcome {
  enum class Kind { Exited, Signalled, TimedOut, Stopped, Abandoned } kind = Kind::Exited;
  int code = 0;        // the exit status, or the signal
  std::string output;  // the child's stdout and stderr (the last MiB of them)
};

struct Supervision {
  int timeout_s = 600;
  double heartbeat_s = 10;
  // Called every heartbeat_s; false: the work is no longer ours, kill the child (Abandoned).
  std::function<bool()> heartbeat = [] { return true; };
  const std::atomic<bool>* stop = nullptr;  // set: kill the child (Stopped)
};

// argv[0] is the program's path. Throws ft::Error where the child cannot be started.
ProcessOutcome run_supervised(const std::vector<std::string>& argv, const std::string& output_path,
                              const Supervision& supervision);

// The last line of the output that says something ("fibretrack analyze: error: …").
std::string last_line(const std::string& output);

}  // namespace ft::archive
