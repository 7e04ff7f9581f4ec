#pragma once
// A modality worklist for the tests: DCMTK's wlmscpfs serving entries the test writes,
// on a free loopback port, stopped by PID.
#include <sys/types.h>

#include <string>

#include "TestSupport.h"

namespace ft::test {

struct WorklistEntry {
  std::string patient_name;
  std::string patient_id;
  std::string accession;
  std::string study_uid;
  std::string modality = "US";
};

class WorklistPeer {
 public:
  explicit WorklistPeer(const TempDir& dir);  // writes no entries yet
  ~WorklistPeer();
  void add(const WorklistEntry& entry);       // before start()
  void start();
  std::string node() const { return "WLM@127.0.0.1:" + std::to_string(port); }
  const int port;

 private:
  const TempDir& dir_;
  int entries_ = 0;
  pid_t pid_ = -1;
};

}  // namespace ft::test
