#pragma once
// The archive's analysis queue: one job per clip (its SOP Instance UID) and algorithm version.
// A worker on any node claims a job under a lease it renews while it analyses; a node that
// stops renewing (killed, frozen, cut off) loses the lease and another node takes the clip.
// The database is the coordinator: PostgreSQL for a cluster of Orthanc nodes sharing one
// index, SQLite for a single node. Nodes running another algorithm version see only their
// own version's jobs, so an upgrade analyses every clip once more, with the new version.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ft::archive {

enum class JobState { Queued, Running, Done, Failed, Skipped };
const char* to_string(JobState state);
std::optional<JobState> job_state_from_string(const std::string& text);

// What is queued: a clip as the archive names it.
struct ClipJob {
  std::string sop_instance_uid;
  std::string instance_id;  // Orthanc's public ID: the same on every node of a cluster
  std::string study_id;     // Orthanc's public ID of the clip's study
};

struct JobRecord {
  std::int64_t id = 0;
  ClipJob clip;
  JobState state = JobState::Queued;
  std::string node;         // the node that holds or last held it
  int attempts = 0;         // claims so far
  std::string reason;       // why it failed or was skipped
  std::string result_json;  // the analysis' summary once done
  std::string queued_at, finished_at;  // ISO 8601, UTC
};

// A worker's hold on a job. `token` tells this claim from any later one of the same job
// (after the lease ran out, or the study was analysed again): it grows with every claim and
// is never reset, and only the current claim may renew, finish or fail the job.
struct Claim {
  std::int64_t job_id = 0;
  std::int64_t token = 0;
  int attempt = 0;  // 1 for the first claim since the job was (re)queued
  ClipJob clip;
};

struct QueuePolicy {
  std::string algorithm_version;
  int lease_s = 60;       // a claim not renewed for this long is taken by another worker
  int max_attempts = 3;   // a clip whose analysis stopped its node this often fails
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // False when the clip already has a job of this version, in any state: a clip sent
  // again is not analysed again (requeue_study() does that on purpose).
  virtual bool enqueue(const ClipJob& clip) = 0;
  // An object of an analysed modality that is not analysed (one frame, another SOP
  // class): kept with its reason so an administrator sees why no report came.
  virtual void record_skipped(const ClipJob& clip, const std::string& reason) = 0;

  // The oldest queued job, or one whose lease ran out; nothing when there is none. A job
  // claimed max_attempts times without finishing fails instead of being claimed again.
  virtual std::optional<Claim> claim(const std::string& node) = 0;
  // Each returns false when the claim is no longer current (the lease ran out and the job
  // went to another worker): its results must then be dropped, not stored.
  virtual bool renew(const Claim& claim) = 0;
  virtual bool finish(const Claim& claim, const std::string& result_json) = 0;
  virtual bool fail(const Claim& claim, const std::string& reason) = 0;
  // Back to the queue without counting the attempt (the node is shutting down).
  virtual void release(const Claim& claim) = 0;
  // Back to the queue for a reason not the clip's (scratch space, the database), counting the
  // attempt: after max_attempts the job fails with `reason`, so it cannot hold the queue.
  virtual void retry_later(const Claim& claim, const std::string& reason) = 0;
  // Whether the job is done under this claim (a finish whose answer was lost did commit).
  virtual bool finished_by(const Claim& claim) = 0;

  // Every job of the study queued again (a physician asked for a new analysis).
  virtual int requeue_study(const std::string& study_id) = 0;
  virtual std::vector<JobRecord> list(std::optional<JobState> state, int limit) = 0;
  virtual std::vector<JobRecord> of_study(const std::string& study_id) = 0;
  virtual std::map<std::string, int> counts() = 0;

  // Where a node's reading of the archive's change log stands (SeriesIntake): kept with the
  // jobs, so that a node restarted or replaced by one of the same name goes on from there.
  virtual std::optional<std::int64_t> change_cursor(const std::string& node) = 0;
  virtual void set_change_cursor(const std::string& node, std::int64_t seq) = 0;
};

// The reason a job gets when its analysis stopped its node max_attempts times.
std::string abandoned_reason(int attempts);

}  // namespace ft::archive
