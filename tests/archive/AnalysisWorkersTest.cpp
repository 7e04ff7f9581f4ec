// The workers against a stand-in for `fibretrack analyze` (a script that writes what the
// real one writes, fails, hangs or crashes on cue): what is stored and recorded for each
// ending, a lease lost while storing, and a node stopping in the middle of an analysis.
// The real program runs in ArchivePluginTest.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "AnalysisWorkers.h"
#include "FakeArchive.h"
#include "SqlJobQueue.h"
#include "TestSupport.h"

namespace ft::archive {
namespace {

// analyze CLIP --json JSON --dicom-out DIR --backend B, as the worker calls it.
const char* const kAnalyses = R"SH(#!/bin/sh
clip=$2 json=$4 out=$6
mkdir -p "$out"
echo sr >"$out/clip_report_sr.dcm"
echo pr >"$out/clip_annotations_pr.dcm"
echo '{"tear_detected": true, "conclusive": true, "findings": [{"gap_mm": 4.8}], "notes": ["a note"]}' >"$json"
echo "wrote $out/clip_report_sr.dcm (measurement report)"
echo "wrote $out/clip_annotations_pr.dcm (presentation state)"
echo "$clip: fibre discontinuity found (tracked 99 % of the muscle from rest to peak)"
)SH";

class AnalysisWorkersTest : public ::testing::Test {
 protected:
  AnalysisWorkersTest() : queue_(open_sqlite(dir_.file("jobs.sqlite")), QueuePolicy{"1.0", 3, 3}) {
    settings_.node_name = "node-a";
    settings_.scratch_dir = dir_.path();
    settings_.poll_s = 0.1;
    archive_.add_series("s", 1);
    queue_.enqueue({"uid.s-0", "s-0", "study-s"});
  }
  void program(const std::string& script) {
    settings_.executable = dir_.file("fibretrack");
    std::ofstream(settings_.executable) << script;
    test::run_command("chmod +x '" + settings_.executable + "'");
  }
  // The job once it is in `state`, or as it is after `timeout_s`.
  JobRecord job_when(JobState state, double timeout_s = 20) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s * test::time_scale());
    for (;;) {
      const JobRecord j = queue_.list(std::nullopt, 1).at(0);
      if (j.state == state || std::chrono::steady_clock::now() > until) return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  test::TempDir dir_;
  FakeArchive archive_;
  SqlJobQueue queue_;
  ArchiveSettings settings_;
};

TEST_F(AnalysisWorkersTest, AnAnalysedClipsReportAndPresentationStateAreStoredAndTheJobDone) {
  program(kAnalyses);
  AnalysisWorkers workers(queue_, archive_, settings_);
  workers.start();
  const JobRecord j = job_when(JobState::Done);
  ASSERT_EQ(j.state, JobState::Done) << archive_.log();
  const auto result = nlohmann::json::parse(j.result_json);
  EXPECT_TRUE(result["tear_detected"].get<bool>());
  EXPECT_EQ(result["findings"][0]["gap_mm"], 4.8);
  ASSERT_EQ(result["stored"].size(), 2u);
  EXPECT_EQ(result["stored"][0]["kind"], "measurement report");
  EXPECT_EQ(archive_.stored.size(), 2u);
  EXPECT_NE(archive_.log().find("analysed: fibre discontinuity found"), std::string::npos) << archive_.log();
}

TEST_F(AnalysisWorkersTest, AFailedAnalysisIsRecordedWithWhatTheProgramSaid) {
  program("#!/bin/sh\necho 'fibretrack analyze: error: clip.dcm: no pixel data' >&2\nexit 1\n");
  AnalysisWorkers workers(queue_, archive_, settings_);
  workers.start();
  const JobRecord j = job_when(JobState::Failed);
  EXPECT_EQ(j.state, JobState::Failed);
  EXPECT_EQ(j.reason, "fibretrack analyze: error: clip.dcm: no pixel data");
  EXPECT_TRUE(archive_.stored.empty());
}

TEST_F(AnalysisWorkersTest, AnAnalysisThatCrashesOrHangsFailsAndNothingIsStored) {
  program("#!/bin/sh\nkill -SEGV $$\n");
  {
    AnalysisWorkers workers(queue_, archive_, settings_);
    workers.start();
    EXPECT_EQ(job_when(JobState::Failed).reason, "the analysis stopped on signal 11");
  }
  queue_.enqueue({"uid.s-1", "s-0", "study-s"});
  program("#!/bin/sh\nsleep 30\n");
  settings_.timeout_s = 1;
  AnalysisWorkers workers(queue_, archive_, settings_);
  workers.start();
  EXPECT_EQ(job_when(JobState::Failed).reason, "the analysis ran longer than 1 s and was stopped");
  EXPECT_TRUE(archive_.stored.empty());
}

TEST_F(AnalysisWorkersTest, ANodeStoppingPutsTheClipBackInTheQueueUncounted) {
  program("#!/bin/sh\nsleep 30\n");
  AnalysisWorkers workers(queue_, archive_, settings_);
  workers.start();
  ASSERT_EQ(job_when(JobState::Running).state, JobState::Running);
  const auto before = std::chrono::steady_clock::now();
  workers.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5)) << "the analysis is stopped, not awaited";
  const JobRecord j = queue_.list(std::nullopt, 1).at(0);
  EXPECT_EQ(j.state, JobState::Queued);
  EXPECT_EQ(j.attempts, 0);
}

TEST_F(AnalysisWorkersTest, ALeaseLostWhileStoringWithdrawsWhatWasStored) {
  program(kAnalyses);
  auto other_node = open_sqlite(dir_.file("jobs.sqlite"));
  archive_.on_store = [&] {  // another node takes the job between the two objects
    if (archive_.stored.empty()) other_node->execute("UPDATE fibretrack_jobs SET claim_seq = claim_seq + 1", {});
  };
  AnalysisWorkers workers(queue_, archive_, settings_);
  workers.start();
  for (int i = 0; i < 200 && archive_.log().find("withdrawn") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  workers.stop();
  EXPECT_EQ(archive_.stored.size(), 1u);
  EXPECT_EQ(archive_.removed, std::vector<std::string>{"stored-1"});
  EXPECT_NE(queue_.list(std::nullopt, 1).at(0).state, JobState::Done);
}

}  // namespace
}  // namespace ft::archive
