// The outbox and the settings file on their own (the PACS tests send through them).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomSettings.h"
#include "ft/dicom/Outbox.h"
#include "ft/dicom/UltrasoundClipWriter.h"
#include "ft/probes/SimulatedExam.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {

// A job whose description was damaged is listed with the reason, never dropped silently,
// and never sent anywhere.
TEST(Outbox, ADamagedJobIsListedAndKept) {
  test::TempDir dir;
  dicom::write_ultrasound_clip(sim::SimulatedExam(sim::make_preset("intact", 3, 2)).render_clip(), {}, dir.file("a.dcm"));
  dicom::Outbox outbox(dir.file("outbox"));
  const dicom::OutboxJob job = outbox.enqueue(dir.file("a.dcm"), dicom::parse_node("PACS@127.0.0.1:1"));
  std::ofstream(dir.file("outbox/" + job.id + "/job.json")) << "{ cut";
  const auto jobs = outbox.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].destination, "(unknown)");
  EXPECT_NE(jobs[0].last_error.find("damaged"), std::string::npos);
  EXPECT_EQ(outbox.deliver({}, true).size(), 1u) << "kept, not sent";
  EXPECT_TRUE(test::file_exists(dir.file("outbox/" + job.id + "/object.dcm")));
}

TEST(Settings, NodesFromTheFileAreCheckedLikeTypedOnes) {
  test::TempDir dir;
  std::ofstream(dir.file("s.json")) << R"({"nodes": {"pacs": {"ae_title": "ORTHANC", "host": "h", "port": 70000}}})";
  EXPECT_THROW(dicom::load_settings(dir.file("s.json")), Error);
  std::ofstream(dir.file("t.json")) << R"({"nodes": {"pacs": {"ae_title": "AN_AE_TITLE_TOO_LONG", "host": "h", "port": 104}}})";
  EXPECT_THROW(dicom::load_settings(dir.file("t.json")), Error);
  EXPECT_EQ(dicom::parse_node("https://user:secret@pacs/dicom-web").text(), "https://pacs/dicom-web") << "no password in messages";
}

}  // namespace ft
