// fibretrack studies / nodes: the local study store and the named nodes in the settings.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "CommandLine.h"
#include "Commands.h"
#include "NetworkOptions.h"
#include "ft/core/Error.h"
#include "ft/dicom/StudyStore.h"

namespace ft::cli {
namespace {

int import_into(dicom::StudyStore& store, const std::vector<std::string>& paths) {
  int imported = 0, refused = 0;
  for (const std::string& f : files_under(paths)) {
    try {
      store.import_file(f);
      ++imported;
    } catch (const Error& e) {
      std::printf("NOT STORED %s: %s\n", f.c_str(), e.what());
      ++refused;
    }
  }
  std::printf("%d file(s) imported into %s\n", imported, store.directory().c_str());
  return refused == 0 ? 0 : 1;
}

void list_series(const dicom::StudyStore& store, const std::string& study, bool json) {
  for (const dicom::StoredSeries& s : store.series(study)) {
    if (json) {
      nlohmann::json files = nlohmann::json::array();
      for (const auto& i : store.instances(s.series_instance_uid)) files.push_back(i.path);
      std::printf("%s\n", nlohmann::json{{"series_instance_uid", s.series_instance_uid}, {"modality", s.modality},
                                          {"series_number", s.series_number}, {"instances", s.instances}, {"files", files}}
                               .dump()
                               .c_str());
    } else {
      std::printf("%s  %s #%s  %s  %d instance(s)\n", s.series_instance_uid.c_str(), s.modality.c_str(),
                  s.series_number.c_str(), s.series_description.c_str(), s.instances);
    }
  }
}

void list_studies(const dicom::StudyStore& store, bool json) {
  for (const dicom::StoredStudy& s : store.studies()) {
    if (json) {
      std::printf("%s\n", nlohmann::json{{"study_instance_uid", s.study_instance_uid}, {"patient_name", s.patient_name},
                                          {"patient_id", s.patient_id}, {"study_date", s.study_date},
                                          {"accession_number", s.accession_number}, {"series", s.series},
                                          {"instances", s.instances}}
                               .dump()
                               .c_str());
    } else {
      std::printf("%s  %s (%s)  %s  %d series, %d instance(s)\n", s.study_instance_uid.c_str(), s.patient_name.c_str(),
                  s.patient_id.c_str(), s.study_date.c_str(), s.series, s.instances);
    }
  }
}

}  // namespace

int run_studies(const Args& args) {
  const CommandLine cl(args, {"json", "rebuild", "tls"});
  cl.reject_unknown(with_network_flags({"store", "study", "json", "rebuild", "remove"}));
  const NetworkOptions net(cl);
  dicom::StudyStore store(cl.value_or("store", net.settings().study_store_directory));
  if (!cl.positional().empty()) return import_into(store, cl.positional());
  if (cl.has("rebuild")) {
    std::printf("%d file(s) indexed in %s\n", store.rebuild_index(), store.directory().c_str());
    return 0;
  }
  if (const auto study = cl.value("remove")) {
    store.remove_study(*study);
    return 0;
  }
  if (const auto study = cl.value("study")) {
    list_series(store, *study, cl.has("json"));
  } else {
    list_studies(store, cl.has("json"));
  }
  return 0;
}

// nodes                       list the named nodes
// nodes add NAME NODE [--tls] add or replace one (AET@host:port or URL)
// nodes remove NAME
int run_nodes(const Args& args) {
  const CommandLine cl(args, {"tls"});
  cl.reject_unknown(NetworkOptions::flags());
  const std::string file = cl.value_or("settings", dicom::default_settings_file());
  dicom::DicomSettings settings = dicom::load_settings(file);
  const std::string action = cl.positional().empty() ? "list" : cl.positional().front();
  if (action == "add") {
    dicom::DicomNode node = dicom::parse_node(cl.positional_at(2, "NODE (AET@host:port or URL)"));
    node.tls = cl.has("tls") && !node.is_dicomweb();
    node.name = cl.positional_at(1, "NAME");
    settings.nodes[node.name] = node;
    dicom::save_settings(settings, file);
  } else if (action == "remove") {
    if (settings.nodes.erase(cl.positional_at(1, "NAME")) == 0)
      throw Error(ErrorCode::NotFound, "no node '" + cl.positional_at(1, "NAME") + "' in " + file);
    dicom::save_settings(settings, file);
  } else if (action != "list") {
    throw Error(ErrorCode::InvalidArgument, "nodes: unknown action '" + action + "' (list, add, remove)");
  }
  for (const auto& [name, node] : settings.nodes) std::printf("%s  %s\n", name.c_str(), node.text().c_str());
  std::printf("local AE title %s, settings %s\n", settings.network.local_ae_title.c_str(), file.c_str());
  return 0;
}

}  // namespace ft::cli
