#pragma once
// Where a fuzz target writes the files its input becomes: $TMPDIR, which the run scripts point
// at a scratch folder of the run's own, removed with it (fuzz-common.sh), on the file system of
// the caller's $TMPDIR (scripts/fuzz chooses a tmpfs where there is one: a hunt measures parsing,
// and a sync to disk per input made the settings and outbox targets a tenth as fast); else /tmp.
// One name per process and file.
#include <unistd.h>

#include <cstdlib>
#include <string>

inline std::string fuzz_scratch(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/fibretrack-fuzz-" + std::to_string(::getpid()) + "-" + name;
}
