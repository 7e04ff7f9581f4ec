#include "OrthancPeer.h"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace ft::test {

std::string orthanc_program() {
  if (program_available("Orthanc")) return "Orthanc";
  return file_exists("/usr/sbin/Orthanc") ? "/usr/sbin/Orthanc" : "";
}

std::string orthanc_dicomweb_plugin() {
  const std::string path = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
  return file_exists(path) ? path : "";
}

namespace {
// Two ports asked for one after the other can be the same one (neither bound yet): Orthanc
// then failed to start its HTTP server on the DICOM port (seen under load in the suite).
int free_loopback_port_other_than(int taken) {
  int port = free_loopback_port();
  while (port == taken) port = free_loopback_port();
  return port;
}
}  // namespace

OrthancPeer::OrthancPeer(const TempDir& dir, bool start_now, OrthancOptions options)
    : dicom_port(free_loopback_port()),
      http_port(free_loopback_port_other_than(dicom_port)),
      dir_(dir),
      options_(std::move(options)) {
  if (start_now) start();
}

OrthancPeer::~OrthancPeer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 50 && ::kill(pid_, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(pid_, SIGKILL);
  }
}

void OrthancPeer::start() {
  nlohmann::json config{{"Name", "FibreTrack test PACS"},
                        {"StorageDirectory", dir_.file("storage")},
                        {"IndexDirectory", dir_.file("index")},
                        {"Plugins", nlohmann::json::array()},
                        {"DicomAet", "ORTHANC"},
                        {"DicomPort", dicom_port},
                        {"HttpPort", http_port},
                        {"RemoteAccessAllowed", false},
                        {"AuthenticationEnabled", false},
                        {"DicomCheckCalledAet", false},
                        {"DicomAlwaysAllowEcho", true},
                        {"DicomAlwaysAllowStore", true},
                        {"DicomModalities", {{"fibretrack", {"FIBRETRACK", "127.0.0.1", options_.our_retrieve_port}}}}};
  if (options_.dicomweb) {
    config["Plugins"] = {orthanc_dicomweb_plugin()};
    config["DicomWeb"] = {{"Enable", true}, {"Root", "/dicom-web/"}};
  }
  if (!options_.user.empty()) {
    config["AuthenticationEnabled"] = true;
    config["RegisteredUsers"] = {{options_.user, options_.password}};
  }
  if (!options_.accepted_transfer_syntaxes.empty()) config["AcceptedTransferSyntaxes"] = options_.accepted_transfer_syntaxes;
  config.update(options_.extra);
  std::ofstream(dir_.file("orthanc.json")) << config.dump(1);
  const CommandResult r =
      run_command(orthanc_program() + " " + (options_.verbose ? "--verbose " : "") + "'" + dir_.file("orthanc.json") + "' >'" + dir_.file("orthanc.log") + "' 2>&1 & echo $!");
  pid_ = pid_t(std::stol(r.out));
  for (int i = 0; i < 100 && !ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

void OrthancPeer::kill_now() {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
  for (int i = 0; i < 50 && pid_ > 0 && ::kill(pid_, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  pid_ = -1;
}

std::string OrthancPeer::credentials() const {
  return options_.user.empty() ? "" : "-u '" + options_.user + ":" + options_.password + "' ";
}

bool OrthancPeer::ready() const {
  return run_command("curl -sf " + credentials() + "http://127.0.0.1:" + std::to_string(http_port) + "/system").exit_code == 0;
}

nlohmann::json OrthancPeer::get(const std::string& path) const {
  return nlohmann::json::parse(run_command("curl -sf " + credentials() + "http://127.0.0.1:" + std::to_string(http_port) + path).out);
}

bool OrthancPeer::change(const std::string& method, const std::string& path, const nlohmann::json& body) const {
  const std::string data = body.is_null() ? "" : "--data '" + body.dump() + "' ";
  return run_command("curl -sf -X " + method + " " + data + credentials() + "http://127.0.0.1:" + std::to_string(http_port) + path)
             .exit_code == 0;
}

void OrthancPeer::download(const std::string& path, const std::string& to) const {
  run_command("curl -sf " + credentials() + "-o '" + to + "' http://127.0.0.1:" + std::to_string(http_port) + path);
}

std::string OrthancPeer::log() const { return read_file(dir_.file("orthanc.log")); }

}  // namespace ft::test
