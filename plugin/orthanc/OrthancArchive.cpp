#include "OrthancArchive.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "ClipSelection.h"
#include "ft/core/Error.h"

namespace ft::archive {
namespace {

// An SDK buffer freed however the call ends.
class Buffer {
 public:
  explicit Buffer(OrthancPluginContext* context) : context_(context) {}
  ~Buffer() {
    if (buffer.data) OrthancPluginFreeMemoryBuffer(context_, &buffer);
  }
  std::string text() const { return std::string(static_cast<const char*>(buffer.data), buffer.size); }
  OrthancPluginMemoryBuffer buffer{nullptr, 0};

 private:
  OrthancPluginContext* context_;
};

void check(OrthancPluginErrorCode code, const std::string& what) {
  if (code == OrthancPluginErrorCode_Success) return;
  // Gone, or its file missing or damaged in the storage area: the clip's state, not a passing
  // trouble, so its job fails instead of coming back.
  const bool missing = code == OrthancPluginErrorCode_UnknownResource || code == OrthancPluginErrorCode_InexistentItem ||
                       code == OrthancPluginErrorCode_InexistentFile || code == OrthancPluginErrorCode_CorruptedFile;
  throw Error(missing ? ErrorCode::NotFound : ErrorCode::Io,
              what + ": Orthanc error " + std::to_string(int(code)));
}

}  // namespace

std::string OrthancArchive::get(const std::string& uri) {
  Buffer answer(context_);
  check(OrthancPluginRestApiGet(context_, &answer.buffer, uri.c_str()), "GET " + uri);
  return answer.text();
}

ArchivedSeries OrthancArchive::series(const std::string& series_id) {
  const nlohmann::json series = get_json("/series/" + series_id);
  const nlohmann::json tags = series.value("MainDicomTags", nlohmann::json::object());
  return {series_id, series.value("ParentStudy", ""), tags.value("Modality", ""),
          series.value("Instances", std::vector<std::string>{})};
}

ArchivedObject OrthancArchive::object(const ArchivedSeries& series, const std::string& instance_id) {
  const nlohmann::json tags = get_json("/instances/" + instance_id).value("MainDicomTags", nlohmann::json::object());
  ArchivedObject o;
  o.clip = {tags.value("SOPInstanceUID", ""), instance_id, series.study_id};
  o.modality = series.modality;
  try {
    o.sop_class_uid = get("/instances/" + instance_id + "/metadata/SopClassUid");
  } catch (const Error& e) {  // indexed by an Orthanc older than this metadata: read the tag
    if (e.code() != ErrorCode::NotFound) throw;
    o.sop_class_uid = get("/instances/" + instance_id + "/content/0008,0016");
    while (!o.sop_class_uid.empty() && (o.sop_class_uid.back() == '\0' || o.sop_class_uid.back() == ' '))
      o.sop_class_uid.pop_back();
  }
  const std::string frames = tags.value("NumberOfFrames", "");
  o.frames = frames.empty() ? 1 : frames_from_number_of_frames(frames);
  return o;
}

ChangesPage OrthancArchive::changes_since(std::int64_t seq, int limit) {
  const nlohmann::json page = get_json("/changes?since=" + std::to_string(seq) + "&limit=" + std::to_string(limit));
  ChangesPage out;
  for (const auto& c : page.value("Changes", nlohmann::json::array()))
    out.changes.push_back({c.value("Seq", std::int64_t(0)), c.value("ChangeType", ""), c.value("ID", "")});
  out.last = page.value("Last", seq);
  out.done = page.value("Done", true);
  return out;
}

std::int64_t OrthancArchive::last_change() { return get_json("/changes?last").value("Last", std::int64_t(0)); }

std::vector<std::string> OrthancArchive::study_series(const std::string& study_id) {
  return get_json("/studies/" + study_id).at("Series").get<std::vector<std::string>>();
}

void OrthancArchive::save_dicom(const std::string& instance_id, const std::string& path) {
  Buffer dicom(context_);
  check(OrthancPluginGetDicomForInstance(context_, &dicom.buffer, instance_id.c_str()), "instance " + instance_id);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorCode::Io, "cannot write " + path);
  const char* data = static_cast<const char*>(dicom.buffer.data);
  std::size_t left = dicom.buffer.size;
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n <= 0) {
      ::close(fd);
      throw Error(ErrorCode::Io, "cannot write " + path + " (disk full?)");
    }
    data += n;
    left -= std::size_t(n);
  }
  if (::close(fd) != 0) throw Error(ErrorCode::Io, "cannot write " + path);
}

std::string OrthancArchive::store_dicom(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string body = bytes.str();
  if (!in || body.empty()) throw Error(ErrorCode::Io, "cannot read " + path);
  if (body.size() > UINT32_MAX) throw Error(ErrorCode::Unsupported, path + " is over the 4 GiB one REST call carries");
  Buffer answer(context_);
  check(OrthancPluginRestApiPost(context_, &answer.buffer, "/instances", body.data(), uint32_t(body.size())),
        "storing " + path);
  return nlohmann::json::parse(answer.text()).value("ID", "");
}

void OrthancArchive::remove(const std::string& instance_id) {
  check(OrthancPluginRestApiDelete(context_, ("/instances/" + instance_id).c_str()), "DELETE /instances/" + instance_id);
}

}  // namespace ft::archive
