// Sending to peers that constrain how: a PACS that accepts only uncompressed transfer
// syntaxes (the objects are decompressed and arrive with the same pixels), DICOM TLS
// against DCMTK's storescp with certificates made here, and patient data kept out of the
// diagnostic log.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "OrthancPeer.h"
#include "PacsFixtures.h"
#include "TestSupport.h"

namespace ft {
namespace {

constexpr char kExplicitLittle[] = "1.2.840.10008.1.2.1";
constexpr char kImplicitLittle[] = "1.2.840.10008.1.2";

void write_tls_settings(const std::string& config, const std::string& trusted, bool verify_peer = true) {
  std::filesystem::create_directories(config);
  std::ofstream(config + "/settings.json") << nlohmann::json{{"tls",
                                                              {{"certificate", "../client.crt"},
                                                               {"private_key", "../client.key"},
                                                               {"trusted", {trusted}},
                                                               {"verify_peer", verify_peer}}}}
                                                  .dump(1);
}

int files_in(const std::string& folder) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(folder)) n += e.is_regular_file();
  return n;
}

}  // namespace

// JPEG baseline (colour, YBR), RLE and JPEG 2000 files from real scanners, sent to a PACS
// that takes uncompressed data only.
TEST(Transcoding, APacsThatRefusesCompressedSyntaxesGetsTheObjectsDecompressed) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed";
  test::TempDir dir;
  test::OrthancOptions options;
  options.accepted_transfer_syntaxes = {kExplicitLittle, kImplicitLittle};
  test::OrthancPeer pacs(dir, true, options);
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  const std::vector<std::string> originals{test::shared_data_dir() + "/examples_ybr_color.dcm",
                                           test::shared_data_dir() + "/OBXXXX1A_rle_2frame.dcm",
                                           test::shared_data_dir() + "/US1_J2KR.dcm"};
  for (const std::string& original : originals) {
    if (!test::file_exists(original)) GTEST_SKIP() << original << " missing (../shared/data)";
    const test::CommandResult sent =
        test::fibretrack_in(dir.file("config"), "send '" + original + "' --to " + pacs.node() + " --outbox '" + dir.file("outbox") + "'");
    ASSERT_EQ(sent.exit_code, 0) << original << ": " << sent.out << sent.err;
  }
  const nlohmann::json instances = pacs.get("/instances");
  ASSERT_EQ(instances.size(), originals.size());
  int checked = 0;
  for (const auto& id : instances) {
    const std::string back = dir.file("back-" + id.get<std::string>() + ".dcm");
    pacs.download("/instances/" + id.get<std::string>() + "/file", back);
    const std::string xfer = test::transfer_syntax_of(back);
    EXPECT_TRUE(xfer == kExplicitLittle || xfer == kImplicitLittle) << xfer;
    for (const std::string& original : originals) {
      if (test::sop_instance_uid_of(original) != test::sop_instance_uid_of(back)) continue;
      // Lossless syntaxes decode to the same values; YBR JPEG may differ by rounding in
      // the colour conversion only.
      const int difference = test::max_pixel_difference(original, back);
      EXPECT_GE(difference, 0) << original;
      EXPECT_LE(difference, original.find("ybr") != std::string::npos ? 2 : 0) << original;
      ++checked;
    }
  }
  EXPECT_EQ(checked, int(originals.size()));
}

TEST(Tls, StoreAndEchoOverTlsToStorescpAndAnUntrustedPeerIsRefused) {
  if (!test::program_available("storescp") || !test::program_available("openssl")) GTEST_SKIP() << "storescp or openssl missing";
  test::TempDir dir;
  test::make_test_certificates(dir);
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P90");
  test::StoreScpProcess scp("+tls '" + dir.file("server.key") + "' '" + dir.file("server.crt") + "' +cf '" + dir.file("ca.crt") + "'",
                      dir.file("received"));
  const std::string node = "STORESCP@127.0.0.1:" + std::to_string(scp.port);

  write_tls_settings(dir.file("trusting"), "../ca.crt");
  ASSERT_EQ(::chmod(dir.file("client.key").c_str(), 0600), 0);
  const test::CommandResult echo = test::fibretrack_in(dir.file("trusting"), "echo " + node + " --tls");
  EXPECT_EQ(echo.exit_code, 0) << echo.err;
  EXPECT_EQ(echo.err.find("WARNING"), std::string::npos) << echo.err;
  // Our key readable by others: it still works, and says so.
  ASSERT_EQ(::chmod(dir.file("client.key").c_str(), 0644), 0);
  const test::CommandResult exposed = test::fibretrack_in(dir.file("trusting"), "echo " + node + " --tls");
  EXPECT_EQ(exposed.exit_code, 0) << exposed.err;
  EXPECT_NE(exposed.err.find("can be read by other users"), std::string::npos) << exposed.err;
  const test::CommandResult sent = test::fibretrack_in(dir.file("trusting"), "send '" + exam.clip_file + "' --to " + node + " --tls");
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  EXPECT_EQ(files_in(dir.file("received")), 1);

  // Trusting another CA only: storescp's certificate is refused, and the message says TLS.
  write_tls_settings(dir.file("suspicious"), "../other.crt");
  const test::CommandResult refused = test::fibretrack_in(dir.file("suspicious"), "echo " + node + " --tls --timeout 3");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("TLS"), std::string::npos) << refused.err;
  // Plain TCP to a TLS port fails too, and nothing more arrives.
  EXPECT_NE(test::fibretrack_in(dir.file("trusting"), "echo " + node + " --timeout 3").exit_code, 0);
  EXPECT_EQ(files_in(dir.file("received")), 1);
  // A certificate from the trusted CA, but for another host: refused.
  test::StoreScpProcess impostor("+tls '" + dir.file("elsewhere.key") + "' '" + dir.file("elsewhere.crt") + "' +cf '" +
                               dir.file("ca.crt") + "'",
                           dir.file("received-by-impostor"));
  const std::string impostor_node = "STORESCP@127.0.0.1:" + std::to_string(impostor.port);
  const test::CommandResult wrong_host =
      test::fibretrack_in(dir.file("trusting"), "send '" + exam.clip_file + "' --to " + impostor_node + " --tls --timeout 3");
  EXPECT_NE(wrong_host.exit_code, 0);
  EXPECT_NE(wrong_host.out.find("TLS"), std::string::npos) << wrong_host.out << wrong_host.err;
  EXPECT_EQ(files_in(dir.file("received-by-impostor")), 0) << "sent to a peer whose certificate names another host";
  EXPECT_NE(wrong_host.out.find("tls_name"), std::string::npos) << "says how to name the certificate's host";
  // The same peer configured by address, with the name its certificate carries: accepted.
  std::filesystem::create_directories(dir.file("named"));
  std::ofstream(dir.file("named/settings.json"))
      << nlohmann::json{{"tls", {{"certificate", "../client.crt"}, {"private_key", "../client.key"}, {"trusted", {"../ca.crt"}}}},
                        {"nodes", {{"elsewhere", {{"ae_title", "STORESCP"}, {"host", "127.0.0.1"}, {"port", impostor.port},
                                                  {"tls", true}, {"tls_name", "pacs.elsewhere.example"}}}}}}
             .dump(1);
  const test::CommandResult named = test::fibretrack_in(dir.file("named"), "echo elsewhere --timeout 3");
  EXPECT_EQ(named.exit_code, 0) << named.err;
  // Verification switched off: it works with anyone, and says so loudly.
  write_tls_settings(dir.file("careless"), "../other.crt", /*verify_peer=*/false);
  const test::CommandResult careless = test::fibretrack_in(dir.file("careless"), "echo " + impostor_node + " --tls --timeout 3");
  EXPECT_EQ(careless.exit_code, 0) << careless.err;
  EXPECT_NE(careless.err.find("WARNING: TLS peer verification is off"), std::string::npos) << careless.err;
  // No certificate configured: a clear message before any connection.
  const test::CommandResult unconfigured = test::fibretrack_in(dir.file("none"), "echo " + node + " --tls");
  EXPECT_EQ(unconfigured.exit_code, 2);
  EXPECT_NE(unconfigured.err.find("TLS needs our certificate"), std::string::npos) << unconfigured.err;
}

// A peer that offers only a retired profile (DICOM's AES profile: RSA key exchange, CBC
// ciphers, no forward secrecy) is refused: we speak BCP 195's non-downgrading profile only, so
// a peer that cannot is never a reason to fall back. DCMTK's own echoscu with that profile
// shows the peer itself works.
TEST(Tls, APeerOfferingOnlyARetiredProfileIsRefusedNotDowngradedTo) {
  if (!test::program_available("storescp") || !test::program_available("echoscu") || !test::program_available("openssl"))
    GTEST_SKIP() << "storescp, echoscu or openssl missing";
  test::TempDir dir;
  test::make_test_certificates(dir);
  const std::string keys = "+tls '" + dir.file("server.key") + "' '" + dir.file("server.crt") + "' +cf '" + dir.file("ca.crt") + "'";
  test::StoreScpProcess retired(keys + " +pa", dir.file("received"));
  const std::string port = std::to_string(retired.port);
  const std::string old_echo = "echoscu -to 3 +tls '" + dir.file("client.key") + "' '" + dir.file("client.crt") + "' +cf '" +
                               dir.file("ca.crt") + "' +pa 127.0.0.1 " + port;
  // A loaded machine may take a moment to start storescp: tried a few times before concluding.
  test::CommandResult old_peer = test::run_command(old_echo);
  for (int attempt = 0; attempt < 5 && old_peer.exit_code != 0; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    old_peer = test::run_command(old_echo);
  }
  if (old_peer.exit_code != 0) GTEST_SKIP() << "this OpenSSL cannot speak the retired AES profile at all: " << old_peer.err;
  write_tls_settings(dir.file("config"), "../ca.crt");
  ASSERT_EQ(::chmod(dir.file("client.key").c_str(), 0600), 0);
  const test::CommandResult echo =
      test::fibretrack_in(dir.file("config"), "echo STORESCP@127.0.0.1:" + port + " --tls --timeout 3");
  EXPECT_NE(echo.exit_code, 0) << "connected with a retired TLS profile: " << echo.out << echo.err;
  // Refused in the handshake (no common protocol and cipher), not over a certificate; the message
  // says what a peer must speak.
  EXPECT_NE(echo.err.find("handshake failure"), std::string::npos) << echo.err;
  EXPECT_NE(echo.err.find("TLS 1.2 or newer"), std::string::npos) << echo.err;
  // The same peer with the current profile is accepted (the refusal above was the profile).
  test::StoreScpProcess current(keys, dir.file("received-current"));
  EXPECT_EQ(test::fibretrack_in(dir.file("config"), "echo STORESCP@127.0.0.1:" + std::to_string(current.port) +
                                                        " --tls --timeout 3").exit_code, 0);
}

// A peer that refuses every association: one clear line, the object stays queued.
TEST(Refusal, APeerThatRefusesTheAssociationGivesAClearMessage) {
  if (!test::program_available("storescp")) GTEST_SKIP() << "storescp missing";
  test::TempDir dir;
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P91");
  test::StoreScpProcess scp("--refuse", dir.file("received"));
  const std::string node = "STORESCP@127.0.0.1:" + std::to_string(scp.port);
  const test::CommandResult echo = test::fibretrack_in(dir.file("config"), "echo " + node);
  EXPECT_EQ(echo.exit_code, 1);
  EXPECT_NE(echo.err.find("cannot open an association with " + node), std::string::npos) << echo.err;
  EXPECT_NE(echo.err.find("Rejected"), std::string::npos) << echo.err;
  const test::CommandResult sent = test::fibretrack_in(dir.file("config"), "send '" + exam.clip_file + "' --to " + node);
  EXPECT_EQ(sent.exit_code, 1);
  EXPECT_NE(sent.out.find("1 waiting in the outbox"), std::string::npos) << sent.out;
}

// The diagnostic log (FIBRETRACK_DEBUG=1) names services, peers and statuses but no
// patient; only FIBRETRACK_DEBUG=patient-data dumps the datasets (here: the query keys).
TEST(PatientData, StaysOutOfTheDiagnosticLogUnlessAskedFor) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed";
  test::TempDir dir;
  test::OrthancPeer pacs(dir);
  ASSERT_TRUE(pacs.ready());
  const test::ExamOnDisk exam = test::write_exam(dir, "exam", "P92");
  const std::string config = dir.file("config");
  const std::string outbox = " --outbox '" + dir.file("outbox") + "'";
  const test::CommandResult sent =
      test::run_command("FIBRETRACK_DEBUG=1 FIBRETRACK_CONFIG_DIR='" + config + "' '" + test::cli_path() + "' send '" +
                        exam.folder + "' --to " + pacs.node() + outbox);
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_FALSE(sent.err.empty()) << "the diagnostic log is on";
  const std::string query = "' query " + pacs.node() + " --patient-id P92";
  const test::CommandResult quiet =
      test::run_command("FIBRETRACK_DEBUG=1 FIBRETRACK_CONFIG_DIR='" + config + "' '" + test::cli_path() + query);
  ASSERT_EQ(quiet.exit_code, 0);
  EXPECT_NE(quiet.out.find("TEST^PATIENT"), std::string::npos) << "the answer itself names the patient";
  for (const std::string& log : {sent.err, quiet.err}) {
    EXPECT_EQ(log.find("TEST^PATIENT"), std::string::npos) << log;
    EXPECT_EQ(log.find("P92"), std::string::npos) << log;
  }
  const test::CommandResult dumped =
      test::run_command("FIBRETRACK_DEBUG=patient-data FIBRETRACK_CONFIG_DIR='" + config + "' '" + test::cli_path() + query);
  EXPECT_NE(dumped.err.find("P92"), std::string::npos) << "asked for: the query keys are in the log";
}

}  // namespace ft
