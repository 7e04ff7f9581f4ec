#pragma once
// JobQueue on a SQL database: PostgreSQL for a cluster, SQLite for one node. Every step is
// one statement, so a claim is atomic on both; on PostgreSQL, claimers skip rows another
// claimer has locked (FOR UPDATE SKIP LOCKED) instead of waiting for them.
#include <memory>
#include <mutex>

#include "JobQueue.h"
#include "SqlConnection.h"

namespace ft::archive {

class SqlJobQueue : public JobQueue {
 public:
  SqlJobQueue(std::unique_ptr<SqlConnection> connection, QueuePolicy policy);

  bool enqueue(const ClipJob& clip) override;
  void record_skipped(const ClipJob& clip, const std::string& reason) override;
  std::optional<Claim> claim(const std::string& node) override;
  bool renew(const Claim& claim) override;
  bool finish(const Claim& claim, const std::string& result_json) override;
  bool fail(const Claim& claim, const std::string& reason) override;
  void release(const Claim& claim) override;
  void retry_later(const Claim& claim, const std::string& reason) override;
  bool finished_by(const Claim& claim) override;
  int requeue_study(const std::string& study_id) override;
  std::vector<JobRecord> list(std::optional<JobState> state, int limit) override;
  std::vector<JobRecord> of_study(const std::string& study_id) override;
  std::map<std::string, int> counts() override;
  std::optional<std::int64_t> change_cursor(const std::string& node) override;
  void set_change_cursor(const std::string& node, std::int64_t seq) override;

 private:
  bool insert(const ClipJob& clip, JobState state, const std::string& reason);
  void adopt_earlier_versions();
  bool update_claimed(const Claim& claim, const std::string& set_clause, const std::string& text);
  std::vector<JobRecord> select(const std::string& where, const std::vector<std::string>& params);

  std::mutex mutex_;  // one connection, shared by the node's workers and its REST routes
  std::unique_ptr<SqlConnection> db_;
  const QueuePolicy policy_;
};

}  // namespace ft::archive
