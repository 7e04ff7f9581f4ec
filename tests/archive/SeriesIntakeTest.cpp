// Reading the archive's change log: what became stable is queued once, the reading goes on
// from where it stood after a restart, series that never became stable are not lost, a
// change committed behind one already read is still seen, and one series that cannot be
// read does not stop the rest.
#include <gtest/gtest.h>

#include "FakeArchive.h"
#include "SeriesIntake.h"
#include "SqlJobQueue.h"
#include "TestSupport.h"

namespace ft::archive {
namespace {

class SeriesIntakeTest : public ::testing::Test {
 protected:
  SeriesIntakeTest() { settings_.node_name = "node-a"; }
  std::unique_ptr<SqlJobQueue> queue() {
    return std::make_unique<SqlJobQueue>(open_sqlite(dir_.file("jobs.sqlite")), QueuePolicy{"1.0", 60, 3});
  }
  std::unique_ptr<SeriesIntake> intake(JobQueue& q) {
    return std::make_unique<SeriesIntake>(q, archive_, settings_, [this] { ++wakes_; });
  }
  static int queued(JobQueue& q) { return q.counts()["queued"]; }

  test::TempDir dir_;
  FakeArchive archive_;
  ArchiveSettings settings_;
  int wakes_ = 0;
};

TEST_F(SeriesIntakeTest, ANewNodeQueuesWhatBecomesStableFromNowOn) {
  archive_.add_series("old", 1);
  archive_.log_change("StableSeries", "old");
  auto q = queue();
  auto in = intake(*q);
  in->pass();
  EXPECT_EQ(queued(*q), 0) << "earlier studies are queued by hand, not all at once";
  archive_.add_series("a", 2);
  in->pass();
  EXPECT_EQ(queued(*q), 0) << "not before it is stable";
  archive_.log_change("StableSeries", "a");
  in->pass();
  EXPECT_EQ(queued(*q), 2);
  EXPECT_EQ(wakes_, 1);
  EXPECT_EQ(q->change_cursor("node-a"), 4);
}

TEST_F(SeriesIntakeTest, ARestartedNodeGoesOnAndQueuesSeriesThatNeverBecameStable) {
  auto q = queue();
  {
    auto in = intake(*q);
    in->pass();  // an empty log: the node's place is its start
    archive_.add_series("a", 1);
    archive_.add_series("b", 2);  // still arriving when the node stops
    archive_.log_change("StableSeries", "a");
    in->pass();
    EXPECT_EQ(queued(*q), 1);
    EXPECT_EQ(q->change_cursor("node-a"), 1) << "not past b, which is still open";
  }
  archive_.add_series("c", 1);  // arrives while the node is down, and becomes stable
  archive_.log_change("StableSeries", "c");
  auto restarted = intake(*q);
  restarted->pass();
  EXPECT_EQ(queued(*q), 4) << "b (never stable: the node stopped first) and c (while it was down)";
  EXPECT_NE(archive_.log().find("never became stable here"), std::string::npos);
}

TEST_F(SeriesIntakeTest, AChangeCommittedBehindOneAlreadyReadIsStillQueued) {
  auto q = queue();
  auto in = intake(*q);
  in->pass();
  archive_.add_series("a", 1);                   // 1
  archive_.log_change("StableSeries", "a");      // 2
  archive_.add_series("b", 1, 40, "US", 5);      // 3 and 4 are taken by a transaction still open
  archive_.log_change("StableSeries", "b", 6);
  in->pass();
  EXPECT_EQ(queued(*q), 2);
  archive_.add_series("late", 1, 40, "US", 3);   // … and committed now
  archive_.log_change("StableSeries", "late", 4);
  in->pass();
  EXPECT_EQ(queued(*q), 3);
}

TEST_F(SeriesIntakeTest, APlaceBeyondTheLogsEndReadsFromTheEnd) {
  auto q = queue();
  q->set_change_cursor("node-a", 999);  // the index was rebuilt: its log starts again
  auto in = intake(*q);
  in->pass();
  archive_.add_series("a", 1);
  archive_.log_change("StableSeries", "a");
  in->pass();
  EXPECT_EQ(queued(*q), 1);
  EXPECT_NE(archive_.log().find("a new index?"), std::string::npos);
}

TEST_F(SeriesIntakeTest, ASeriesThatCannotBeReadIsPassedOverAfterSomeTriesAndTheRestQueued) {
  auto q = queue();
  auto in = intake(*q);
  in->pass();
  archive_.add_series("bad", 1);
  archive_.add_series("good", 1);
  archive_.log_change("StableSeries", "bad");
  archive_.log_change("StableSeries", "good");
  archive_.fail_series_ = "bad";
  for (int i = 1; i < SeriesIntake::kTriesPerChange; ++i) {
    in->pass();
    EXPECT_EQ(queued(*q), 0) << "held behind the bad series while it may yet be read";
  }
  in->pass();
  EXPECT_EQ(queued(*q), 1);
  const std::string log = archive_.log();
  EXPECT_NE(log.find("passed over after"), std::string::npos);
  EXPECT_EQ(log.find("not queued yet"), log.rfind("not queued yet")) << "said once, not every pass";
}

TEST_F(SeriesIntakeTest, StillImagesAreKeptAsSkippedAndOtherModalitiesOnlyLogged) {
  auto q = queue();
  auto in = intake(*q);
  in->pass();
  archive_.add_series("still", 1, 1);
  archive_.add_series("ct", 3, 1, "CT");
  archive_.log_change("StableSeries", "still");
  archive_.log_change("StableSeries", "ct");
  in->pass();
  EXPECT_EQ(queued(*q), 0);
  EXPECT_EQ(q->counts()["skipped"], 1);
  EXPECT_NE(archive_.log().find("modality CT is not analysed"), std::string::npos);
}

}  // namespace
}  // namespace ft::archive
