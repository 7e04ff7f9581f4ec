#include "AnalysisWorkers.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "SupervisedProcess.h"
#include "ft/core/Error.h"

namespace ft::archive {
namespace {

namespace fs = std::filesystem;

// A private folder for one clip's files (the clip names a patient): removed however the
// analysis ends.
class ScratchFolder {
 public:
  explicit ScratchFolder(const std::string& parent) {
    std::string templ = parent + "/fibretrack-XXXXXX";
    if (!::mkdtemp(templ.data())) throw Error(ErrorCode::Io, "cannot make a folder in " + parent);
    path = templ;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

// "wrote PATH (KIND)" lines of `fibretrack analyze --dicom-out`, in the order written.
std::vector<std::pair<std::string, std::string>> written_objects(const std::string& output) {
  std::vector<std::pair<std::string, std::string>> objects;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    const auto open = line.rfind(" (");
    if (line.rfind("wrote ", 0) != 0 || open == std::string::npos || line.back() != ')') continue;
    objects.emplace_back(line.substr(6, open - 6), line.substr(open + 2, line.size() - open - 3));
  }
  return objects;
}

// `analyze` says "…/clip.dcm: no tear found (tracked …)": the verdict without the scratch path.
std::string verdict_of(const std::string& output) {
  const auto at = output.find("clip.dcm: ");
  if (at == std::string::npos) return "done";
  const auto end = output.find('\n', at);
  return output.substr(at + 10, end == std::string::npos ? std::string::npos : end - at - 10);
}

std::string why_failed(const ProcessOutcome& o, int timeout_s) {
  using K = ProcessOutcome::Kind;
  const std::string said = last_line(o.output);
  if (o.kind == K::TimedOut) return "the analysis ran longer than " + std::to_string(timeout_s) + " s and was stopped";
  if (o.kind == K::Signalled)
    return "the analysis stopped on signal " + std::to_string(o.code) + (said.empty() ? "" : " after: " + said);
  return said.empty() ? "the analysis ended with status " + std::to_string(o.code) : said;
}

}  // namespace

LeaseKeeper::LeaseKeeper(JobQueue& queue, const Claim& claim, int lease_s)
    : queue_(queue), claim_(claim), lease_(std::chrono::seconds(lease_s)), renewed_(Clock::now()) {}

bool LeaseKeeper::renew(Archive& archive) {
  if (lost_) return false;
  try {
    lost_ = !queue_.renew(claim_);
    renewed_ = Clock::now();
  } catch (const std::exception& e) {
    // The database is away: the lease may still hold, but not past its term less a margin
    // (another node may take the clip the moment it runs out).
    archive.log_warning(std::string("FibreTrack: cannot renew a lease: ") + e.what());
    lost_ = Clock::now() - renewed_ > lease_ * 2 / 3;
  }
  return !lost_;
}

AnalysisWorkers::AnalysisWorkers(JobQueue& queue, Archive& archive, ArchiveSettings settings)
    : queue_(queue), archive_(archive), settings_(std::move(settings)), queue_trouble_(archive) {}

AnalysisWorkers::~AnalysisWorkers() { stop(); }

void AnalysisWorkers::start() {
  for (int i = 0; i < settings_.workers; ++i) threads_.emplace_back([this] { run(); });
}

void AnalysisWorkers::stop() {
  {
    std::lock_guard lock(mutex_);  // a worker about to wait sees it, or is woken
    stop_ = true;
  }
  woken_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void AnalysisWorkers::wake() {
  {
    std::lock_guard lock(mutex_);
    work_queued_ = true;
  }
  woken_.notify_all();
}

void AnalysisWorkers::run() {
  while (!stop_) {
    std::optional<Claim> claim;
    try {
      claim = queue_.claim(settings_.node_name);
      queue_trouble_.clear();
    } catch (const std::exception& e) {
      queue_trouble_.report(std::string("cannot read the job queue (will retry): ") + e.what());
    }
    if (claim) {
      ++running_;
      const bool retry_later = !analyse(*claim);
      --running_;
      if (!retry_later) continue;
    }
    std::unique_lock lock(mutex_);
    woken_.wait_for(lock, std::chrono::duration<double>(claim ? 5 * settings_.poll_s : settings_.poll_s),
                    [this] { return stop_ || work_queued_; });
    work_queued_ = false;
  }
}

bool AnalysisWorkers::analyse(const Claim& claim) {
  try {
    analyse_or_throw(claim);
    return true;
  } catch (const std::exception& e) {
    // Not the clip's fault (scratch space, the database): back to the queue, tried later,
    // the attempt counted so that it cannot come back for ever.
    archive_.log_warning("FibreTrack: " + claim.clip.instance_id + " queued again after: " + e.what());
    try {
      queue_.retry_later(claim, e.what());
    } catch (const std::exception&) {  // the lease runs out and another worker takes it
    }
    return false;
  }
}

void AnalysisWorkers::analyse_or_throw(const Claim& claim) {
  const std::string& id = claim.clip.instance_id;
  archive_.log_warning("FibreTrack: analysing " + id + " (attempt " + std::to_string(claim.attempt) + ")");
  LeaseKeeper lease(queue_, claim, settings_.lease_s);
  const ScratchFolder dir(settings_.scratch_dir);
  try {
    archive_.save_dicom(id, dir.file("clip.dcm"));
  } catch (const Error& e) {
    if (e.code() != ErrorCode::NotFound) throw;
    queue_.fail(claim, std::string("the clip is no longer in the archive: ") + e.what());
    return;
  }
  std::vector<std::string> argv{settings_.executable, "analyze", dir.file("clip.dcm"), "--json", dir.file("analysis.json"),
                                "--dicom-out", dir.file("out"), "--backend", settings_.backend};
  if (settings_.burn_in) argv.push_back("--burn-in");
  Supervision supervision;
  supervision.timeout_s = settings_.timeout_s;
  supervision.heartbeat_s = settings_.lease_s / 3.0;
  supervision.stop = &stop_;
  supervision.heartbeat = [&] { return lease.renew(archive_); };
  const ProcessOutcome outcome = run_supervised(argv, dir.file("output.txt"), supervision);
  using K = ProcessOutcome::Kind;
  if (outcome.kind == K::Stopped) {
    queue_.release(claim);
    archive_.log_info("FibreTrack: " + id + " queued again: the node is stopping");
  } else if (outcome.kind == K::Abandoned) {
    archive_.log_warning("FibreTrack: " + id + ": the lease was lost to another node; this node's analysis is dropped");
  } else if (outcome.kind == K::Exited && outcome.code == 0) {
    store_results(claim, lease, dir.path, outcome.output);
  } else {
    const std::string reason = why_failed(outcome, settings_.timeout_s);
    queue_.fail(claim, reason);
    archive_.log_warning("FibreTrack: " + id + " not analysed: " + reason);
  }
}

void AnalysisWorkers::store_results(const Claim& claim, LeaseKeeper& lease, const std::string& dir,
                                    const std::string& output) {
  const std::string& id = claim.clip.instance_id;
  const auto objects = written_objects(output);
  const bool has_report = std::any_of(objects.begin(), objects.end(), [](const auto& o) { return o.second == "measurement report"; });
  if (!has_report) {
    queue_.fail(claim, "the analysis wrote no measurement report");
    return;
  }
  nlohmann::json analysis;
  std::ifstream(dir + "/analysis.json") >> analysis;
  std::vector<StoredObject> stored;
  for (const auto& [path, kind] : objects) {
    // Each object is stored only while the clip is still this node's: once the lease is
    // lost, another node analyses it and stores its own.
    if (!lease.renew(archive_)) {
      withdraw(stored);
      archive_.log_warning("FibreTrack: " + id + ": the lease was lost while storing; what was stored is withdrawn");
      return;
    }
    try {
      stored.push_back({kind, archive_.store_dicom(path)});
    } catch (const Error& e) {
      withdraw(stored);
      queue_.fail(claim, "the " + kind + " could not be stored: " + e.what());
      return;
    }
  }
  nlohmann::json stored_json = nlohmann::json::array();
  for (const StoredObject& o : stored) stored_json.push_back({{"kind", o.kind}, {"instance", o.instance}});
  const nlohmann::json result{{"tear_detected", analysis.value("tear_detected", false)},
                              {"conclusive", analysis.value("conclusive", false)},
                              {"verdict", analysis.value("verdict", "")},
                              {"findings", analysis.value("findings", nlohmann::json::array())},
                              {"notes", analysis.value("notes", nlohmann::json::array())},
                              {"stored", stored_json}};
  if (!mark_done(claim, lease, result.dump())) {
    withdraw(stored);
    archive_.log_warning("FibreTrack: " + id + ": the job went to another node before it was marked done; "
                         "what was stored is withdrawn");
    return;
  }
  archive_.log_warning("FibreTrack: " + id + " analysed: " + verdict_of(output) + "; " + std::to_string(stored.size()) +
                    " objects stored in its study");
}

// Done under this claim, or not (then what it stored must go). A finish the database did not
// answer is tried again while the lease may hold; one that committed with its answer lost
// is found so.
bool AnalysisWorkers::mark_done(const Claim& claim, LeaseKeeper& lease, const std::string& result) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(settings_.lease_s);
  for (;;) {
    try {
      return queue_.finish(claim, result) || queue_.finished_by(claim);
    } catch (const std::exception& e) {
      // A lasting error (not a lost connection) must not hold the worker either.
      if (stop_ || !lease.renew(archive_) || std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
}

void AnalysisWorkers::withdraw(const std::vector<StoredObject>& stored) {
  for (const StoredObject& o : stored) {
    try {
      archive_.remove(o.instance);
    } catch (const std::exception& e) {
      archive_.log_error("FibreTrack: a " + o.kind + " stored twice could not be withdrawn (" + o.instance + "): " + e.what());
    }
  }
}

}  // namespace ft::archive
