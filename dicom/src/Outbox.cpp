#include "ft/dicom/Outbox.h"

#include "ft/core/DurableFiles.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "FolderLock.h"
#include "ft/core/JsonNumbers.h"
#include "NodeJson.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomSettings.h"
#include "ft/dicom/StorageCommitment.h"
#include "ft/dicom/UidFactory.h"

namespace ft::dicom {
namespace {
namespace fs = std::filesystem;

long long now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// More attempts than a job file may say it had: beyond any real count (ten years of attempts
// 10 minutes apart), and far from int's end, which ++attempts must never pass.
constexpr int kMostAttempts = 1000000;

// 5 s, 10 s, 20 s ... at most 10 minutes between attempts.
long long backoff_s(int attempts) { return std::min<long long>(600, 5LL << std::min(attempts - 1, 7)); }

// Storage commitment is asked of DIMSE nodes when we have a port to hear the answer on (a TLS
// node's report is heard over TLS). Not of DICOMweb nodes: STOW-RS has no such service.
bool asks_commitment(const DicomNode& node, const NetworkSettings& settings) {
  return settings.commitment_port > 0 && !node.is_dicomweb();
}

// A queued job's copy of its object.
fs::path queued_object(const std::string& directory, const OutboxJob& job) { return fs::path(directory) / job.id / "object.dcm"; }

// The PACS cannot commit this SOP class at all: its C-STORE acknowledgement is all there is.
constexpr unsigned kClassNotCommittable = 0x0122;

std::string sop_class_of(const std::string& object) {
  try {
    detail::DicomFileLoader loader(object);
    return detail::get_string(loader.dataset(), DCM_SOPClassUID);
  } catch (const Error&) {
    return "";  // the PACS reports it as not committed; the job is stored again
  }
}

// The node as the queue keeps it: a DICOMweb URL without its user:password@ (text() leaves
// it out), and the settings name that the credentials can be found under again.
DicomNode without_credentials(DicomNode n) {
  if (n.is_dicomweb()) n.dicomweb_url = n.text();
  return n;
}

nlohmann::json job_json(const OutboxJob& job) {
  return {{"destination", url_without_credentials(job.destination)},
          {"node", detail::node_to_json(without_credentials(job.node))},
          {"node_name", job.node.name},
          {"original_file", job.original_file}, {"sop_instance_uid", job.sop_instance_uid},
          {"sop_class_uid", job.sop_class_uid}, {"stored_unix_s", job.stored_unix_s},
          {"attempts", job.attempts}, {"last_error", job.last_error},
          {"next_attempt_unix_s", job.next_attempt_unix_s}, {"object_bytes", job.object_bytes}};
}

}  // namespace

std::string default_outbox_directory() { return default_config_directory() + "/outbox"; }

namespace {

// A job being queued is built in .incoming-<id> and renamed when whole; one left by a crash
// was never acknowledged (see remove_abandoned_folders). A delivered job's .delivered-<id> left
// by a crash goes at once.
void remove_leftovers(const std::string& directory) {
  detail::remove_abandoned_folders(directory, ".incoming-");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    std::error_code ignored;
    if (entry.path().filename().string().rfind(".delivered-", 0) == 0) fs::remove_all(entry.path(), ignored);
  }
}

// Why a queued copy cannot be sent, or empty: missing, empty, or not the size it was queued
// with (cut short by a power loss before it was synced, in a queue written by an older
// version). The content is not parsed here: DCMTK reads files without a preamble too.
std::string object_damage(const fs::path& object, long long queued_bytes) {
  std::error_code ec;
  const auto size = fs::file_size(object, ec);
  if (ec) return "its copy of the object is missing";
  if (size == 0) return "its copy of the object is empty";
  if (queued_bytes > 0 && (long long)size != queued_bytes)
    return "its copy of the object is " + std::to_string(size) + " bytes, not the " + std::to_string(queued_bytes) +
           " queued";
  return "";
}

}  // namespace

Outbox::Outbox(std::string directory) : directory_(std::move(directory)) {
  try {
    create_directories_durably(directory_, FolderAccess::OwnerOnly);  // patient data
  } catch (const Error& e) {
    throw Error(ErrorCode::Io, "cannot create outbox " + directory_ + ": " + e.what());
  }
  remove_leftovers(directory_);
}

void Outbox::save(const OutboxJob& job) const {
  const nlohmann::json j = job_json(job);
  // A job delivered and removed meanwhile (by another process) is not brought back without its object.
  write_file_durably((fs::path(directory_) / job.id / "job.json").string(), j.dump(1) + '\n', "outbox job",
                     FolderAccess::OwnerOnly, MissingFolders::Refuse);
}

OutboxJob Outbox::enqueue(const std::string& file, const DicomNode& destination) {
  OutboxJob job;
  {
    detail::DicomFileLoader loader(file);  // only DICOM files are queued
    job.sop_instance_uid = detail::get_string(loader.dataset(), DCM_SOPInstanceUID);
    job.sop_class_uid = detail::get_string(loader.dataset(), DCM_SOPClassUID);
  }
  job.destination = destination.text();
  job.node = without_credentials(destination);
  job.original_file = file;
  job.id = std::to_string(now_s()) + "-" + new_uid().substr(5, 12);
  // Built under a hidden name and renamed: a job is complete or absent.
  const fs::path incoming = fs::path(directory_) / (".incoming-" + job.id);
  if (::mkdir(incoming.c_str(), 0700) != 0)
    throw Error(ErrorCode::Io, "cannot queue " + file + ": cannot create " + incoming.string() + ": " + std::strerror(errno));
  const detail::FolderLock being_queued(incoming, /*wait=*/true);  // not abandoned while this process lives
  std::error_code ec;
  fs::copy_file(file, incoming / "object.dcm", ec);
  if (ec) {
    fs::remove_all(incoming);
    throw Error(ErrorCode::Io, "cannot queue " + file + ": " + ec.message());
  }
  job.object_bytes = (long long)fs::file_size(incoming / "object.dcm", ec);
  {
    std::ofstream out(incoming / "job.json");
    out << job_json(job).dump(1) << '\n';
    out.flush();
    if (!out) {  // disk full: the job must not appear without its destination
      out.close();
      fs::remove_all(incoming);
      throw Error(ErrorCode::Io, "cannot queue " + file + ": writing the job failed (disk full?)");
    }
  }
  // The queued object and its job on disk before the folder is published under its id, and
  // the publication itself synced: a send acknowledged to the user survives a power loss.
  try {
    for (const auto& entry : fs::directory_iterator(incoming)) {
      restrict_to_owner(entry.path().string());  // a copy keeps its source's permissions
      sync_path(entry.path().string());
    }
    replace_durably(incoming.string(), (fs::path(directory_) / job.id).string());
  } catch (const std::exception& e) {  // ft::Error, or the folder listing's filesystem_error
    fs::remove_all(incoming, ec);
    throw Error(ErrorCode::Io, "cannot queue " + file + ": " + e.what());
  }
  queued_here_[job.id] = destination;
  return job;
}

std::vector<OutboxJob> Outbox::jobs() const {
  std::vector<OutboxJob> out;
  for (const auto& entry : fs::directory_iterator(directory_)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind(".", 0) == 0) continue;  // half-made (never sent) or delivered
    std::ifstream in(entry.path() / "job.json");
    try {
      if (!in) throw Error(ErrorCode::CorruptData, "no job.json");
      const nlohmann::json j = nlohmann::json::parse(in);
      OutboxJob job;
      job.id = name;
      // Versions before credentials were kept out of the queue wrote them here too: never shown.
      // They stay in the file until the job's next attempt (which uses them) rewrites it.
      job.destination = url_without_credentials(j.at("destination").get<std::string>());
      // Jobs queued before nodes were saved whole carry only AET@host:port.
      job.node = j.contains("node") ? detail::node_from_json(j.value("node_name", ""), j.at("node"))
                                    : parse_node(job.destination);
      job.original_file = j.value("original_file", "");
      job.sop_instance_uid = j.value("sop_instance_uid", "");
      job.sop_class_uid = j.value("sop_class_uid", "");
      constexpr long long kMost = std::numeric_limits<long long>::max();
      job.stored_unix_s = whole_number(j, "stored_unix_s", 0LL, 0LL, kMost);
      job.attempts = whole_number(j, "attempts", 0, 0, kMostAttempts);
      job.last_error = j.value("last_error", "");
      job.next_attempt_unix_s = whole_number(j, "next_attempt_unix_s", 0LL, 0LL, kMost);
      job.object_bytes = whole_number(j, "object_bytes", 0LL, 0LL, kMost);  // 0: queued by an older version
      const std::string damage = object_damage(entry.path() / "object.dcm", job.object_bytes);
      if (!damage.empty()) {  // retrying would fail the same way for ever
        job.damaged = true;
        job.last_error = damage + ": send " + job.original_file + " again";
      }
      out.push_back(job);
    } catch (const std::exception&) {
      // Listed, never silently dropped: the object is there, where it should go is not.
      OutboxJob damaged;
      damaged.id = name;
      damaged.destination = "(unknown)";
      damaged.damaged = true;
      damaged.original_file = (entry.path() / "object.dcm").string();
      damaged.last_error = "job.json is damaged: the destination is unknown; send " + damaged.original_file + " again";
      out.push_back(damaged);
    }
  }
  std::sort(out.begin(), out.end(), [](const OutboxJob& a, const OutboxJob& b) { return a.id < b.id; });
  return out;
}

DicomNode Outbox::with_credentials(const OutboxJob& job) const {
  if (const auto here = queued_here_.find(job.id); here != queued_here_.end()) return here->second;
  if (const auto named = nodes_.find(job.node.name); named != nodes_.end() && named->second.text() == job.node.text())
    return named->second;  // the same service under the same name: its credentials from the settings
  if (job.node.is_dicomweb() && job.node.dicomweb_url == job.node.text())  // none in the job (queued unnamed)
    for (const auto& [name, node] : nodes_)
      if (node.is_dicomweb() && node.text() == job.node.text()) return node;  // the same service in the settings
  return job.node;         // none known: libcurl looks in ~/.netrc
}

std::vector<OutboxJob> Outbox::deliver(const NetworkSettings& settings, bool ignore_backoff,
                                       const std::function<bool(int, int)>& progress) {
  return deliver_list(jobs(), settings, ignore_backoff, progress);
}

std::vector<OutboxJob> Outbox::deliver_jobs(const std::vector<std::string>& ids, const NetworkSettings& settings,
                                            const std::function<bool(int, int)>& progress) {
  std::vector<OutboxJob> chosen;
  for (const OutboxJob& j : jobs())
    if (std::find(ids.begin(), ids.end(), j.id) != ids.end()) chosen.push_back(j);
  return deliver_list(chosen, settings, /*ignore_backoff=*/true, progress);
}

std::vector<OutboxJob> Outbox::deliver_list(const std::vector<OutboxJob>& queued, const NetworkSettings& settings,
                                            bool ignore_backoff, const std::function<bool(int, int)>& progress) {
  std::vector<OutboxJob> left, stored;
  bool stopped = false;
  for (std::size_t i = 0; i < queued.size(); ++i) {
    OutboxJob job = queued[i];
    if (!stopped && progress) stopped = !progress(int(i), int(queued.size()));
    if (stopped || (!ignore_backoff && job.next_attempt_unix_s > now_s())) {
      left.push_back(job);
      continue;
    }
    if (job.damaged) {  // nowhere to send it, or nothing whole to send
      left.push_back(job);
      continue;
    }
    std::string error;
    if (job.stored_unix_s == 0) {  // a job stored already only waits for its commitment
      try {
        const auto results = store(with_credentials(job), {queued_object(directory_, job).string()}, settings);
        if (results.empty() || !results.front().stored) error = results.empty() ? "nothing sent" : results.front().message;
      } catch (const std::exception& e) {  // any failure stays with this job; the queue moves on
        error = e.what();
      }
    }
    if (!error.empty()) {
      save_attempt(job, error);
      left.push_back(job);
      continue;
    }
    if (!asks_commitment(job.node, settings)) {
      remove_delivered(job);  // only now, after the peer's success
      continue;
    }
    if (job.stored_unix_s == 0) {
      job.stored_unix_s = now_s();
      save_quietly(job);  // not lost: at worst it is stored once more
    }
    stored.push_back(job);
  }
  await_commitment(stored, settings, left);
  if (progress && !stopped) progress(int(queued.size()), int(queued.size()));
  return left;
}

// One storage commitment request per destination for the jobs it has acknowledged. A job
// leaves the queue once committed, or at once where the node does not offer the service; one
// the PACS failed to commit is stored again at its next attempt; one it has not answered for
// is asked about again (not sent again) at its next attempt.
void Outbox::await_commitment(const std::vector<OutboxJob>& stored, const NetworkSettings& settings,
                              std::vector<OutboxJob>& left) const {
  std::map<std::string, std::vector<OutboxJob>> by_destination;
  for (const OutboxJob& job : stored) by_destination[job.node.text()].push_back(job);
  for (auto& [destination, jobs] : by_destination) {
    std::vector<CommitmentItem> items;
    for (OutboxJob& job : jobs) {
      if (job.sop_class_uid.empty()) job.sop_class_uid = sop_class_of(queued_object(directory_, job).string());
      items.push_back({job.sop_class_uid, job.sop_instance_uid});
    }
    CommitmentReport report;
    std::string request_error;
    try {
      report = request_commitment(with_credentials(jobs.front()), items, settings);
    } catch (const std::exception& e) {
      request_error = e.what();
    }
    for (OutboxJob& job : jobs) {
      const bool answered = request_error.empty();
      const auto failed = report.failed.find(job.sop_instance_uid);
      const bool not_committable = failed != report.failed.end() && failed->second == kClassNotCommittable;
      if (answered && (!report.offered || report.committed.count(job.sop_instance_uid) || not_committable)) {
        remove_delivered(job);
        continue;
      }
      std::string why = request_error;
      if (answered && failed != report.failed.end()) {
        job.stored_unix_s = 0;  // the PACS does not hold it safely: send it again
        why = destination + " did not commit it (" + failure_reason_text(failed->second) + "): it is sent again";
      } else if (answered) {
        why = report.received ? destination + "'s storage commitment did not name it"
                              : "no storage commitment from " + destination + " within " + std::to_string(settings.timeout_s) +
                                    " s (does it know our AE title and commitment port?" +
                                    (job.node.tls ? " Over TLS: is its certificate trusted, does it name the node, "
                                                    "and may it be used by a client?)"
                                                  : ")");
      }
      save_attempt(job, "stored, not yet committed: " + why);
      left.push_back(job);
    }
  }
}

void Outbox::save_attempt(OutboxJob& job, const std::string& error) const {
  ++job.attempts;
  job.last_error = error;
  job.next_attempt_unix_s = now_s() + backoff_s(job.attempts);
  save_quietly(job);
}

void Outbox::save_quietly(const OutboxJob& job) const {
  try {
    save(job);
  } catch (const std::exception&) {
    // Not recorded (disk full); the job itself stays queued as it was.
  }
}

// Renamed out of the queue first, the rename synced, then removed: a file system that makes
// part of a removal durable (the object gone, job.json not) would otherwise show a delivered
// job as damaged after a power loss; and an unsynced removal would send it again.
void Outbox::remove_delivered(const OutboxJob& job) const {
  const fs::path queued = fs::path(directory_) / job.id, delivered = fs::path(directory_) / (".delivered-" + job.id);
  std::error_code not_renamed, ignored;
  fs::rename(queued, delivered, not_renamed);
  try {
    sync_path(directory_);
  } catch (const Error&) {
    // Delivered all the same; at worst it is sent once more after a crash (same SOP Instance UID).
  }
  fs::remove_all(not_renamed ? queued : delivered, ignored);  // what is left: removed when the queue is next opened
}

}  // namespace ft::dicom
