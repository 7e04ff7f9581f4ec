#pragma once
// Opening an association as a service user: our AE title, the peer, timeouts, TLS when the
// node asks for it, and one clear error when the peer cannot be reached or refuses.
// Shared by every SCU we run.
#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmnet/scu.h"
#include "dcmtk/dcmtls/tlslayer.h"

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ft/core/Error.h"
#include "ft/dicom/DicomNode.h"
#include "ft/dicom/NetworkSettings.h"

namespace ft::dicom::detail {

// One association and the transport it runs on. Add presentation contexts to scu(), then
// open(); the association is released when this goes away.
class ScuAssociation {
 public:
  ScuAssociation() = default;
  ScuAssociation(const ScuAssociation&) = delete;
  ScuAssociation& operator=(const ScuAssociation&) = delete;
  ~ScuAssociation();

  DcmSCU& scu() { return scu_; }
  // Throws ft::Error(Network) naming the node and DCMTK's reason (TLS included).
  void open(const DicomNode& node, const NetworkSettings& settings);
  void release();
  // A retrieve stops at its next response or received object once this returns false;
  // the association is then aborted rather than released.
  void set_keep_going(std::function<bool()> keep_going) { scu_.keep_going = std::move(keep_going); }
  bool stopped() const { return scu_.stopped; }
  // C-FIND: after this many matches, C-CANCEL; the matches beyond it are dropped on arrival,
  // and a peer that keeps sending (ignoring the cancel) is cut off. 0: no limit.
  void limit_matches(std::size_t n) { scu_.max_matches = n; }
  bool matches_cut() const { return scu_.matches_cut; }

 private:
  // DcmSCU keeps TLS set-up protected (DcmTLSSCU wraps it with its own key handling);
  // we configure the layer ourselves, so open that one method.
  class Scu : public DcmSCU {
   public:
    using DcmSCU::useSecureConnection;
    std::function<bool()> keep_going;
    bool stopped = false;
    std::size_t max_matches = 0, matches = 0;
    bool matches_cut = false;

   protected:
    bool stop_now() {
      if (keep_going && !keep_going()) stopped = true;
      return stopped;
    }
    OFCondition handleCGETResponse(const T_ASC_PresentationContextID id, RetrieveResponse* r, OFBool& go_on) override {
      const OFCondition c = DcmSCU::handleCGETResponse(id, r, go_on);
      if (stop_now()) go_on = OFFalse;
      return c;
    }
    OFCondition handleSTORERequest(const T_ASC_PresentationContextID id, DcmDataset* object, OFBool& go_on,
                                   Uint16& status) override {
      const OFCondition c = DcmSCU::handleSTORERequest(id, object, go_on, status);  // stored first: kept
      if (stop_now()) go_on = OFFalse;
      return c;
    }
    OFCondition handleFINDResponse(const T_ASC_PresentationContextID id, QRResponse* r, OFBool& wait) override {
      const OFCondition c = DcmSCU::handleFINDResponse(id, r, wait);
      if (max_matches == 0 || !r || !r->m_dataset || (r->m_status != 0xFF00 && r->m_status != 0xFF01)) return c;
      if (++matches <= max_matches) return c;
      delete r->m_dataset;  // beyond the limit: not kept
      r->m_dataset = nullptr;
      if (!matches_cut) {
        matches_cut = true;
        sendCANCELRequest(id);
      } else if (matches > 2 * max_matches + 100) {  // the cancel is ignored: stop listening
        stopped = true;
        wait = OFFalse;
      }
      return c;
    }
    OFCondition handleMOVEResponse(const T_ASC_PresentationContextID id, RetrieveResponse* r, OFBool& wait) override {
      const OFCondition c = DcmSCU::handleMOVEResponse(id, r, wait);
      if (stop_now()) wait = OFFalse;
      return c;
    }
  };
  std::unique_ptr<DcmTLSTransportLayer> tls_;  // must outlive scu_'s network (declared first)
  Scu scu_;
};

// A TLS layer for `role` with our certificate, key and trusted certificates, the
// non-downgrading BCP 195 profile; the peer's certificate must name peer_host (when given: a
// node we connect to, or the node we let connect to us).
// Verification off (tls.verify_peer false) is said loudly on stderr. Throws
// ft::Error(InvalidArgument) for a missing or mismatched certificate.
std::unique_ptr<DcmTLSTransportLayer> make_tls_layer(T_ASC_NetworkRole role, const TlsSettings& tls,
                                                     const std::string& peer_host = "");

// The numeric addresses a host name (or address literal) resolves to.
std::set<std::string> addresses_of(const std::string& host);

// What one of our DcmSCPs holds while it listens on `port`. Both things are process-wide, so
// the bookkeeping is too (one registry, behind one mutex):
// - the port: one listener per port in this process at a time (a PACS sends C-MOVE objects
//   and storage commitment reports to the one port it knows for our AE title, so the retrieve
//   and commitment ports are often the same); a second waits up to `wait` for it, then
//   throws ft::Error(Network) saying the port is busy;
// - DCMTK's globals: DcmSCP turns the process-wide input data correction off, which is given
//   back when the last listener ends (the station reads files with it); and the caller's
//   address is taken numerically, not from reverse DNS (a name cut to its first label, which
//   anyone who controls their own reverse zone chooses). The first listener saves and sets
//   them, the last restores them, whatever order listeners end in.
class ListenerLease {
 public:
  ListenerLease(int port, std::chrono::seconds wait, const std::string& what);
  ~ListenerLease();
  ListenerLease(const ListenerLease&) = delete;
  ListenerLease& operator=(const ListenerLease&) = delete;

 private:
  int port_;
};

// The error for a query with more matches than settings.max_query_matches allows.
Error too_many_matches(const DicomNode& node, const std::string& service, const NetworkSettings& settings);

// Explicit then Implicit VR Little Endian, after `preferred` when given.
OFList<OFString> uncompressed_after(const std::string& preferred);

// "0xA700" for messages.
std::string status_text(Uint16 status);

// One C-FIND of `sop_class` with `keys` on its own association; returns the identifiers
// of the matches. `service` names the query in errors ("worklist"). Throws ft::Error(Network)
// when the peer refuses the service, the exchange fails, or it ends with a failure status.
std::vector<std::unique_ptr<DcmDataset>> find_on_association(const DicomNode& node, const NetworkSettings& settings,
                                                             const char* sop_class, const std::string& service,
                                                             DcmDataset& keys);

}  // namespace ft::dicom::detail
