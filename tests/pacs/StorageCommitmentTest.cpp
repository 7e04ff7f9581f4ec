// Storage Commitment against a real PACS (Orthanc): the outbox keeps an object the PACS has
// acknowledged until the PACS has committed it, and stores it again when the PACS says it
// does not hold it — what a PACS killed after its C-STORE response was seen to do.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "OrthancPeer.h"
#include "PacsFixtures.h"
#include "TestSupport.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {
namespace {

// timeout_s: also how long a report is waited for.
void write_settings(const test::TempDir& dir, int commitment_port, int timeout_s) {
  std::filesystem::create_directories(dir.file("config"));
  std::ofstream(dir.file("config/settings.json"))
      << nlohmann::json{{"commitment_port", commitment_port}, {"timeout_s", timeout_s}}.dump(1);
}

}  // namespace

TEST(StorageCommitment, AnObjectLeavesTheOutboxOnlyOnceThePacsHasCommittedIt) {
  if (test::orthanc_program().empty()) GTEST_SKIP() << "Orthanc not installed (scripts/setup installs it)";
  test::TempDir dir;
  const int commitment_port = test::free_loopback_port();
  test::OrthancOptions options;
  options.our_retrieve_port = test::free_loopback_port();  // Orthanc's reports go where nothing listens
  test::OrthancPeer pacs(dir, true, options);
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  write_settings(dir, commitment_port, 3);  // the first report never comes: waited for 3 s
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 17, 3)).render_clip(), {}, dir.file("clip.dcm"));
  const std::string outbox = " --outbox '" + dir.file("outbox") + "'";

  // Stored, but no commitment came: it stays, and says why.
  const test::CommandResult sent = test::fibretrack_in(dir.file("config"), "send '" + dir.file("clip.dcm") + "' --to " + pacs.node() + outbox);
  EXPECT_EQ(sent.exit_code, 1) << sent.out << sent.err;
  EXPECT_NE(sent.out.find("1 waiting in the outbox"), std::string::npos) << sent.out;
  const test::CommandResult listed = test::fibretrack_in(dir.file("config"), "outbox" + outbox);
  EXPECT_NE(listed.out.find("stored, not yet committed: no storage commitment"), std::string::npos) << listed.out;
  ASSERT_EQ(pacs.get("/instances").size(), 1u) << "the C-STORE itself was acknowledged";

  // The PACS loses what it acknowledged; its reports now reach our commitment port. Asked
  // again (not sent again), it says it does not hold the object: the job is kept to be sent again.
  ASSERT_TRUE(pacs.change("DELETE", "/instances/" + pacs.get("/instances")[0].get<std::string>()));
  ASSERT_TRUE(pacs.change("PUT", "/modalities/fibretrack", {{"AET", "FIBRETRACK"}, {"Host", "127.0.0.1"}, {"Port", commitment_port}}));
  write_settings(dir, commitment_port, 15);  // Orthanc's job engine polls every 200 ms: ample
  const test::CommandResult asked = test::fibretrack_in(dir.file("config"), "outbox --retry" + outbox);
  EXPECT_EQ(asked.exit_code, 1) << asked.out << asked.err;
  EXPECT_NE(asked.out.find("did not commit it (no such object instance): it is sent again"), std::string::npos) << asked.out;
  EXPECT_EQ(pacs.get("/instances").size(), 0u) << "asked about, not sent";

  // Sent again and committed: it leaves the outbox.
  const test::CommandResult again = test::fibretrack_in(dir.file("config"), "outbox --retry" + outbox);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("0 object(s) waiting"), std::string::npos) << again.out;
  EXPECT_EQ(pacs.get("/instances").size(), 1u);
}

// A TLS node: the C-STORE, the request and the PACS's report all go over TLS. The report comes
// on an association the PACS opens to us, with a certificate we trust that names it; a report
// offered in the clear is not heard, and the object stays until a trusted one comes.
TEST(StorageCommitment, ATlsNodesReportIsHeardOnlyOverTls) {
  if (test::orthanc_program().empty() || !test::program_available("openssl")) GTEST_SKIP() << "Orthanc or openssl missing";
  test::TempDir dir;
  ASSERT_NO_FATAL_FAILURE(test::make_test_certificates(dir));
  const int commitment_port = test::free_loopback_port();
  test::OrthancOptions options;
  options.our_retrieve_port = commitment_port;  // its modality entry for us: reports in the clear, at first
  options.extra = {{"DicomTlsEnabled", true},
                   {"DicomTlsCertificate", dir.file("server.crt")},
                   {"DicomTlsPrivateKey", dir.file("server.key")},
                   {"DicomTlsTrustedCertificates", dir.file("ca.crt")},
                   {"DicomTlsRemoteCertificateRequired", true}};
  test::OrthancPeer pacs(dir, true, options);
  ASSERT_TRUE(pacs.ready()) << pacs.log();
  const auto settings = [&](int timeout_s) {
    std::filesystem::create_directories(dir.file("config"));
    std::ofstream(dir.file("config/settings.json"))
        << nlohmann::json{{"commitment_port", commitment_port},
                          {"timeout_s", timeout_s},
                          {"tls", {{"certificate", "../client.crt"}, {"private_key", "../client.key"}, {"trusted", {"../ca.crt"}}}}}
               .dump(1);
  };
  settings(5);
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 17, 3)).render_clip(), {}, dir.file("clip.dcm"));
  const std::string outbox = " --outbox '" + dir.file("outbox") + "'";

  const test::CommandResult sent =
      test::fibretrack_in(dir.file("config"), "send '" + dir.file("clip.dcm") + "' --to " + pacs.node() + " --tls" + outbox);
  EXPECT_EQ(sent.exit_code, 1) << sent.out << sent.err;
  ASSERT_EQ(pacs.get("/instances").size(), 1u) << "stored over TLS" << sent.out << sent.err;
  const test::CommandResult listed = test::fibretrack_in(dir.file("config"), "outbox" + outbox);
  EXPECT_NE(listed.out.find("stored, not yet committed: no storage commitment"), std::string::npos)
      << "a report in the clear must not be heard from a TLS node\n" << listed.out;
  EXPECT_NE(listed.out.find("Over TLS"), std::string::npos) << "the reason points at TLS\n" << listed.out;

  // The PACS now reports over TLS: asked again, it commits the object, which leaves the outbox.
  ASSERT_TRUE(pacs.change("PUT", "/modalities/fibretrack",
                          {{"AET", "FIBRETRACK"}, {"Host", "127.0.0.1"}, {"Port", commitment_port}, {"UseDicomTls", true}}));
  settings(15);
  const test::CommandResult committed = test::fibretrack_in(dir.file("config"), "outbox --retry" + outbox);
  EXPECT_EQ(committed.exit_code, 0) << committed.out << committed.err << pacs.log();
  EXPECT_NE(committed.out.find("0 object(s) waiting"), std::string::npos) << committed.out;
}

// A PACS that acknowledges C-STOREs but does not offer Storage Commitment (DCMTK's
// storescp): its acknowledgement is all there is, and the object leaves the outbox with it.
TEST(StorageCommitment, ANodeWithoutTheServiceKeepsNothingWaiting) {
  if (!test::program_available("storescp")) GTEST_SKIP() << "storescp not installed";
  test::TempDir dir;
  const test::StoreScpProcess scp("", dir.file("received"));
  write_settings(dir, test::free_loopback_port(), 10);
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 17, 3)).render_clip(), {}, dir.file("clip.dcm"));
  const test::CommandResult sent = test::fibretrack_in(
      dir.file("config"), "send '" + dir.file("clip.dcm") + "' --to STORESCP@127.0.0.1:" + std::to_string(scp.port) + " --outbox '" +
                              dir.file("outbox") + "'");
  EXPECT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  EXPECT_NE(sent.out.find("0 waiting"), std::string::npos) << sent.out;
}

}  // namespace ft
