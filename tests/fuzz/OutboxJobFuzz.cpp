
// libFuzzer target for the outbox's job files: a job.json beside a queued object, damaged by
// a crash, a full disk or a hand edit. Whatever its bytes, listing the outbox never throws and
// lists the job — sendable or damaged (with its object's path, to send again), never dropped.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "FuzzScratch.h"

#include "ft/dicom/Outbox.h"
#include "ft/dicom/StorageCommitment.h"
#include "ft/dicom/StoreScu.h"

// Listing never sends: the network half of the outbox is not linked into this target.
std::vector<ft::dicom::StoreResult> ft::dicom::store(const DicomNode&, const std::vector<std::string>&,
                                                     const NetworkSettings&) {
  __builtin_trap();
}
ft::dicom::CommitmentReport ft::dicom::request_commitment(const DicomNode&, const std::vector<CommitmentItem>&,
                                                          const NetworkSettings&) {
  __builtin_trap();
}
std::string ft::dicom::failure_reason_text(unsigned) { __builtin_trap(); }

namespace {
void write(const std::string& path, const std::uint8_t* data, std::size_t size) {
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fs = std::filesystem;
  static const std::string outbox = fuzz_scratch("outbox");
  const std::string job = outbox + "/20260101T000000-0001";
  fs::create_directories(job);
  write(job + "/job.json", data, size);
  static const std::uint8_t object[132] = {0};  // a stand-in object: its size is what the job checks
  write(job + "/object.dcm", object, sizeof object);
  const std::vector<ft::dicom::OutboxJob> jobs = ft::dicom::Outbox(outbox).jobs();
  if (jobs.size() != 1 || jobs[0].id != "20260101T000000-0001") __builtin_trap();
  if (jobs[0].damaged && jobs[0].last_error.empty()) __builtin_trap();  // damaged says why
  return 0;
}
