// fibretrack query / retrieve / worklist: finding studies and series on a PACS, pulling a
// study into the local study store, and the modality worklist.
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "CommandLine.h"
#include "Commands.h"
#include "NetworkOptions.h"
#include "ft/core/Error.h"
#include "ft/dicom/QueryScu.h"
#include "ft/dicom/RetrieveScu.h"
#include "ft/dicom/StudyStore.h"
#include "ft/dicom/WorklistScu.h"

namespace ft::cli {
namespace {

void print_series(const std::vector<dicom::SeriesMatch>& series, bool json) {
  for (const auto& s : series) {
    if (json) {
      std::printf("%s\n", nlohmann::json{{"series_instance_uid", s.series_instance_uid}, {"modality", s.modality},
                                          {"series_number", s.series_number}, {"series_description", s.series_description},
                                          {"instances", s.instances}}
                               .dump()
                               .c_str());
    } else {
      std::printf("%s  %s #%s  %s  %d instance(s)\n", s.series_instance_uid.c_str(), s.modality.c_str(),
                  s.series_number.c_str(), s.series_description.c_str(), s.instances);
    }
  }
}

void print_studies(const std::vector<dicom::StudyMatch>& studies, bool json) {
  for (const auto& m : studies) {
    if (json) {
      std::printf("%s\n", nlohmann::json{{"study_instance_uid", m.study_instance_uid}, {"patient_name", m.patient_name},
                                          {"patient_id", m.patient_id}, {"study_date", m.study_date},
                                          {"study_description", m.study_description},
                                          {"accession_number", m.accession_number}, {"modalities", m.modalities}}
                               .dump()
                               .c_str());
    } else {
      std::printf("%s  %s (%s)  %s  %s\n", m.study_instance_uid.c_str(), m.patient_name.c_str(), m.patient_id.c_str(),
                  m.study_date.c_str(), m.study_description.c_str());
    }
  }
}

}  // namespace

// Study level by default; --study UID lists that study's series.
int run_query(const Args& args) {
  const CommandLine cl(args, {"json", "tls"});
  cl.reject_unknown(with_network_flags({"patient-id", "patient-name", "study-date", "accession", "study", "json"}));
  const NetworkOptions net(cl);
  const dicom::DicomNode node = net.node(cl.positional_at(0, "NODE (name, AET@host:port or DICOMweb URL)"));
  if (const auto study = cl.value("study")) {
    print_series(dicom::find_series(node, *study, net.network()), cl.has("json"));
    return 0;
  }
  dicom::StudyQuery q;
  q.patient_id = cl.value_or("patient-id", "");
  q.patient_name = cl.value_or("patient-name", "");
  q.study_date = cl.value_or("study-date", "");
  q.accession_number = cl.value_or("accession", "");
  print_studies(dicom::find_studies(node, q, net.network()), cl.has("json"));
  return 0;
}

// Into a staging folder of the store, then imported: what arrived before a failure is kept.
int run_retrieve(const Args& args) {
  const CommandLine cl(args, {"tls"});
  cl.reject_unknown(with_network_flags({"store", "port"}));
  NetworkOptions net(cl);
  const dicom::DicomNode node = net.node(cl.positional_at(0, "NODE (name, AET@host:port or DICOMweb URL)"));
  const std::string study = cl.positional_at(1, "STUDY_INSTANCE_UID");
  dicom::NetworkSettings network = net.network();
  network.retrieve_port = int(cl.integer_or("port", network.retrieve_port));
  dicom::StudyStore store(cl.value_or("store", net.settings().study_store_directory));
  const dicom::StoreRetrieveResult r = dicom::retrieve_into_store(node, study, store, network);
  for (const std::string& why : r.not_stored) std::printf("NOT STORED %s\n", why.c_str());
  if (!r.error.empty()) {
    if (r.imported > 0) std::printf("%d instance(s) kept in %s before the retrieve stopped\n", r.imported, store.directory().c_str());
    throw Error(ErrorCode::Network, r.error);
  }
  std::printf("%d instance(s) retrieved by %s into %s", r.imported, r.retrieve.method.c_str(), store.directory().c_str());
  if (r.retrieve.failed > 0) std::printf(", %d failed at the peer", r.retrieve.failed);
  if (r.retrieve.unrequested > 0) std::printf(", %d of other studies dropped", r.retrieve.unrequested);
  if (!r.retrieve.refused.empty())
    std::printf(", stores from %s refused (not the node retrieved from)", r.retrieve.refused.c_str());
  std::printf("\n");
  return r.imported > 0 && r.retrieve.failed == 0 && r.not_stored.empty() ? 0 : 1;
}

int run_worklist(const Args& args) {
  const CommandLine cl(args, {"json", "tls"});
  cl.reject_unknown(with_network_flags({"date", "modality", "station", "json"}));
  const NetworkOptions net(cl);
  const dicom::DicomNode node = net.node(cl.positional_at(0, "NODE (name or AET@host:port)"));
  dicom::WorklistQuery q;
  q.date = cl.value_or("date", "");
  q.modality = cl.value_or("modality", "US");
  q.station_ae_title = cl.value_or("station", "");
  for (const auto& w : dicom::find_worklist(node, q, net.network())) {
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
