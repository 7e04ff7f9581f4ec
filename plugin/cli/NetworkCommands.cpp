// fibretrack echo / send: checking a PACS node and sending DICOM objects to it.
#include <cstdio>
#include <filesystem>

#include "CommandLine.h"
#include "Commands.h"
#include "ft/core/Error.h"
#include <nlohmann/json.hpp>

#include "ft/dicom/Outbox.h"
#include "ft/dicom/QueryScu.h"
#include "ft/dicom/WorklistScu.h"
#include "ft/dicom/StoreScu.h"

namespace ft::cli {
namespace {
dicom::NetworkSettings network(const CommandLine& cl) {
  dicom::NetworkSettings s;
  s.local_ae_title = cl.value_or("aet", s.local_ae_title);
  s.timeout_s = int(cl.integer_or("timeout", s.timeout_s));
  return s;
}
}  // namespace

int run_echo(const Args& args) {
  const CommandLine cl(args, {});
  cl.reject_unknown({"aet", "timeout"});
  const dicom::DicomNode node = dicom::parse_node(cl.positional_at(0, "NODE (AET@host:port)"));
  dicom::echo(node, network(cl));
  std::printf("%s answers C-ECHO\n", node.text().c_str());
  return 0;
}

// Every object goes through the durable outbox: queued first, removed only after the
// peer's success. What could not be sent stays queued for `fibretrack outbox --retry`.
int run_send(const Args& args) {
  const CommandLine cl(args, {});
  cl.reject_unknown({"to", "aet", "timeout", "outbox"});
  const auto to = cl.value("to");
  if (!to) throw Error(ErrorCode::InvalidArgument, "--to AET@host:port is required");
  const dicom::DicomNode node = dicom::parse_node(*to);
  std::vector<std::string> files;
  for (const std::string& p : cl.positional()) {
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path().string());
    } else {
      files.push_back(p);
    }
  }
  if (files.empty()) throw Error(ErrorCode::InvalidArgument, "nothing to send (give files or folders)");
  dicom::Outbox outbox(cl.value_or("outbox", dicom::default_outbox_directory()));
  std::vector<std::string> queued;
  for (const std::string& f : files) {
    try {
      queued.push_back(outbox.enqueue(f, node).id);
    } catch (const Error& e) {
      std::printf("NOT QUEUED %s: %s\n", f.c_str(), e.what());  // not DICOM, unreadable
    }
  }
  const std::vector<dicom::OutboxJob> left = outbox.deliver(network(cl), /*ignore_backoff=*/true);
  for (const dicom::OutboxJob& j : left)
    std::printf("queued %s for %s: %s\n", j.original_file.c_str(), j.destination.c_str(), j.last_error.c_str());
  std::printf("%zu sent, %zu waiting in the outbox (%s)\n", queued.size() > left.size() ? queued.size() - left.size() : 0,
              left.size(), outbox.directory().c_str());
  return left.empty() && queued.size() == files.size() ? 0 : 1;
}

int run_outbox(const Args& args) {
  const CommandLine cl(args, {"retry"});
  cl.reject_unknown({"retry", "aet", "timeout", "outbox"});
  dicom::Outbox outbox(cl.value_or("outbox", dicom::default_outbox_directory()));
  std::vector<dicom::OutboxJob> jobs = cl.has("retry") ? outbox.deliver(network(cl), true) : outbox.jobs();
  for (const dicom::OutboxJob& j : jobs)
    std::printf("%s  to %s  attempts %d  %s  (%s)\n", j.id.c_str(), j.destination.c_str(), j.attempts,
                j.last_error.empty() ? "waiting" : j.last_error.c_str(), j.original_file.c_str());
  std::printf("%zu object(s) waiting in %s\n", jobs.size(), outbox.directory().c_str());
  return jobs.empty() ? 0 : 1;
}

int run_query(const Args& args) {
  const CommandLine cl(args, {"json"});
  cl.reject_unknown({"patient-id", "patient-name", "study-date", "json", "aet", "timeout"});
  const dicom::DicomNode node = dicom::parse_node(cl.positional_at(0, "NODE (AET@host:port)"));
  dicom::StudyQuery q;
  q.patient_id = cl.value_or("patient-id", "");
  q.patient_name = cl.value_or("patient-name", "");
  q.study_date = cl.value_or("study-date", "");
  for (const auto& m : dicom::find_studies(node, q, network(cl))) {
    if (cl.has("json")) {
      std::printf("%s\n", nlohmann::json{{"study_instance_uid", m.study_instance_uid}, {"patient_name", m.patient_name},
                                          {"patient_id", m.patient_id}, {"study_date", m.study_date},
                                          {"study_description", m.study_description}, {"modalities", m.modalities}}
                               .dump()
                               .c_str());
    } else {
      std::printf("%s  %s (%s)  %s  %s\n", m.study_instance_uid.c_str(), m.patient_name.c_str(), m.patient_id.c_str(),
                  m.study_date.c_str(), m.study_description.c_str());
    }
  }
  return 0;
}

int run_worklist(const Args& args) {
  const CommandLine cl(args, {"json"});
  cl.reject_unknown({"date", "modality", "station", "json", "aet", "timeout"});
  const dicom::DicomNode node = dicom::parse_node(cl.positional_at(0, "NODE (AET@host:port)"));
  dicom::WorklistQuery q;
  q.date = cl.value_or("date", "");
  q.modality = cl.value_or("modality", "US");
  q.station_ae_title = cl.value_or("station", "");
  for (const auto& w : dicom::find_worklist(node, q, network(cl))) {
    if (cl.has("json")) {
      std::printf("%s\n", nlohmann::json{{"patient_name", w.exam.patient_name}, {"patient_id", w.exam.patient_id},
                                          {"accession_number", w.exam.accession_number},
                                          {"study_instance_uid", w.exam.study_instance_uid},
                                          {"scheduled_date", w.scheduled_date}, {"scheduled_time", w.scheduled_time},
                                          {"modality", w.modality}, {"step_description", w.step_description}}
                               .dump()
                               .c_str());
    } else {
      std::printf("%s %s  %s (%s)  accession %s  %s\n", w.scheduled_date.c_str(), w.scheduled_time.c_str(),
                  w.exam.patient_name.c_str(), w.exam.patient_id.c_str(), w.exam.accession_number.c_str(),
                  w.step_description.c_str());
    }
  }
  return 0;
}

}  // namespace ft::cli
