#include "ScuConnection.h"

#include <netdb.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <openssl/x509v3.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "ft/core/Error.h"

namespace ft::dicom::detail {

OFList<OFString> uncompressed_after(const std::string& preferred) {
  OFList<OFString> list;
  if (!preferred.empty()) list.push_back(preferred.c_str());
  for (const char* uid : {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax})
    if (preferred != uid) list.push_back(uid);
  return list;
}

std::string status_text(Uint16 status) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04X", status);
  return std::string("0x") + buf;
}

namespace {

// The peer's certificate must name its host (its subjectAltName DNS name or IP address): a
// certificate from a trusted CA for another host is refused. The SSL objects DCMTK makes
// from this context inherit the check; OpenSSL applies it to a client's certificate too.
void require_peer_name(DcmTLSTransportLayer& layer, const std::string& host) {
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(layer.getNativeHandle());
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const bool named = X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1 ||  // an address literal
                     X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0) == 1;
  if (!named) throw Error(ErrorCode::InvalidArgument, "TLS: cannot check certificates against host name '" + host + "'");
}

}  // namespace

std::unique_ptr<DcmTLSTransportLayer> make_tls_layer(T_ASC_NetworkRole role, const TlsSettings& tls,
                                                     const std::string& peer_host) {
  if (tls.certificate_pem.empty() || tls.private_key_pem.empty())
    throw Error(ErrorCode::InvalidArgument, "TLS needs our certificate and private key (settings: tls.certificate, tls.private_key)");
  auto layer = std::make_unique<DcmTLSTransportLayer>(role, nullptr, OFTrue);
  const auto check = [](OFCondition c, const std::string& what) {
    if (c.bad()) throw Error(ErrorCode::InvalidArgument, "TLS: " + what + ": " + c.text());
  };
  // BCP 195 without the fall-back to TLS 1.0/1.1 and 3DES (PS3.15 B.9, "non-downgrading").
  check(layer->setTLSProfile(TSP_Profile_BCP195_ND), "profile");
  check(layer->activateCipherSuites(), "cipher suites");
  check(layer->setPrivateKeyFile(tls.private_key_pem.c_str(), DCF_Filetype_PEM), "private key " + tls.private_key_pem);
  // An unencrypted key that others may read lets them be us on the network.
  struct stat key {};
  if (::stat(tls.private_key_pem.c_str(), &key) == 0 && (key.st_mode & 077) != 0)
    std::fprintf(stderr, "WARNING: TLS private key %s can be read by other users (mode %03o): chmod 600 it\n",
                 tls.private_key_pem.c_str(), unsigned(key.st_mode & 0777));
  check(layer->setCertificateFile(tls.certificate_pem.c_str(), DCF_Filetype_PEM), "certificate " + tls.certificate_pem);
  if (!layer->checkPrivateKeyMatchesCertificate())
    throw Error(ErrorCode::InvalidArgument, "TLS: private key " + tls.private_key_pem + " does not match " + tls.certificate_pem);
  for (const std::string& t : tls.trusted_pem) check(layer->addTrustedCertificateFile(t.c_str(), DCF_Filetype_PEM), "trusted certificate " + t);
  layer->setCertificateVerification(tls.verify_peer ? DCV_requireCertificate : DCV_ignoreCertificate);
  if (!tls.verify_peer)
    std::fprintf(stderr, "WARNING: TLS peer verification is off (settings: tls.verify_peer): any peer, including an "
                         "impostor, is accepted and the connection protects nothing against one\n");
  else if (!peer_host.empty())
    require_peer_name(*layer, peer_host);
  return layer;
}

ScuAssociation::~ScuAssociation() { release(); }

void ScuAssociation::release() {
  if (!scu_.isConnected()) return;
  if (scu_.stopped) scu_.abortAssociation();  // the peer may still be sending
  else scu_.releaseAssociation();
}

void ScuAssociation::open(const DicomNode& node, const NetworkSettings& s) {
  scu_.setAETitle(s.local_ae_title.c_str());
  scu_.setPeerHostName(node.host.c_str());
  scu_.setPeerPort(Uint16(node.port));
  scu_.setPeerAETitle(node.ae_title.c_str());
  scu_.setACSETimeout(Uint32(s.timeout_s));
  // Non-blocking DIMSE, so that the timeout holds (in blocking mode DCMTK waits up to its own
  // process-wide socket timeout instead).
  scu_.setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  scu_.setDIMSETimeout(Uint32(s.timeout_s));
  scu_.setConnectionTimeout(Sint32(s.timeout_s));
  const std::string& certificate_name = node.tls_name.empty() ? node.host : node.tls_name;
  if (node.tls) tls_ = make_tls_layer(NET_REQUESTOR, s.tls, certificate_name);  // bad certificates: stop before connecting
  OFCondition c = scu_.initNetwork();
  // The layer attaches to the network and association parameters that initNetwork() made.
  if (c.good() && tls_) c = scu_.useSecureConnection(tls_.get());
  if (c.good()) c = scu_.negotiateAssociation();
  if (c.bad())
    throw Error(ErrorCode::Network,
                "cannot open an association with " + node.text() + ": " + c.text() +
                    (node.tls ? " (TLS: does the peer speak TLS 1.2 or newer with BCP 195's ciphers (retired "
                                    "profiles are refused), is its certificate trusted, does it name " +
                                    certificate_name + " (else set the node's tls_name), and is ours trusted by it?)"
                              : ""));
}

std::set<std::string> addresses_of(const std::string& host) {
  std::set<std::string> out;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return out;
  for (const addrinfo* a = found; a; a = a->ai_next) {
    char text[NI_MAXHOST];
    if (::getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0) out.insert(text);
  }
  ::freeaddrinfo(found);
  return out;
}

namespace {

// The process's listeners (see ListenerLease): the ports held, and DCMTK's globals as they were
// before the first of them.
struct Listeners {
  std::mutex mutex;
  std::condition_variable port_freed;
  std::set<int> ports;
  OFBool correction_was = OFTrue, reverse_dns_was_off = OFFalse;
};

Listeners& listeners() {
  static Listeners all;  // process-wide, like the ports and DCMTK's globals it keeps track of
  return all;
}

}  // namespace

ListenerLease::ListenerLease(int port, std::chrono::seconds wait, const std::string& what) : port_(port) {
  Listeners& l = listeners();
  std::unique_lock<std::mutex> lock(l.mutex);
  if (!l.port_freed.wait_for(lock, wait, [&] { return l.ports.count(port) == 0; }))
    throw Error(ErrorCode::Network, "cannot listen for " + what + " on port " + std::to_string(port) +
                                        ": this program is listening there for something else (a retrieve or a storage commitment)");
  if (l.ports.empty()) {
    l.correction_was = dcmEnableAutomaticInputDataCorrection.get();
    l.reverse_dns_was_off = dcmDisableGethostbyaddr.get();
    dcmDisableGethostbyaddr.set(OFTrue);
  }
  l.ports.insert(port);
}

ListenerLease::~ListenerLease() {
  Listeners& l = listeners();
  {
    const std::lock_guard<std::mutex> lock(l.mutex);
    l.ports.erase(port_);
    if (l.ports.empty()) {
      dcmEnableAutomaticInputDataCorrection.set(l.correction_was);
      dcmDisableGethostbyaddr.set(l.reverse_dns_was_off);
    }
  }
  l.port_freed.notify_all();
}

Error too_many_matches(const DicomNode& node, const std::string& service, const NetworkSettings& settings) {
  return Error(ErrorCode::InvalidArgument, node.text() + " has more than " + std::to_string(settings.max_query_matches) +
                                               " " + service + " matches: narrow the query (patient ID, name, date range) "
                                               "or raise max_query_matches in the settings");
}

std::vector<std::unique_ptr<DcmDataset>> find_on_association(const DicomNode& node, const NetworkSettings& settings,
                                                             const char* sop_class, const std::string& service,
                                                             DcmDataset& keys) {
  ScuAssociation association;
  DcmSCU& scu = association.scu();
  scu.addPresentationContext(sop_class, uncompressed_after(""));
  association.open(node, settings);
  const T_ASC_PresentationContextID id = scu.findAnyPresentationContextID(sop_class, "");
  if (id == 0) throw Error(ErrorCode::Network, node.text() + " does not offer the " + service + " C-FIND");
  association.limit_matches(std::size_t(std::max(1, settings.max_query_matches)));
  OFList<QRResponse*> responses;
  const OFCondition c = scu.sendFINDRequest(id, &keys, &responses);
  association.release();
  if (association.matches_cut()) {
    for (QRResponse* r : responses) delete r;
    throw too_many_matches(node, service, settings);
  }
  std::vector<std::unique_ptr<DcmDataset>> matches;
  Uint16 final_status = 0;
  for (QRResponse* r : responses) {
    final_status = r->m_status;
    if (r->m_dataset && (r->m_status == 0xFF00 || r->m_status == 0xFF01)) {
      matches.emplace_back(r->m_dataset);
      r->m_dataset = nullptr;  // now owned by `matches`
    }
    delete r;
  }
  if (c.bad())
    throw Error(ErrorCode::Network, service + " query to " + node.text() + " failed: " + c.text() +
                                        " (does the peer know our AE title " + settings.local_ae_title + "?)");
  if (final_status != 0 && final_status != 0xFF00 && final_status != 0xFF01)
    throw Error(ErrorCode::Network, node.text() + " answered the " + service + " query with status " + status_text(final_status));
  return matches;
}

}  // namespace ft::dicom::detail
