// The analysis queue on both databases it runs on: SQLite (one node) and a real PostgreSQL
// (a cluster). Each clip is analysed once per algorithm version; a lease that runs out
// hands the clip to another worker and silences the old one.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "PostgresServer.h"
#include "LazyJobQueue.h"
#include "SqlJobQueue.h"
#include "ft/core/Error.h"
#include "TestSupport.h"

namespace ft::archive {
namespace {

ClipJob clip(int n, const std::string& study = "study-1") {
  return {"1.2.3." + std::to_string(n), "instance-" + std::to_string(n), study};
}

// One database per test; queue() opens another connection to it, as another node would.
class JobQueueTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      pg_ = std::make_unique<test::PostgresServer>();
      ASSERT_TRUE(pg_->ok()) << "PostgreSQL did not start (scripts/setup installs it)";
      pg_->create_database("jobs");
    }
  }
  std::unique_ptr<JobQueue> queue(int lease_s = 60, int max_attempts = 3, const std::string& version = "1.0") {
    auto db = pg_ ? connect_postgres(pg_->conninfo("jobs")) : open_sqlite(dir_.file("jobs.sqlite"));
    return std::make_unique<SqlJobQueue>(std::move(db), QueuePolicy{version, lease_s, max_attempts});
  }
  static void wait_s(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

  test::TempDir dir_;
  std::unique_ptr<test::PostgresServer> pg_;
};

TEST_P(JobQueueTest, AClipQueuedTwiceIsAnalysedOnce) {
  auto q = queue();
  EXPECT_TRUE(q->enqueue(clip(1)));
  EXPECT_FALSE(q->enqueue(clip(1)));
  const auto c = q->claim("node-a");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->clip.instance_id, "instance-1");
  EXPECT_EQ(c->attempt, 1);
  EXPECT_FALSE(q->claim("node-b"));
  EXPECT_TRUE(q->finish(*c, R"({"tear_detected":true})"));
  EXPECT_FALSE(q->enqueue(clip(1))) << "a clip sent again after its analysis is not queued again";
  EXPECT_FALSE(q->claim("node-b"));
  const auto done = q->list(JobState::Done, 10);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].node, "node-a");
  EXPECT_EQ(done[0].result_json, R"({"tear_detected":true})");
  EXPECT_FALSE(done[0].finished_at.empty());
}

TEST_P(JobQueueTest, ClaimsFromSeveralNodesAtOnceNeverShareAClip) {
  auto setup = queue();
  for (int i = 0; i < 40; ++i) setup->enqueue(clip(i));
  std::vector<std::vector<std::string>> claimed(3);
  std::vector<std::thread> nodes;
  std::atomic<int> connected{0};
  for (int n = 0; n < 3; ++n)
    nodes.emplace_back([&, n] {
      auto q = queue();  // a connection of its own, as each node has
      ++connected;
      while (connected < 3) std::this_thread::yield();  // all claim at once
      while (auto c = q->claim("node-" + std::to_string(n))) {
        claimed[std::size_t(n)].push_back(c->clip.instance_id);
        q->finish(*c, "{}");
      }
    });
  for (auto& t : nodes) t.join();
  std::set<std::string> all;
  std::size_t total = 0;
  for (const auto& c : claimed) {
    all.insert(c.begin(), c.end());
    total += c.size();
  }
  EXPECT_EQ(total, 40u) << "no clip analysed twice";
  EXPECT_EQ(all.size(), 40u) << "none left behind";
}

TEST_P(JobQueueTest, ALeaseNotRenewedHandsTheClipToAnotherNode) {
  auto a = queue(1), b = queue(1);
  a->enqueue(clip(1));
  const auto first = a->claim("node-a");
  ASSERT_TRUE(first);
  EXPECT_FALSE(b->claim("node-b")) << "taken while the lease holds";
  EXPECT_TRUE(a->renew(*first));
  wait_s(2.2);  // node-a died: nothing renews
  const auto second = b->claim("node-b");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->job_id, first->job_id);
  EXPECT_EQ(second->attempt, 2);
  EXPECT_FALSE(a->renew(*first)) << "the old claim is no longer current";
  EXPECT_FALSE(a->finish(*first, "{}")) << "its results are not recorded";
  EXPECT_TRUE(b->finish(*second, "{}"));
  EXPECT_EQ(b->list(JobState::Done, 10).at(0).node, "node-b");
  // Analysed again on request: its first claim again, yet node-a's old claim stays stale.
  EXPECT_EQ(b->requeue_study("study-1"), 1);
  const auto third = b->claim("node-c");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->attempt, 1);
  EXPECT_FALSE(a->renew(*first));
  EXPECT_FALSE(a->finish(*first, "{}"));
  EXPECT_TRUE(b->finish(*third, "{}"));
}

TEST_P(JobQueueTest, AClipThatStopsItsNodeEveryTimeFailsAndTheQueueGoesOn) {
  auto q = queue(1, 2);
  q->enqueue(clip(1));
  q->enqueue(clip(2));
  ASSERT_EQ(q->claim("node-a")->clip.instance_id, "instance-1");
  ASSERT_EQ(q->claim("node-a")->clip.instance_id, "instance-2");
  wait_s(2.2);
  ASSERT_EQ(q->claim("node-b")->attempt, 2);
  ASSERT_EQ(q->claim("node-b")->attempt, 2);
  wait_s(2.2);
  q->enqueue(clip(3));
  const auto next = q->claim("node-c");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->clip.instance_id, "instance-3") << "the clips that stopped their nodes twice are not claimed again";
  const auto failed = q->list(JobState::Failed, 10);
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].reason, abandoned_reason(2));
}

TEST_P(JobQueueTest, FailedAndReleasedJobs) {
  auto q = queue();
  q->enqueue(clip(1));
  q->enqueue(clip(2));
  const auto c1 = q->claim("node-a");
  EXPECT_TRUE(q->fail(*c1, "fibretrack analyze: error: no pixel data"));
  const auto c2 = q->claim("node-a");
  q->release(*c2);  // the node is stopping
  const auto again = q->claim("node-b");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->clip.instance_id, "instance-2");
  EXPECT_EQ(again->attempt, 1) << "a release does not count as an attempt";
  const auto failed = q->list(JobState::Failed, 10);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].reason, "fibretrack analyze: error: no pixel data");
  EXPECT_EQ(q->counts()["failed"], 1);
  EXPECT_EQ(q->counts()["running"], 1);
}

TEST_P(JobQueueTest, TroubleNotTheClipsIsRetriedButNotForEver) {
  auto q = queue(60, 2);
  q->enqueue(clip(1));
  const auto first = q->claim("a");
  q->retry_later(*first, "no space left in the scratch folder");
  const auto second = q->claim("a");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->attempt, 2) << "counted";
  q->retry_later(*second, "no space left in the scratch folder");
  EXPECT_FALSE(q->claim("a"));
  const auto failed = q->list(JobState::Failed, 10);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].reason, "no space left in the scratch folder (2 attempts)");
}

TEST_P(JobQueueTest, AFinishWhoseAnswerWasLostIsFoundDone) {
  auto q = queue();
  q->enqueue(clip(1));
  const auto c = q->claim("a");
  EXPECT_FALSE(q->finished_by(*c));
  ASSERT_TRUE(q->finish(*c, "{}"));
  EXPECT_FALSE(q->finish(*c, "{}")) << "a second finish changes nothing";
  EXPECT_TRUE(q->finished_by(*c));
}

TEST_P(JobQueueTest, AnUpgradeTakesOnWhatTheEarlierVersionHadNotFinished) {
  auto old_version = queue(60, 3, "1.0");
  old_version->enqueue(clip(1));
  old_version->enqueue(clip(2));
  old_version->enqueue(clip(3));
  old_version->finish(*old_version->claim("a"), "{}");
  old_version->claim("a");  // running when the node was upgraded
  auto new_version = queue(60, 3, "1.1");
  std::set<std::string> taken;
  while (auto c = new_version->claim("b")) taken.insert(c->clip.instance_id);
  EXPECT_EQ(taken, (std::set<std::string>{"instance-2", "instance-3"}));
}

TEST_P(JobQueueTest, AStudyAnalysedAgainOnRequestButNotItsSkippedObjects) {
  auto q = queue();
  q->enqueue(clip(1, "study-1"));
  q->enqueue(clip(2, "study-2"));
  q->record_skipped(clip(3, "study-1"), "one frame: a clip of a contraction is needed");
  q->finish(*q->claim("a"), "{}");
  q->finish(*q->claim("a"), "{}");
  EXPECT_EQ(q->requeue_study("study-1"), 1);
  const auto c = q->claim("a");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->clip.instance_id, "instance-1");
  EXPECT_FALSE(q->claim("a"));
  const auto jobs = q->of_study("study-1");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[1].state, JobState::Skipped);
  EXPECT_EQ(jobs[1].reason, "one frame: a clip of a contraction is needed");
}

TEST_P(JobQueueTest, AnotherAlgorithmVersionAnalysesEveryClipAgain) {
  auto old_version = queue(60, 3, "1.0"), new_version = queue(60, 3, "1.1");
  old_version->enqueue(clip(1));
  old_version->finish(*old_version->claim("a"), "{}");
  EXPECT_FALSE(new_version->claim("b")) << "the new version sees only its own jobs";
  EXPECT_TRUE(new_version->enqueue(clip(1)));
  EXPECT_TRUE(new_version->claim("b"));
}

INSTANTIATE_TEST_SUITE_P(Databases, JobQueueTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ft::archive

namespace ft::archive {
namespace {

// The archive starts while the jobs' database is away; the queue opens once it answers.
TEST(LazyJobQueue, OpensWhenTheDatabaseAnswersNotBefore) {
  test::TempDir dir;
  int tries = 0;
  LazyJobQueue q([&]() -> std::unique_ptr<JobQueue> {
    if (++tries == 1) throw Error(ErrorCode::Network, "PostgreSQL: cannot connect: connection refused");
    return std::make_unique<SqlJobQueue>(open_sqlite(dir.file("jobs.sqlite")), QueuePolicy{"1.0", 60, 3});
  });
  EXPECT_EQ(tries, 0) << "nothing opened before it is needed";
  EXPECT_THROW(q.enqueue(clip(1)), Error);
  EXPECT_THROW(q.counts(), Error);
  EXPECT_EQ(tries, 1) << "within a few seconds of a failed attempt, callers are told at once, not made to wait";
  std::this_thread::sleep_for(std::chrono::milliseconds(5200));
  EXPECT_TRUE(q.enqueue(clip(1)));
  EXPECT_TRUE(q.claim("a"));
  EXPECT_EQ(tries, 2) << "opened once it could be, then kept";
}

}  // namespace
}  // namespace ft::archive

namespace ft::archive {
namespace {

TEST(LazyJobQueue, OthersAreToldAtOnceWhileOneCallerConnects) {
  test::TempDir dir;
  LazyJobQueue q([&]() -> std::unique_ptr<JobQueue> {
    std::this_thread::sleep_for(std::chrono::seconds(2));  // a slow connection attempt
    return std::make_unique<SqlJobQueue>(open_sqlite(dir.file("jobs.sqlite")), QueuePolicy{"1.0", 60, 3});
  });
  std::thread connecting([&] { q.counts(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto before = std::chrono::steady_clock::now();
  EXPECT_THROW(q.counts(), Error);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(500)) << "not made to wait";
  connecting.join();
  EXPECT_NO_THROW(q.counts());
}

TEST(PostgresSettings, AConnectionStringLibpqCannotReadIsAConfigurationError) {
  EXPECT_NO_THROW(check_postgres_conninfo("host=127.0.0.1 port=5432 dbname=orthanc"));
  EXPECT_NO_THROW(check_postgres_conninfo("postgresql://orthanc@db.hospital/orthanc"));
  EXPECT_THROW(check_postgres_conninfo("host='unterminated"), Error);
}

}  // namespace
}  // namespace ft::archive
