#include "DicomWebClient.h"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "DicomFileLoader.h"
#include "DatasetHelpers.h"
#include "HttpClient.h"
#include "MultipartSplitter.h"
#include "ScuConnection.h"
#include "ft/core/Error.h"
#include "ft/dicom/UidFactory.h"

namespace ft::dicom::detail {
namespace {
using nlohmann::json;
constexpr char kDicomJson[] = "application/dicom+json";

// First value of a DICOM JSON attribute (PS3.18 F.2): strings, numbers or PN Alphabetic.
std::string first_value(const json& object, const char* tag) {
  const auto a = object.find(tag);
  if (a == object.end() || !a->contains("Value") || (*a)["Value"].empty()) return "";
  const json& v = (*a)["Value"][0];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return std::to_string(v.get<double>());
  if (v.is_object()) return v.value("Alphabetic", "");
  return "";
}

json parse_json_answer(const HttpResponse& r, const std::string& what) {
  if (r.status == 204 || r.body.empty()) return json::array();  // no matches
  if (r.status != 200) throw Error(ErrorCode::Network, what + " answered HTTP " + std::to_string(r.status));
  try {
    return json::parse(r.body);
  } catch (const json::exception&) {
    throw Error(ErrorCode::Network, what + " answered something that is not DICOM JSON");
  }
}

void add_param(std::string& url, const char* key, const std::string& value) {
  if (value.empty()) return;
  url += (url.find('?') == std::string::npos ? "?" : "&") + std::string(key) + "=" + url_encode(value);
}

}  // namespace

void dicomweb_echo(const DicomNode& node, const NetworkSettings& settings) {
  HttpClient http(settings);
  const HttpResponse r = http.get(node.dicomweb_url + "/studies?limit=1", kDicomJson);
  if (r.status != 200 && r.status != 204)
    throw Error(ErrorCode::Network, node.text() + " answered HTTP " + std::to_string(r.status) + " (is it a DICOMweb root?)");
}

std::vector<StoreResult> dicomweb_store(const DicomNode& node, const std::vector<std::string>& files,
                                        const NetworkSettings& settings) {
  const std::string boundary = "fibretrack-" + new_uid().substr(8, 20);
  // The request is framed here and its files read as it is sent: a study of any size is
  // sent holding one buffer of it.
  std::vector<HttpClient::BodyPiece> body;
  std::vector<StoreResult> results;
  for (const std::string& f : files) {
    StoreResult r;
    r.file = f;
    try {
      DicomFileLoader loader(f);  // only DICOM files go into the request
      r.sop_instance_uid = get_string(loader.dataset(), DCM_SOPInstanceUID);
      body.push_back({"--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n", ""});
      body.push_back({"", f});
      body.push_back({"\r\n", ""});
    } catch (const Error& e) {
      r.message = e.what();
    }
    results.push_back(r);
  }
  body.push_back({"--" + boundary + "--\r\n", ""});
  HttpClient http(settings);
  const HttpResponse answer = http.post_streamed(
      node.dicomweb_url + "/studies", "multipart/related; type=\"application/dicom\"; boundary=" + boundary, body, kDicomJson);
  if (answer.status == 401 || answer.status == 403)
    throw Error(ErrorCode::Network, "STOW-RS to " + node.text() + " answered HTTP " + std::to_string(answer.status) +
                                        ": not authorised (credentials are taken from the node in the settings or "
                                        "~/.netrc; the outbox keeps none)");
  if (answer.status != 200 && answer.status != 202 && answer.status != 409)
    throw Error(ErrorCode::Network, "STOW-RS to " + node.text() + " answered HTTP " + std::to_string(answer.status));
  // The answer lists what was stored (ReferencedSOPSequence) and what failed
  // (FailedSOPSequence, with a Failure Reason).
  const json j = parse_json_answer({200, answer.content_type, answer.body, {}}, "STOW-RS to " + node.text());
  std::map<std::string, std::string> failed;
  std::set<std::string> stored;
  const json& top = j.is_array() && !j.empty() ? j[0] : j;
  if (!top.is_object()) {  // e.g. 202 with no body: we cannot tell what was stored, so nothing counts
    for (StoreResult& r : results)
      if (r.message.empty()) r.message = "STOW-RS answer names no stored instances (HTTP " + std::to_string(answer.status) + ")";
    return results;
  }
  for (const auto& item : top.value("00081199", json::object()).value("Value", json::array()))
    stored.insert(first_value(item, "00081155"));
  for (const auto& item : top.value("00081198", json::object()).value("Value", json::array()))
    failed[first_value(item, "00081155")] = "failure reason " + first_value(item, "00081197");
  for (StoreResult& r : results) {
    if (!r.message.empty()) continue;
    r.stored = stored.count(r.sop_instance_uid) > 0;
    if (!r.stored) r.message = failed.count(r.sop_instance_uid) ? failed[r.sop_instance_uid] : "not in the STOW-RS answer";
  }
  return results;
}

namespace {

// Whether a Warning header value says the server cut the results at its own maximum. 299 is
// also sent for other things (fuzzy matching or attributes not supported), and one header
// may carry several warnings: the text decides.
bool lists_results_cut(const std::string& warning) {
  std::string lower = warning;
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("299") != std::string::npos && lower.find("number of results exceeded") != std::string::npos;
}

// A QIDO-RS query's matches, at most settings.max_query_matches: one more is asked for, and
// getting it means "too many" (the same refusal as a C-FIND past the limit). A server that
// cut the list at its own maximum says so with Warning 299 (PS3.18 8.3.4.5): a list that
// looks whole but is not is refused the same way, never shown as all there is.
json qido_matches(const DicomNode& node, std::string url, const char* service, const NetworkSettings& settings) {
  add_param(url, "limit", std::to_string(std::int64_t(settings.max_query_matches) + 1));
  HttpClient http(settings);
  const HttpResponse r = http.get(url, kDicomJson);
  for (const std::string& warning : r.warnings)
    if (lists_results_cut(warning))
      throw Error(ErrorCode::InvalidArgument, node.text() + " answered only part of its " + service +
                                                  " matches (\"" + warning + "\"): narrow the query (patient ID, name, date range)");
  json answer = parse_json_answer(r, "QIDO-RS at " + node.text());
  if (answer.size() > std::size_t(settings.max_query_matches)) throw too_many_matches(node, service, settings);
  return answer;
}

}  // namespace

std::vector<StudyMatch> dicomweb_find_studies(const DicomNode& node, const StudyQuery& q, const NetworkSettings& settings) {
  std::string url = node.dicomweb_url + "/studies";
  add_param(url, "PatientID", q.patient_id);
  add_param(url, "PatientName", q.patient_name);
  add_param(url, "StudyDate", q.study_date);
  add_param(url, "AccessionNumber", q.accession_number);
  for (const char* field : {"StudyDescription", "ModalitiesInStudy", "PatientName", "PatientID", "AccessionNumber"})
    add_param(url, "includefield", field);
  std::vector<StudyMatch> matches;
  for (const json& s : qido_matches(node, url, "study", settings))
    matches.push_back({first_value(s, "0020000D"), first_value(s, "00100010"), first_value(s, "00100020"),
                       first_value(s, "00080020"), first_value(s, "00081030"), first_value(s, "00080050"),
                       first_value(s, "00080061")});
  return matches;
}

std::vector<SeriesMatch> dicomweb_find_series(const DicomNode& node, const std::string& study_uid,
                                              const NetworkSettings& settings) {
  std::string url = node.dicomweb_url + "/studies/" + url_encode(study_uid) + "/series";
  add_param(url, "includefield", "SeriesDescription");
  std::vector<SeriesMatch> matches;
  for (const json& s : qido_matches(node, url, "series", settings)) {
    const std::string count = first_value(s, "00201209");
    matches.push_back({first_value(s, "0020000E"), first_value(s, "00080060"), first_value(s, "00200011"),
                       first_value(s, "0008103E"), count.empty() ? -1 : std::stoi(count)});
  }
  return matches;
}

RetrieveResult dicomweb_retrieve_study(const DicomNode& node, const std::string& study_uid, const std::string& directory,
                                       const NetworkSettings& settings) {
  std::filesystem::create_directories(directory);
  // Each part goes to its file as it arrives: the study is never held whole in memory.
  std::optional<MultipartSplitter> splitter;
  HttpClient http(settings);
  const HttpResponse r = http.get_streamed(
      node.dicomweb_url + "/studies/" + url_encode(study_uid), "multipart/related; type=\"application/dicom\"",
      [&](const std::string& content_type, const char* data, std::size_t size) {
        if (!splitter) splitter.emplace(content_type, directory, "wado-");
        splitter->feed(data, size);
      });
  if (r.status == 404) throw Error(ErrorCode::NotFound, node.text() + " has no study " + study_uid);
  if (r.status != 200) throw Error(ErrorCode::Network, "WADO-RS from " + node.text() + " answered HTTP " + std::to_string(r.status));
  if (!splitter) splitter.emplace(r.content_type, directory, "wado-");  // an empty 200 answer
  RetrieveResult result;
  result.method = "WADO-RS";
  for (const ReceivedPart& part : splitter->finish()) result.files.push_back(part.path);
  return result;
}

}  // namespace ft::dicom::detail
