// Two Orthanc nodes on one PostgreSQL index and one storage folder, each with the plugin,
// their jobs in the same PostgreSQL: every clip is analysed exactly once across the cluster,
// a node killed in the middle of an analysis loses the clip to the other, and a cluster
// stopped with work queued takes it up again when it starts.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include "ArchiveFixtures.h"
#include "PostgresServer.h"

namespace ft::test {
namespace {

const std::string kIndexPlugin = "/usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so";

class ArchiveCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(file_exists(kIndexPlugin)) << "orthanc-postgresql is not installed (scripts/setup installs it)";
    ASSERT_TRUE(pg_.ok()) << "PostgreSQL did not start (scripts/setup installs it)";
    pg_.create_database("orthanc");
  }

  // A node of the cluster; `name` also names its configuration folder.
  std::unique_ptr<OrthancPeer> node(const std::string& name, int workers, int lease_s = 30, int stable_age_s = 1) {
    auto& dir = config_dirs_[name];
    dir = std::make_unique<TempDir>();
    const nlohmann::json extra{{"Plugins", {kIndexPlugin, FT_ORTHANC_PLUGIN}},
                               {"PostgreSQL", pg_.orthanc_index("orthanc")},
                               {"StorageDirectory", storage_.path()},
                               {"Name", name},
                               {"StableAge", stable_age_s}};
    auto peer = std::make_unique<OrthancPeer>(
        *dir, true,
        archive_node_options(*dir, {{"NodeName", name}, {"Workers", workers}, {"LeaseSeconds", lease_s}}, extra));
    EXPECT_TRUE(peer->ready()) << peer->log();
    return peer;
  }

  // How many SR series each study holds, over the whole archive.
  std::map<std::string, int> reports_per_study(const OrthancPeer& any) {
    std::map<std::string, int> n;
    for (const auto& study : any.get("/studies"))
      for (const auto& m : series_modalities(any, study.get<std::string>())) n[study.get<std::string>()] += m == "SR";
    return n;
  }

  PostgresServer pg_;
  TempDir storage_, clips_;
  std::map<std::string, std::unique_ptr<TempDir>> config_dirs_;
};

TEST_F(ArchiveCluster, TwentyClipsSentToEitherNodeGetTwentyReportsNoneTwice) {
  auto a = node("node-a", 1), b = node("node-b", 1);
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(store_with_storescu(i % 2 ? *b : *a, simulated_clip(clips_, i % 3 ? "intact" : "full_tear", i + 1, 20)));
  const nlohmann::json jobs =
      wait_for_jobs(*a, [](const auto& j) { return count_in_state(j, "done") == 20; }, 150);
  ASSERT_EQ(count_in_state(jobs, "done"), 20) << jobs.dump(1) << a->log() << b->log();
  std::map<std::string, int> by_node;
  std::set<std::string> reports;
  for (const auto& j : jobs) {
    ++by_node[j["node"]];
    EXPECT_EQ(j["attempts"], 1);
    for (const auto& o : j["result"]["stored"]) reports.insert(o["instance"].get<std::string>());
  }
  EXPECT_EQ(reports.size(), 40u) << "an SR and a presentation state each";
  EXPECT_GT(by_node["node-a"], 0);
  EXPECT_GT(by_node["node-b"], 0);
  const auto per_study = reports_per_study(*b);
  EXPECT_EQ(per_study.size(), 20u);
  for (const auto& [study, n] : per_study) EXPECT_EQ(n, 1) << study;
}

TEST_F(ArchiveCluster, ANodeKilledWhileAnalysingLosesTheClipToTheOther) {
  auto a = node("node-a", 1, 5), b = node("node-b", 1, 5);
  ASSERT_TRUE(store_with_storescu(*a, simulated_clip(clips_, "full_tear", 5, 160)));
  const nlohmann::json running = wait_for_jobs(*a, [](const auto& j) { return count_in_state(j, "running") == 1; }, 60);
  ASSERT_EQ(count_in_state(running, "running"), 1) << running.dump(1);
  const bool a_has_it = running[0]["node"] == "node-a";
  (a_has_it ? a : b)->kill_now();
  const OrthancPeer& survivor = a_has_it ? *b : *a;

  const nlohmann::json jobs = wait_for_jobs(survivor, [](const auto& j) { return count_in_state(j, "done") == 1; }, 120);
  ASSERT_EQ(count_in_state(jobs, "done"), 1) << jobs.dump(1) << survivor.log();
  EXPECT_EQ(jobs[0]["node"], a_has_it ? "node-b" : "node-a");
  EXPECT_EQ(jobs[0]["attempts"], 2);
  for (const auto& [study, n] : reports_per_study(survivor)) EXPECT_EQ(n, 1) << "the killed node stored nothing";
  const std::string dead_node_scratch = config_dirs_[a_has_it ? "node-a" : "node-b"]->path();
  EXPECT_EQ(run_command("pgrep -f '" + dead_node_scratch + "/[f]ibretrack-'").exit_code, 1)
      << "the killed node's analysis died with it";
}

// Series that never become stable here (StableAge of an hour): one clip queued by hand is
// being analysed when the cluster stops, the others were never queued at all.
TEST_F(ArchiveCluster, AClusterStoppedWithWorkQueuedTakesItUpWhenStartedAgain) {
  std::vector<std::string> clips;
  for (int i = 0; i < 4; ++i) clips.push_back(simulated_clip(clips_, "intact", 30 + i, i == 0 ? 400 : 40));
  const std::string first_study_uid = study_instance_uid_of(clips[0]);
  std::string running_instance;
  {
    auto a = node("node-a", 1, 30, 3600), b = node("node-b", 0, 30, 3600);
    for (const auto& clip : clips) ASSERT_TRUE(store_with_storescu(*b, clip));
    const CommandResult found = run_command("curl -sf -X POST --data '" + first_study_uid + "' http://127.0.0.1:" +
                                            std::to_string(a->http_port) + "/tools/lookup");
    const std::string study = nlohmann::json::parse(found.out).at(0).at("ID");
    ASSERT_TRUE(a->change("POST", "/fibretrack/studies/" + study + "/analyse"));
    const nlohmann::json jobs = wait_for_jobs(*a, [](const auto& j) { return count_in_state(j, "running") == 1; }, 60);
    ASSERT_EQ(jobs.size(), 1u) << "only the clip queued by hand: " << jobs.dump(1);
    ASSERT_EQ(count_in_state(jobs, "running"), 1) << jobs.dump(1);
    running_instance = jobs[0]["instance"];
    a.reset();  // the node analysing first
  }  // both stopped (SIGTERM): the analysis running goes back to the queue, uncounted
  EXPECT_EQ(pg_.sql("orthanc", "SELECT state, attempts, instance_id FROM fibretrack_jobs"),
            "queued|0|" + running_instance + "\n");

  auto a = node("node-a", 1, 30, 3600), b = node("node-b", 1, 30, 3600);
  const nlohmann::json jobs = wait_for_jobs(*b, [](const auto& j) { return count_in_state(j, "done") == 4; }, 120);
  ASSERT_EQ(count_in_state(jobs, "done"), 4) << "series that never became stable before the nodes stopped are "
                                                  "queued when they start: " << jobs.dump(1);
  const auto per_study = reports_per_study(*a);
  EXPECT_EQ(per_study.size(), 4u);
  for (const auto& [study, n] : per_study) EXPECT_EQ(n, 1) << study;
}

}  // namespace
}  // namespace ft::test
