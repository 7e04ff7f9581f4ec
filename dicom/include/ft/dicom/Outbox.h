#pragma once
// The durable outbox: every object to send is first copied into an on-disk queue, and
// leaves it only after the peer answered success — with a commitment port in the settings,
// only after a PACS that offers Storage Commitment has committed it (StorageCommitment.h). A job becomes visible only once its
// copy is complete (written under a temporary name, then renamed), so a crash never
// sends half a file; failed sends are retried with backoff; the queue survives restarts.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ft/dicom/StoreScu.h"

namespace ft::dicom {

struct OutboxJob {
  std::string id;           // folder name in the outbox
  std::string destination;  // AET@host:port or URL, for people
  DicomNode node;           // where it goes (TLS, DICOMweb included)
  std::string original_file;
  std::string sop_instance_uid;
  std::string sop_class_uid;      // empty in jobs queued before storage commitment: read from the object
  long long stored_unix_s = 0;    // when the PACS acknowledged its C-STORE, while its storage commitment
                                  // is awaited (0: not stored yet, or stored again after a failed one)
  int attempts = 0;
  std::string last_error;
  long long next_attempt_unix_s = 0;
  long long object_bytes = 0;  // the queued copy's size (0: unknown, an older queue)
  bool damaged = false;     // its description or its copy of the object is lost: listed, never sent
};

class Outbox {
 public:
  // Creates the folder (0700 when it makes it); removes what a crash left of jobs being
  // queued (.incoming-* folders whose maker is gone: never published, never acknowledged).
  explicit Outbox(std::string directory);
  const std::string& directory() const { return directory_; }

  // Credentials are never written into the queue (a DICOMweb URL's user:password@ is left out
  // of the job file). A job queued by this object keeps them in memory; a later process finds
  // them in the node of the same name (or, for a job queued to a typed URL, the same URL) from
  // the settings (use_nodes), else in ~/.netrc. A job an earlier version wrote with them is
  // sent with them once more, and rewritten without them at that attempt.
  void use_nodes(std::map<std::string, DicomNode> nodes_by_name) { nodes_ = std::move(nodes_by_name); }

  // Copies `file` into the queue for `destination`; returns the job. Throws ft::Error.
  OutboxJob enqueue(const std::string& file, const DicomNode& destination);
  // Every job, damaged ones included (with the reason in last_error).
  std::vector<OutboxJob> jobs() const;
  // Tries every job that is due (all of them with `ignore_backoff`); returns the jobs
  // that are still queued afterwards. `progress(done, total)` is called before each job
  // and once at the end; returning false stops there (the rest stays queued).
  std::vector<OutboxJob> deliver(const NetworkSettings& settings, bool ignore_backoff,
                                 const std::function<bool(int done, int total)>& progress = {});
  // The same for the jobs with these ids only (what one send queued), now.
  std::vector<OutboxJob> deliver_jobs(const std::vector<std::string>& ids, const NetworkSettings& settings,
                                      const std::function<bool(int done, int total)>& progress = {});

 private:
  std::vector<OutboxJob> deliver_list(const std::vector<OutboxJob>& queued, const NetworkSettings& settings,
                                      bool ignore_backoff, const std::function<bool(int, int)>& progress);
  void save(const OutboxJob& job) const;
  void save_quietly(const OutboxJob& job) const;
  void save_attempt(OutboxJob& job, const std::string& error) const;
  void remove_delivered(const OutboxJob& job) const;
  void await_commitment(const std::vector<OutboxJob>& stored, const NetworkSettings& settings,
                        std::vector<OutboxJob>& left) const;
  DicomNode with_credentials(const OutboxJob& job) const;
  std::string directory_;
  std::map<std::string, DicomNode> nodes_;              // from the settings, by name
  std::map<std::string, DicomNode> queued_here_;        // job id -> the node as given, credentials included
};

// <config>/outbox (see default_config_directory in DicomSettings.h).
std::string default_outbox_directory();

}  // namespace ft::dicom
