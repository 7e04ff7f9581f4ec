#pragma once
// Helpers shared by the tests: temporary folders, running commands, test data paths.
#include <string>
#include <vector>

#include "ft/core/Frame.h"
#include "ft/core/MotionRecord.h"

namespace ft::test {

// The permission bits of a file or folder (e.g. 0600), -1 when it does not exist.
int permissions_of(const std::string& path);

// The process's umask set to `mask` for the scope (a test of files' modes must not pass only
// because the machine's umask is strict). Tests run one at a time in their process.
class ScopedUmask {
 public:
  explicit ScopedUmask(unsigned mask);
  ~ScopedUmask();
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  unsigned previous_;
};

// A fresh folder under the system temp dir, removed with everything in it on scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a shell command line; captures stdout and stderr.
CommandResult run_command(const std::string& command_line);
bool program_available(const std::string& name);
// The lines of dciodvfy's report (dicom3tools, the independent validator) on a DICOM file that
// are errors (IOD violations; its warnings are not); empty when there are none, or when it is
// not installed.
std::string dciodvfy_errors(const std::string& path);
// A DICOM file's SOP Instance UID and Study Instance UID ("" where it cannot be read).
std::string sop_instance_uid_of(const std::string& file);
std::string study_instance_uid_of(const std::string& file);
// A TCP port on 127.0.0.1 that was free a moment ago (for servers the tests start).
int free_loopback_port();
std::string shared_data_dir();
std::string sample_data_dir();
std::string cli_path();
bool file_exists(const std::string& path);
std::string read_file(const std::string& path);
// How much longer than usual waits for servers and threads may take: FT_TEST_TIME_SCALE (1 when
// unset; scripts/sanitize sets it, TSan runs everything several times slower).
double time_scale();

// An empty motion record over a width x height px region calibrated at mm_per_px (both axes),
// for constructed displacement fields.
MotionRecord calibrated_motion_record(int width_px, int height_px, double mm_per_px);

// White noise (std::mt19937 normal, `seed`) blurred along x by sigma_x and along y by sigma_y px
// (separable Gaussian, edges clamped), scaled to unit RMS; row-major width x height. Its
// autocorrelation falls to one half at 1.67 sigma along each axis: texture of known grain.
std::vector<double> blurred_noise_field(int width, int height, double sigma_x, double sigma_y, unsigned seed);

// Normalised cross-correlation of two equally sized float images over a mask (nullptr: all).
double ncc(const std::vector<float>& a, const std::vector<float>& b, const std::vector<unsigned char>* mask = nullptr);

}  // namespace ft::test
