#include "ft/plugin/SourceFactory.h"

#include <map>

#include "DicomReplaySource.h"
#include "VideoGrabberSource.h"
#include "ft/core/Error.h"
#include "ft/probes/OpenIGTLinkSource.h"
#include "ft/probes/SimulatedProbe.h"
#include "ft/probes/SimulationPreset.h"

namespace ft {
namespace {

struct Uri {
  std::string scheme;
  std::string path;
  std::map<std::string, std::string> query;
};

Uri parse(const std::string& text) {
  Uri u;
  const auto colon = text.find(':');
  if (colon == std::string::npos) throw Error(ErrorCode::InvalidArgument, "source '" + text + "' has no scheme (sim:, file:)");
  u.scheme = text.substr(0, colon);
  std::string rest = text.substr(colon + 1);
  const auto q = rest.find('?');
  u.path = rest.substr(0, q);
  if (q != std::string::npos) {
    std::string query = rest.substr(q + 1);
    for (std::size_t start = 0; start <= query.size();) {
      const auto amp = query.find('&', start);
      const std::string pair = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      const auto eq = pair.find('=');
      if (!pair.empty()) u.query[pair.substr(0, eq)] = eq == std::string::npos ? "1" : pair.substr(eq + 1);
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  return u;
}

double number(const Uri& u, const std::string& key, double fallback) {
  const auto it = u.query.find(key);
  if (it == u.query.end()) return fallback;
  try {
    return std::stod(it->second);
  } catch (...) {
    throw Error(ErrorCode::InvalidArgument, "source parameter " + key + "=" + it->second + " is not a number");
  }
}

}  // namespace

std::unique_ptr<FrameSource> make_frame_source(const std::string& text) {
  const Uri u = parse(text);
  if (u.scheme == "sim") {
    sim::SimulationConfig config = sim::make_preset(u.path.empty() ? "intact" : u.path,
                                                    std::uint64_t(number(u, "seed", 1)), int(number(u, "frames", 0)));
    config.probe.frame_rate_hz = number(u, "fps", config.probe.frame_rate_hz);
    config.validate();
    return std::make_unique<SimulatedProbe>(config, /*loop=*/true);
  }
  if (u.scheme == "file") return std::make_unique<DicomReplaySource>(u.path, number(u, "loop", 0) != 0);
  if (u.scheme == "video") return std::make_unique<VideoGrabberSource>(u.path.empty() ? "default" : u.path,
                                                                       number(u, "timeout", 5.0));
  if (u.scheme == "igtl") {
    // igtl://host:port  (the path keeps the leading "//")
    std::string where = u.path.rfind("//", 0) == 0 ? u.path.substr(2) : u.path;
    OpenIGTLinkSettings s;
    const auto colon = where.rfind(':');
    s.host = where.substr(0, colon);
    if (colon != std::string::npos) try {
        s.port = std::stoi(where.substr(colon + 1));
      } catch (const std::exception&) {
        throw Error(ErrorCode::InvalidArgument, "igtl source: port '" + where.substr(colon + 1) + "' is not a number");
      }
    if (auto it = u.query.find("device"); it != u.query.end()) s.device = it->second;
    s.first_frame_timeout_s = number(u, "timeout", s.first_frame_timeout_s);
    return std::make_unique<OpenIGTLinkSource>(s);
  }
  throw Error(ErrorCode::Unsupported, "unknown source scheme '" + u.scheme + ":' (sim:, file:, igtl:, video:)");
}

}  // namespace ft
