#include "TestSupport.h"

#include "dcmtk/dcmdata/dctk.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ft::test {

int permissions_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return int(st.st_mode & 07777);
}

ScopedUmask::ScopedUmask(unsigned mask) : previous_(::umask(mode_t(mask))) {}
ScopedUmask::~ScopedUmask() { ::umask(mode_t(previous_)); }

TempDir::TempDir() {
  std::string pattern = (std::getenv("TMPDIR") ? std::string(std::getenv("TMPDIR")) : "/tmp") + "/fibretrack-test-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  if (!path_.empty()) std::system(("rm -rf '" + path_ + "'").c_str());
}

CommandResult run_command(const std::string& command_line) {
  TempDir dir;
  const std::string out_path = dir.file("out"), err_path = dir.file("err");
  CommandResult r;
  const int status = std::system((command_line + " >'" + out_path + "' 2>'" + err_path + "'").c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

bool program_available(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

std::string dciodvfy_errors(const std::string& path) {
  if (!program_available("dciodvfy")) return "";
  const CommandResult v = run_command("dciodvfy '" + path + "'");
  std::string errors;
  std::istringstream lines(v.out + v.err);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("Error", 0) == 0) errors += line + "\n";
  return errors;
}

namespace {
std::string uid_in(const std::string& file, const DcmTagKey& tag) {
  DcmFileFormat f;
  OFString uid;
  if (f.loadFile(file.c_str()).good()) f.getDataset()->findAndGetOFString(tag, uid);
  return uid.c_str();
}
}  // namespace

std::string sop_instance_uid_of(const std::string& file) { return uid_in(file, DCM_SOPInstanceUID); }
std::string study_instance_uid_of(const std::string& file) { return uid_in(file, DCM_StudyInstanceUID); }

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string shared_data_dir() { return FT_SHARED_DATA_DIR; }
std::string sample_data_dir() { return FT_SAMPLE_DATA_DIR; }
std::string cli_path() { return FT_CLI_PATH; }

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double ncc(const std::vector<float>& a, const std::vector<float>& b, const std::vector<unsigned char>* mask) {
  double sa = 0, sb = 0, n = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (mask && !(*mask)[i]) continue;
    sa += a[i];
    sb += b[i];
    n += 1;
  }
  if (n < 2) return 0.0;
  const double ma = sa / n, mb = sb / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (mask && !(*mask)[i]) continue;
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

std::vector<double> blurred_noise_field(int width, int height, double sigma_x, double sigma_y, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<double> v(std::size_t(width) * std::size_t(height));
  for (double& x : v) x = noise(rng);
  auto blur = [&](double sigma, bool along_x) {
    const int r = int(std::ceil(3 * sigma));
    std::vector<double> k(std::size_t(2 * r + 1));
    double sum = 0;
    for (int i = -r; i <= r; ++i) sum += k[std::size_t(i + r)] = std::exp(-0.5 * i * i / (sigma * sigma));
    std::vector<double> out(v.size(), 0.0);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        double acc = 0;
        for (int i = -r; i <= r; ++i) {
          const int xx = along_x ? std::clamp(x + i, 0, width - 1) : x, yy = along_x ? y : std::clamp(y + i, 0, height - 1);
          acc += k[std::size_t(i + r)] * v[std::size_t(yy) * std::size_t(width) + std::size_t(xx)];
        }
        out[std::size_t(y) * std::size_t(width) + std::size_t(x)] = acc / sum;
      }
    v = std::move(out);
  };
  blur(sigma_x, true);
  blur(sigma_y, false);
  double sd = 0;
  for (double x : v) sd += x * x;
  sd = std::sqrt(sd / double(v.size()));
  for (double& x : v) x /= sd;
  return v;
}

MotionRecord calibrated_motion_record(int width_px, int height_px, double mm_per_px) {
  MotionRecord m;
  m.region.bounds = {0, 0, width_px - 1, height_px - 1};
  m.region.units_x = m.region.units_y = PhysicalUnits::Centimetre;
  m.region.mm_per_px_x = m.region.mm_per_px_y = mm_per_px;
  m.mm_per_px_x = m.mm_per_px_y = mm_per_px;
  return m;
}

double time_scale() {
  const char* v = std::getenv("FT_TEST_TIME_SCALE");
  const double scale = v ? std::atof(v) : 1.0;
  return scale >= 1.0 ? scale : 1.0;
}

}  // namespace ft::test
