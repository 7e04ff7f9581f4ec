#pragma once
// A real PACS for the tests: Orthanc, started on free loopback ports with a temporary
// configuration and stopped by PID. Options add the DICOMweb plugin, our C-MOVE
// destination, and a restricted set of accepted transfer syntaxes.
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "TestSupport.h"

namespace ft::test {

struct OrthancOptions {
  bool dicomweb = false;
  int our_retrieve_port = 11112;                        // where Orthanc sends a C-MOVE for FIBRETRACK
  std::vector<std::string> accepted_transfer_syntaxes;  // empty: Orthanc's default (all)
  nlohmann::json extra = nlohmann::json::object();      // more configuration keys, as Orthanc names them
  std::string user, password;                           // non-empty: HTTP (REST, DICOMweb) needs them
  bool verbose = false;                                 // Orthanc's info lines in its log too
};

class OrthancPeer {
 public:
  explicit OrthancPeer(const TempDir& dir, bool start_now = true, OrthancOptions options = {});
  ~OrthancPeer();
  OrthancPeer(const OrthancPeer&) = delete;
  OrthancPeer& operator=(const OrthancPeer&) = delete;

  void start();
  // A crash, not a shutdown: an object Orthanc has acknowledged is stored; nothing else is.
  void kill_now();
  bool ready() const;
  bool running() const { return pid_ > 0; }
  nlohmann::json get(const std::string& path) const;
  void download(const std::string& path, const std::string& to) const;
  // A REST call that changes something (DELETE an instance, PUT a modality); whether it succeeded.
  bool change(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr) const;
  std::string node() const { return "ORTHANC@127.0.0.1:" + std::to_string(dicom_port); }
  std::string dicomweb_url() const { return "http://127.0.0.1:" + std::to_string(http_port) + "/dicom-web"; }
  std::string log() const;

  const int dicom_port;
  const int http_port;

 private:
  std::string credentials() const;  // curl's -u for an Orthanc with users, or nothing
  const TempDir& dir_;
  OrthancOptions options_;
  pid_t pid_ = -1;
};

// Orthanc's program: on the PATH, or where Debian puts it (/usr/sbin, which is not on a
// user's PATH: as a user the PACS tests would otherwise skip); "" where it is not installed.
std::string orthanc_program();

// Whether Debian's DICOMweb plugin for Orthanc is installed.
std::string orthanc_dicomweb_plugin();

}  // namespace ft::test
