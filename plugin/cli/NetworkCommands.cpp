// fibretrack echo / send: checking a PACS node and sending DICOM objects to it.
#include <cstdio>
#include <filesystem>

#include "CommandLine.h"
#include "Commands.h"
#include "ft/core/Error.h"
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

int run_send(const Args& args) {
  const CommandLine cl(args, {});
  cl.reject_unknown({"to", "aet", "timeout"});
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
  int failed = 0;
  for (const auto& r : dicom::store(node, files, network(cl))) {
    std::printf("%s %s%s%s\n", r.stored ? "sent" : "NOT SENT", r.file.c_str(), r.stored ? "" : ": ", r.message.c_str());
    failed += !r.stored;
  }
  return failed ? 1 : 0;
}

}  // namespace ft::cli
