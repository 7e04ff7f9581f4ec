// The plugin in a real Orthanc (one node, its jobs in SQLite): clips sent by a workstation
// and by a scanner's storescu get their SR and presentation state in their own study, the
// same report `fibretrack analyze --dicom-out` writes; what is not a clip, or is broken, is
// skipped or failed with its reason, and the queue goes on.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "ArchiveFixtures.h"
#include "ft/dicom/MeasurementReportReader.h"

namespace ft::test {
namespace {

const nlohmann::json* job_of(const nlohmann::json& jobs, const std::string& sop_instance_uid) {
  for (const auto& j : jobs)
    if (j["sop_instance_uid"] == sop_instance_uid) return &j;
  return nullptr;
}

int occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

bool wait_for_log(const OrthancPeer& node, const std::string& what, int times) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(15 * time_scale());
  while (occurrences(node.log(), what) < times)
    if (std::chrono::steady_clock::now() > until) return false;
    else std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return true;
}

TEST(ArchivePlugin, AClipSentIsAnalysedInTheArchiveAsOnAWorkstation) {
  TempDir dir;
  OrthancPeer node(dir, true, archive_node_options(dir, nlohmann::json::object()));
  ASSERT_TRUE(node.ready()) << node.log();
  const std::string clip = sample_data_dir() + "/full_tear.dcm";
  ASSERT_EQ(run_command("'" + cli_path() + "' send '" + clip + "' --to " + node.node() + " --outbox '" +
                        dir.file("outbox") + "'").exit_code, 0);

  const nlohmann::json jobs = wait_for_jobs(node, [](const auto& j) { return count_in_state(j, "done") == 1; }, 60);
  ASSERT_EQ(count_in_state(jobs, "done"), 1) << jobs.dump(1) << node.log();
  const nlohmann::json& job = jobs[0];
  EXPECT_TRUE(job["result"]["tear_detected"].get<bool>());
  EXPECT_EQ(job["attempts"], 1);
  const auto& stored = job["result"]["stored"];
  ASSERT_EQ(stored.size(), 2u) << job.dump(1);

  // Beside the clip, in its study: the SR and the presentation state.
  const std::string study = job["study"];
  auto modalities = series_modalities(node, study);
  std::sort(modalities.begin(), modalities.end());
  EXPECT_EQ(modalities, (std::vector<std::string>{"PR", "SR", "US"}));

  // The same measurements as the workstation's analysis of the same clip.
  ASSERT_EQ(run_command("'" + cli_path() + "' analyze '" + clip + "' --backend cpu --dicom-out '" + dir.file("local") + "'")
                .exit_code, 0);
  std::string archived_sr;
  for (const auto& o : stored)
    if (o["kind"] == "measurement report") archived_sr = o["instance"];
  node.download("/instances/" + archived_sr + "/file", dir.file("archived_sr.dcm"));
  const dicom::StoredReport archived = dicom::read_measurement_report(dir.file("archived_sr.dcm"));
  const dicom::StoredReport local = dicom::read_measurement_report(dir.file("local/full_tear_report_sr.dcm"));
  EXPECT_EQ(archived.source_sop_instance_uid, sop_instance_uid_of(clip));
  ASSERT_EQ(archived.result.findings.size(), local.result.findings.size());
  ASSERT_FALSE(local.result.findings.empty());
  for (std::size_t i = 0; i < local.result.findings.size(); ++i) {
    const TearFinding &a = archived.result.findings[i], &l = local.result.findings[i];
    EXPECT_EQ(a.grade, l.grade);
    EXPECT_EQ(a.frame, l.frame);
    EXPECT_DOUBLE_EQ(a.gap_mm, l.gap_mm);
    EXPECT_DOUBLE_EQ(a.retraction_mm, l.retraction_mm);
    EXPECT_DOUBLE_EQ(a.confidence, l.confidence);
  }
  EXPECT_EQ(dciodvfy_errors(dir.file("archived_sr.dcm")), "");
  const std::string seen = "modality SR is not analysed";
  wait_for_log(node, seen, 1);
  EXPECT_NE(node.log().find(seen), std::string::npos) << "the plugin's own report arrived, was seen and not analysed";
}

TEST(ArchivePlugin, StillImagesAndBrokenClipsAreSkippedOrFailedWithTheirReasonAndNothingIsAnalysedTwice) {
  TempDir dir;
  OrthancPeer node(dir, true, archive_node_options(dir, {{"BurnIn", true}}, {{"OverwriteInstances", true}}));
  ASSERT_TRUE(node.ready()) << node.log();
  // A clip whose header promises twice the frames its pixel data holds.
  const std::string broken = dir.file("broken.dcm");
  run_command("cp '" + sample_data_dir() + "/sliding.dcm' '" + broken + "' && dcmodify -nb -m '(0028,0008)=80' -gin '" +
              broken + "'");
  // Not ultrasound: a real file made an MR image of its own series.
  const std::string mr = dir.file("mr.dcm");
  run_command("cp '" + shared_data_dir() + "/US1_UNCR.dcm' '" + mr + "' && dcmodify -nb -m '(0008,0060)=MR' -m "
              "'(0008,0016)=1.2.840.10008.5.1.4.1.1.4' -gin -gse '" + mr + "'");
  const std::string intact = sample_data_dir() + "/intact.dcm", still = shared_data_dir() + "/US1_UNCR.dcm";
  for (const std::string& f : {broken, mr, still, intact}) ASSERT_TRUE(store_with_storescu(node, f)) << f;

  const auto settled = [](const nlohmann::json& j) {
    return j.size() == 3 && count_in_state(j, "queued") == 0 && count_in_state(j, "running") == 0;
  };
  nlohmann::json jobs = wait_for_jobs(node, settled, 60);
  ASSERT_TRUE(settled(jobs)) << jobs.dump(1) << node.log();
  const auto* failed = job_of(jobs, sop_instance_uid_of(broken));
  const auto* skipped = job_of(jobs, sop_instance_uid_of(still));
  const auto* done = job_of(jobs, sop_instance_uid_of(intact));
  ASSERT_TRUE(failed && skipped && done) << jobs.dump(1);
  EXPECT_EQ((*failed)["state"], "failed");
  EXPECT_NE((*failed)["reason"].get<std::string>().find("fibretrack analyze: error:"), std::string::npos)
      << (*failed)["reason"];
  EXPECT_EQ((*skipped)["state"], "skipped");
  EXPECT_NE((*skipped)["reason"].get<std::string>().find("not a clip"), std::string::npos);
  EXPECT_EQ((*done)["state"], "done") << "the broken clip did not hold the queue up";
  EXPECT_NE(node.log().find("not analysed: fibretrack analyze: error:"), std::string::npos) << "logged for the administrator";
  EXPECT_TRUE(wait_for_log(node, "modality MR is not analysed", 1)) << "the MR series passed over, with the reason";
  EXPECT_NO_THROW(node.get("/instances/" + (*failed)["instance"].get<std::string>())) << "the broken clip is kept";
  const std::string study = (*done)["study"];
  // Its report, annotations and burned-in capture; the capture (Modality US) not analysed in turn.
  const auto objects = series_modalities(node, study);
  EXPECT_EQ(std::count(objects.begin(), objects.end(), "SR"), 1);
  EXPECT_EQ(std::count(objects.begin(), objects.end(), "PR"), 1);
  EXPECT_EQ(std::count(objects.begin(), objects.end(), "US"), 2) << "the clip and its burned-in capture";
  EXPECT_EQ((*done)["result"]["stored"].size(), 3u);

  // Sent again (the archive overwrites it): not analysed again.
  const std::string already = "already have a job";
  const int before = occurrences(node.log(), already);
  ASSERT_TRUE(store_with_storescu(node, intact));
  ASSERT_TRUE(wait_for_log(node, already, before + 1)) << "the series became stable again and was looked at";
  jobs = node.get("/fibretrack/jobs");
  EXPECT_EQ(jobs.size(), 3u);
  EXPECT_EQ((*job_of(jobs, sop_instance_uid_of(intact)))["attempts"], 1);
  auto modalities = series_modalities(node, study);
  EXPECT_EQ(std::count(modalities.begin(), modalities.end(), "SR"), 1);

  // Unless a physician asks for it.
  const CommandResult again = run_command("curl -sf -X POST http://127.0.0.1:" + std::to_string(node.http_port) +
                                          "/fibretrack/studies/" + study + "/analyse");
  EXPECT_EQ(nlohmann::json::parse(again.out)["requeued"], 1);
  jobs = wait_for_jobs(node, [](const auto& j) { return count_in_state(j, "done") == 1 && count_in_state(j, "queued") == 0; }, 60);
  modalities = series_modalities(node, study);
  EXPECT_EQ(std::count(modalities.begin(), modalities.end(), "SR"), 2);
  const nlohmann::json queue = node.get("/fibretrack/queue");
  EXPECT_EQ(queue["coordinator"], "sqlite");
  EXPECT_EQ(queue["jobs"]["failed"], 1);
}

}  // namespace
}  // namespace ft::test
