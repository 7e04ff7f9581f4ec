#include "AnalysisWorkers.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

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

std::string why_failed(const ProcessOutcome& o, int timeout_s) {
  using K = ProcessOutcome::Kind;
  const std::string said = last_line(o.output);
  if (o.kind == K::TimedOut) return "the analysis ran longer than " + std::to_string(timeout_s) + " s and was stopped";
  if (o.kind == K::Signalled)
    return "the analysis stopped on signal " + std::to_string(o.code) + (said.empty() ? "" : " after: " + said);
  return said.empty() ? "the analysis ended with status " + std::to_string(o.code) : said;
}

}  // namespace

AnalysisWorkers::AnalysisWorkers(JobQueue& queue, Archive& archive, ArchiveSettings settings)
    : queue_(queue), archive_(archive), settings_(std::move(settings)) {}

AnalysisWorkers::~AnalysisWorkers() { stop(); }

void AnalysisWorkers::start() {
  for (int i = 0; i < settings_.workers; ++i) threads_.emplace_back([this] { run(); });
}

void AnalysisWorkers::stop() {
  stop_ = true;
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
    } catch (const std::exception& e) {
      archive_.log_warning(std::string("FibreTrack: cannot read the job queue (will retry): ") + e.what());
    }
    if (claim) {
      ++running_;
      try {
        analyse(*claim);
      } catch (const std::exception& e) {
        // The job stays running under a lease nobody renews: another worker retries it.
        archive_.log_error("FibreTrack: " + claim->clip.instance_id + ": " + e.what());
      }
      --running_;
      continue;
    }
    std::unique_lock lock(mutex_);
    woken_.wait_for(lock, std::chrono::duration<double>(settings_.poll_s), [this] { return stop_ || work_queued_; });
    work_queued_ = false;
  }
}

void AnalysisWorkers::analyse(const Claim& claim) {
  const std::string& id = claim.clip.instance_id;
  archive_.log_info("FibreTrack: analysing " + id + " (attempt " + std::to_string(claim.attempt) + ")");
  const ScratchFolder dir(settings_.scratch_dir);
  try {
    archive_.save_dicom(id, dir.file("clip.dcm"));
  } catch (const Error& e) {
    queue_.fail(claim, std::string("the clip cannot be read from the archive: ") + e.what());
    return;
  }
  std::vector<std::string> argv{settings_.executable, "analyze", dir.file("clip.dcm"), "--json", dir.file("analysis.json"),
                                "--dicom-out", dir.file("out"), "--backend", settings_.backend};
  if (settings_.burn_in) argv.push_back("--burn-in");
  Supervision supervision;
  supervision.timeout_s = settings_.timeout_s;
  supervision.heartbeat_s = settings_.lease_s / 3.0;
  supervision.stop = &stop_;
  supervision.heartbeat = [&] {
    try {
      return queue_.renew(claim);
    } catch (const std::exception& e) {  // the database is away: keep working, the lease may hold
      archive_.log_warning(std::string("FibreTrack: cannot renew a lease: ") + e.what());
      return true;
    }
  };
  const ProcessOutcome outcome = run_supervised(argv, dir.file("output.txt"), supervision);
  using K = ProcessOutcome::Kind;
  if (outcome.kind == K::Stopped) {
    queue_.release(claim);
    archive_.log_info("FibreTrack: " + id + " queued again: the node is stopping");
  } else if (outcome.kind == K::Abandoned) {
    archive_.log_warning("FibreTrack: " + id + ": the lease was lost to another node; this node's analysis is dropped");
  } else if (outcome.kind == K::Exited && outcome.code == 0) {
    store_results(claim, dir.path, outcome.output);
  } else {
    const std::string reason = why_failed(outcome, settings_.timeout_s);
    queue_.fail(claim, reason);
    archive_.log_warning("FibreTrack: " + id + " not analysed: " + reason);
  }
}

void AnalysisWorkers::store_results(const Claim& claim, const std::string& dir, const std::string& output) {
  const std::string& id = claim.clip.instance_id;
  // The last chance to find the clip gone to another node before anything is stored.
  if (!queue_.renew(claim)) {
    archive_.log_warning("FibreTrack: " + id + ": the lease was lost before storing; nothing stored");
    return;
  }
  nlohmann::json analysis;
  std::ifstream(dir + "/analysis.json") >> analysis;
  nlohmann::json stored = nlohmann::json::array();
  for (const auto& [path, kind] : written_objects(output)) {
    try {
      stored.push_back({{"kind", kind}, {"instance", archive_.store_dicom(path)}});
    } catch (const Error& e) {
      queue_.fail(claim, "the " + kind + " could not be stored: " + e.what());
      return;
    }
  }
  const nlohmann::json result{{"tear_detected", analysis.value("tear_detected", false)},
                              {"conclusive", analysis.value("conclusive", false)},
                              {"findings", analysis.value("findings", nlohmann::json::array())},
                              {"notes", analysis.value("notes", nlohmann::json::array())},
                              {"stored", stored}};
  queue_.finish(claim, result.dump());
  archive_.log_info("FibreTrack: " + id + " analysed: " + last_line(output.substr(0, output.find("\n  "))) + "; " +
                    std::to_string(stored.size()) + " objects stored in its study");
}

}  // namespace ft::archive
