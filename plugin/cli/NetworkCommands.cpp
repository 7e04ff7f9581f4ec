// fibretrack echo / send / outbox: checking a node and sending DICOM objects to it
// through the durable outbox.
#include <cstdio>

#include "CommandLine.h"
#include "Commands.h"
#include "NetworkOptions.h"
#include "ft/core/Error.h"
#include "ft/dicom/Outbox.h"
#include "ft/dicom/StoreScu.h"

namespace ft::cli {

int run_echo(const Args& args) {
  const CommandLine cl(args, {"tls"});
  cl.reject_unknown(NetworkOptions::flags());
  const NetworkOptions net(cl);
  const dicom::DicomNode node = net.node(cl.positional_at(0, "NODE (name, AET@host:port or DICOMweb URL)"));
  dicom::echo(node, net.network());
  std::printf("%s answers %s\n", node.text().c_str(), node.is_dicomweb() ? "QIDO-RS" : "C-ECHO");
  return 0;
}

// Every object goes through the durable outbox: queued first, removed only after the
// peer's success. What could not be sent stays queued for `fibretrack outbox --retry`.
int run_send(const Args& args) {
  const CommandLine cl(args, {"tls"});
  cl.reject_unknown(with_network_flags({"to", "outbox"}));
  const NetworkOptions net(cl);
  const auto to = cl.value("to");
  if (!to) throw Error(ErrorCode::InvalidArgument, "--to NODE is required");
  const dicom::DicomNode node = net.node(*to);
  const std::vector<std::string> files = files_under(cl.positional());
  if (files.empty()) throw Error(ErrorCode::InvalidArgument, "nothing to send (give files or folders)");
  dicom::Outbox outbox(cl.value_or("outbox", net.settings().outbox_directory));
  outbox.use_nodes(net.settings().nodes);  // credentials of jobs queued earlier to a named node
  std::vector<std::string> queued;
  for (const std::string& f : files) {
    try {
      queued.push_back(outbox.enqueue(f, node).id);
    } catch (const Error& e) {
      std::printf("NOT QUEUED %s: %s\n", f.c_str(), e.what());  // not DICOM, unreadable
    }
  }
  const std::vector<dicom::OutboxJob> left = outbox.deliver(net.network(), /*ignore_backoff=*/true);
  for (const dicom::OutboxJob& j : left)
    std::printf("queued %s for %s: %s\n", j.original_file.c_str(), j.destination.c_str(), j.last_error.c_str());
  std::printf("%zu sent, %zu waiting in the outbox (%s)\n", queued.size() > left.size() ? queued.size() - left.size() : 0,
              left.size(), outbox.directory().c_str());
  return left.empty() && queued.size() == files.size() ? 0 : 1;
}

int run_outbox(const Args& args) {
  const CommandLine cl(args, {"retry", "tls"});
  cl.reject_unknown(with_network_flags({"retry", "outbox"}));
  const NetworkOptions net(cl);
  dicom::Outbox outbox(cl.value_or("outbox", net.settings().outbox_directory));
  outbox.use_nodes(net.settings().nodes);
  std::vector<dicom::OutboxJob> jobs = cl.has("retry") ? outbox.deliver(net.network(), true) : outbox.jobs();
  for (const dicom::OutboxJob& j : jobs)
    std::printf("%s  to %s  attempts %d  %s  (%s)\n", j.id.c_str(), j.destination.c_str(), j.attempts,
                j.last_error.empty() ? "waiting" : j.last_error.c_str(), j.original_file.c_str());
  std::printf("%zu object(s) waiting in %s\n", jobs.size(), outbox.directory().c_str());
  return jobs.empty() ? 0 : 1;
}

}  // namespace ft::cli
