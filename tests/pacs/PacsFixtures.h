#pragma once
// What the PACS tests send and compare: an exam folder (clip, measurement report,
// presentation state) and pixel comparison of two DICOM images frame by frame.
#include <set>
#include <string>

#include "TestSupport.h"
#include "ft/core/Clip.h"

namespace ft::test {

struct ExamOnDisk {
  std::string folder;
  std::string clip_file;
  std::string study_instance_uid;
  std::set<std::string> sop_instance_uids;  // clip, SR, presentation state
};

ExamOnDisk write_exam(const TempDir& dir, const std::string& folder, const std::string& patient_id);

// Largest luminance difference over all frames (frame counts and sizes must match; -1 if not).
int max_pixel_difference(const std::string& file_a, const std::string& file_b);

// The SOP Instance UID and transfer syntax UID of a file.
std::string transfer_syntax_of(const std::string& file);

// DCMTK's storescp on a free loopback port with `options`, writing into `output`; killed
// when this goes away. A peer that acknowledges C-STOREs and offers nothing else.
class StoreScpProcess {
 public:
  StoreScpProcess(const std::string& options, const std::string& output);
  ~StoreScpProcess();
  StoreScpProcess(const StoreScpProcess&) = delete;
  StoreScpProcess& operator=(const StoreScpProcess&) = delete;
  const int port;

 private:
  int pid_;
};

// In `dir`: a CA (ca.crt, ca.key) and the certificates and keys it signed: server.* (names
// 127.0.0.1 and localhost: a PACS on the loopback), client.* (ours, DNS:fibretrack) and
// elsewhere.* (for pacs.elsewhere.example: what an impostor with a trusted CA's certificate
// for another host presents); other.crt, a CA that signed nothing we use. Fails the test when
// openssl fails.
void make_test_certificates(const TempDir& dir);

// `fibretrack ARGS` with FIBRETRACK_CONFIG_DIR set to `config_dir` (never the user's settings).
CommandResult fibretrack_in(const std::string& config_dir, const std::string& args);

}  // namespace ft::test
