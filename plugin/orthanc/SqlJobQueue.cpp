#include "SqlJobQueue.h"

#include <ctime>

namespace ft::archive {
namespace {

const char* const kStates[] = {"queued", "running", "done", "failed", "skipped"};
const std::string kAbandonedBefore = "the analysis did not finish in ";
const std::string kAbandonedAfter = " attempts: each time the node running it stopped or lost its lease";
const char* const kColumns =
    "id, sop_instance_uid, instance_id, study_id, state, node, attempts, reason, result, queued_at, finished_at";

std::string iso_utc(const std::string& epoch_s) {
  if (epoch_s.empty()) return "";
  const std::time_t t = std::time_t(std::stoll(epoch_s));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

JobRecord record_of(const SqlRow& r) {
  JobRecord j;
  j.id = std::stoll(r[0]);
  j.clip = {r[1], r[2], r[3]};
  j.state = job_state_from_string(r[4]).value_or(JobState::Failed);
  j.node = r[5];
  j.attempts = std::stoi(r[6]);
  j.reason = r[7];
  j.result_json = r[8];
  j.queued_at = iso_utc(r[9]);
  j.finished_at = iso_utc(r[10]);
  return j;
}

}  // namespace

const char* to_string(JobState state) { return kStates[int(state)]; }

const std::vector<std::string>& shared_job_schema() {
  static const std::vector<std::string> statements{
      "CREATE INDEX IF NOT EXISTS fibretrack_jobs_by_state ON fibretrack_jobs (algorithm_version, state, id)",
      "CREATE INDEX IF NOT EXISTS fibretrack_jobs_by_study ON fibretrack_jobs (study_id)",
      "CREATE TABLE IF NOT EXISTS fibretrack_cursors (node TEXT PRIMARY KEY, seq BIGINT NOT NULL)"};
  return statements;
}

std::optional<JobState> job_state_from_string(const std::string& text) {
  for (int i = 0; i < 5; ++i)
    if (text == kStates[i]) return JobState(i);
  return std::nullopt;
}

std::string abandoned_reason(int attempts) { return kAbandonedBefore + std::to_string(attempts) + kAbandonedAfter; }

SqlJobQueue::SqlJobQueue(std::unique_ptr<SqlConnection> connection, QueuePolicy policy)
    : db_(std::move(connection)), policy_(std::move(policy)) {
  db_->create_job_table();
  adopt_earlier_versions();
}

// After an upgrade, clips an earlier version had queued or was analysing are this version's
// to analyse (the earlier rows stay as they were, for the record).
void SqlJobQueue::adopt_earlier_versions() {
  db_->execute("INSERT INTO fibretrack_jobs (sop_instance_uid, algorithm_version, instance_id, study_id, state, queued_at) "
               "SELECT sop_instance_uid, CAST($1 AS TEXT), instance_id, study_id, 'queued', queued_at FROM fibretrack_jobs "
               "WHERE algorithm_version <> $1 AND state IN ('queued', 'running') "
               "ON CONFLICT (sop_instance_uid, algorithm_version) DO NOTHING",
               {policy_.algorithm_version});
}

bool SqlJobQueue::insert(const ClipJob& clip, JobState state, const std::string& reason) {
  std::lock_guard lock(mutex_);
  return db_->execute("INSERT INTO fibretrack_jobs (sop_instance_uid, algorithm_version, instance_id, study_id, state, "
                      "reason, queued_at) VALUES ($1, $2, $3, $4, $5, $6, " + db_->now_s() +
                          ") ON CONFLICT (sop_instance_uid, algorithm_version) DO NOTHING",
                      {clip.sop_instance_uid, policy_.algorithm_version, clip.instance_id, clip.study_id,
                       to_string(state), reason}) == 1;
}

bool SqlJobQueue::enqueue(const ClipJob& clip) { return insert(clip, JobState::Queued, ""); }

void SqlJobQueue::record_skipped(const ClipJob& clip, const std::string& reason) {
  insert(clip, JobState::Skipped, reason);
}

std::optional<Claim> SqlJobQueue::claim(const std::string& node) {
  const std::string version = policy_.algorithm_version, max = std::to_string(policy_.max_attempts);
  std::lock_guard lock(mutex_);
  // Clips that stopped their node too often are given up first, so they are never claimed.
  db_->execute("UPDATE fibretrack_jobs SET state = 'failed', finished_at = " + db_->now_s() +
                   ", reason = CAST($3 AS TEXT) || attempts || CAST($4 AS TEXT) WHERE algorithm_version = $1 AND "
                   "state = 'running' AND lease_until < " + db_->now_s() + " AND attempts >= CAST($2 AS INTEGER)",
               {version, max, kAbandonedBefore, kAbandonedAfter});
  const auto rows = db_->query(
      "UPDATE fibretrack_jobs SET state = 'running', node = $2, attempts = attempts + 1, claim_seq = claim_seq + 1, "
      "reason = '', lease_until = " + db_->now_s() + " + CAST($3 AS INTEGER) WHERE id = (SELECT id FROM fibretrack_jobs "
      "WHERE algorithm_version = $1 AND (state = 'queued' OR (state = 'running' AND lease_until < " + db_->now_s() +
          " AND attempts < CAST($4 AS INTEGER))) ORDER BY id LIMIT 1" + db_->lock_skipping_locked() +
          ") RETURNING id, claim_seq, attempts, sop_instance_uid, instance_id, study_id",
      {version, node, std::to_string(policy_.lease_s), max});
  if (rows.empty()) return std::nullopt;
  const SqlRow& r = rows.front();
  return Claim{std::stoll(r[0]), std::stoll(r[1]), std::stoi(r[2]), {r[3], r[4], r[5]}};
}

bool SqlJobQueue::update_claimed(const Claim& claim, const std::string& set_clause, const std::string& text) {
  std::lock_guard lock(mutex_);
  return db_->execute("UPDATE fibretrack_jobs SET " + set_clause +
                          " WHERE id = CAST($1 AS BIGINT) AND claim_seq = CAST($2 AS BIGINT) AND state = 'running'",
                      {std::to_string(claim.job_id), std::to_string(claim.token), text}) == 1;
}

bool SqlJobQueue::renew(const Claim& claim) {
  return update_claimed(claim, "lease_until = " + db_->now_s() + " + CAST($3 AS INTEGER)",
                        std::to_string(policy_.lease_s));
}

bool SqlJobQueue::finish(const Claim& claim, const std::string& result_json) {
  return update_claimed(claim, "state = 'done', result = $3, lease_until = NULL, finished_at = " + db_->now_s(),
                        result_json);
}

bool SqlJobQueue::fail(const Claim& claim, const std::string& reason) {
  return update_claimed(claim, "state = 'failed', reason = $3, lease_until = NULL, finished_at = " + db_->now_s(),
                        reason);
}

void SqlJobQueue::release(const Claim& claim) {
  update_claimed(claim, "state = 'queued', attempts = attempts - 1, node = $3, lease_until = NULL", "");
}

void SqlJobQueue::retry_later(const Claim& claim, const std::string& reason) {
  const std::string max = std::to_string(policy_.max_attempts);
  if (claim.attempt >= policy_.max_attempts)
    update_claimed(claim, "state = 'failed', reason = $3, lease_until = NULL, finished_at = " + db_->now_s(),
                   reason + " (" + max + " attempts)");
  else
    update_claimed(claim, "state = 'queued', reason = $3, node = '', lease_until = NULL", reason);
}

bool SqlJobQueue::finished_by(const Claim& claim) {
  std::lock_guard lock(mutex_);
  return !db_->query("SELECT id FROM fibretrack_jobs WHERE id = CAST($1 AS BIGINT) AND claim_seq = CAST($2 AS BIGINT) "
                     "AND state = 'done'", {std::to_string(claim.job_id), std::to_string(claim.token)}).empty();
}

int SqlJobQueue::requeue_study(const std::string& study_id) {
  std::lock_guard lock(mutex_);
  return db_->execute(
      "UPDATE fibretrack_jobs SET state = 'queued', attempts = 0, reason = '', result = '', node = '', "
      "finished_at = NULL, queued_at = " + db_->now_s() +
          " WHERE study_id = $1 AND algorithm_version = $2 AND state IN ('done', 'failed')",
      {study_id, policy_.algorithm_version});
}

std::vector<JobRecord> SqlJobQueue::select(const std::string& where, const std::vector<std::string>& params) {
  std::lock_guard lock(mutex_);
  std::vector<JobRecord> jobs;
  for (const SqlRow& r : db_->query(std::string("SELECT ") + kColumns + " FROM fibretrack_jobs WHERE " + where, params))
    jobs.push_back(record_of(r));
  return jobs;
}

std::vector<JobRecord> SqlJobQueue::list(std::optional<JobState> state, int limit) {
  return select("algorithm_version = $1 AND ($2 = '' OR state = $2) ORDER BY id DESC LIMIT CAST($3 AS INTEGER)",
                {policy_.algorithm_version, state ? to_string(*state) : "", std::to_string(limit)});
}

std::vector<JobRecord> SqlJobQueue::of_study(const std::string& study_id) {
  return select("algorithm_version = $1 AND study_id = $2 ORDER BY id", {policy_.algorithm_version, study_id});
}

std::map<std::string, int> SqlJobQueue::counts() {
  std::map<std::string, int> n;
  for (const char* s : kStates) n[s] = 0;
  std::lock_guard lock(mutex_);
  for (const SqlRow& r : db_->query("SELECT state, COUNT(*) FROM fibretrack_jobs WHERE algorithm_version = $1 "
                                    "GROUP BY state", {policy_.algorithm_version}))
    n[r[0]] = std::stoi(r[1]);
  return n;
}

std::optional<std::int64_t> SqlJobQueue::change_cursor(const std::string& node) {
  std::lock_guard lock(mutex_);
  const auto rows = db_->query("SELECT seq FROM fibretrack_cursors WHERE node = $1", {node});
  if (rows.empty()) return std::nullopt;
  return std::stoll(rows[0][0]);
}

void SqlJobQueue::set_change_cursor(const std::string& node, std::int64_t seq) {
  std::lock_guard lock(mutex_);
  db_->execute("INSERT INTO fibretrack_cursors (node, seq) VALUES ($1, CAST($2 AS BIGINT)) "
               "ON CONFLICT (node) DO UPDATE SET seq = excluded.seq", {node, std::to_string(seq)});
}

}  // namespace ft::archive
