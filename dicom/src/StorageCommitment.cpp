#include "ft/dicom/StorageCommitment.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "ScuConnection.h"
#include "dcmtk/dcmnet/scp.h"
#include "ft/core/Error.h"
#include "ft/dicom/UidFactory.h"

namespace ft::dicom {
namespace {
using namespace detail;

// The N-ACTION's dataset: the transaction and every object it asks about.
DcmDataset commitment_request(const std::string& transaction_uid, const std::vector<CommitmentItem>& items) {
  DcmDataset ds;
  ds.putAndInsertString(DCM_TransactionUID, transaction_uid.c_str());
  for (const CommitmentItem& item : items) {
    DcmItem* referenced = nullptr;
    ds.findOrCreateSequenceItem(DCM_ReferencedSOPSequence, referenced, -2);  // -2: a new item at the end
    referenced->putAndInsertString(DCM_ReferencedSOPClassUID, item.sop_class_uid.c_str());
    referenced->putAndInsertString(DCM_ReferencedSOPInstanceUID, item.sop_instance_uid.c_str());
  }
  return ds;
}

// Our side of the report: an SCP for the one association the PACS opens to deliver it, on
// its own thread from before the request is sent (Orthanc can report before our N-ACTION
// response has been read) until the report came or we stop waiting. Only the node asked may
// deliver it, and only for this transaction. A TLS node's report comes over TLS: the node must
// present a certificate we trust for its own name, as when we connect to it.
class CommitmentReportReceiver : public DcmSCP {
 public:
  CommitmentReportReceiver(const NetworkSettings& s, const DicomNode& node, std::string transaction_uid)
      : lease_(s.commitment_port, std::chrono::seconds(s.timeout_s), "storage commitment reports"),
        node_ae_title_(node.ae_title), node_addresses_(addresses_of(node.host)), transaction_uid_(std::move(transaction_uid)) {
    if (node.tls) {
      tls_ = make_tls_layer(NET_ACCEPTOR, s.tls, node.tls_name.empty() ? node.host : node.tls_name);
      getConfig().setTransportLayer(tls_.get());
    }
    setAETitle(s.local_ae_title.c_str());
    setPort(Uint16(s.commitment_port));
    setConnectionBlockingMode(DUL_NOBLOCK);
    setConnectionTimeout(1);
    setDIMSEBlockingMode(DIMSE_NONBLOCKING);  // else the DIMSE timeout below would not hold
    setACSETimeout(Uint32(s.timeout_s));
    setDIMSETimeout(Uint32(s.timeout_s));
    // The PACS proposes itself in the SCP role for the report (PS3.4 J.3.3): SCUSCP accepts
    // that, and a proposal without role selection too.
    addPresentationContext(UID_StorageCommitmentPushModelSOPClass, uncompressed_after(""), ASC_SC_ROLE_SCUSCP);
    const OFCondition c = openListenPort();
    if (c.bad())
      throw Error(ErrorCode::Network, "cannot listen on commitment port " + std::to_string(s.commitment_port) + ": " + c.text());
    thread_ = std::thread([this] { acceptAssociations(); });
  }
  ~CommitmentReportReceiver() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  CommitmentReportReceiver(const CommitmentReportReceiver&) = delete;
  CommitmentReportReceiver& operator=(const CommitmentReportReceiver&) = delete;

  // Waits until the report came or `timeout` passed; returns what came (received = false: nothing).
  CommitmentReport wait(std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    arrived_.wait_for(lock, timeout, [this] { return report_.received; });
    return report_;
  }

 protected:
  OFBool stopAfterConnectionTimeout() override { return stop_.load() || received(); }
  OFBool stopAfterCurrentAssociation() override { return stop_.load() || received(); }
  OFBool checkCallingHostAccepted(const OFString&) override {
    peer_address_ = getPeerIP().c_str();  // numeric: reverse DNS is off while we listen
    return node_addresses_.count(peer_address_) ? OFTrue : OFFalse;
  }
  OFBool checkCallingAETitleAccepted(const OFString& calling) override { return calling == node_ae_title_.c_str(); }

  OFCondition handleIncomingCommand(T_DIMSE_Message* message, const DcmPresentationContextInfo& context) override {
    if (message->CommandField != DIMSE_N_EVENT_REPORT_RQ) return DcmSCP::handleIncomingCommand(message, context);
    const T_DIMSE_N_EventReportRQ& rq = message->msg.NEventReportRQ;
    Uint16 status = STATUS_N_InvalidArgumentValue;  // a report without its dataset says nothing
    if (rq.DataSetType == DIMSE_DATASET_PRESENT) {
      T_ASC_PresentationContextID dataset_context = 0;
      DcmDataset* dataset = nullptr;
      const OFCondition c = receiveDIMSEDataset(&dataset_context, &dataset);
      if (c.bad()) return c;
      status = take(rq, *dataset);
      delete dataset;
    }
    // The answer a PACS checks (Orthanc refuses one without both affected UIDs): the request's
    // message ID and UIDs, no dataset.
    T_DIMSE_Message answer;
    std::memset(&answer, 0, sizeof answer);
    answer.CommandField = DIMSE_N_EVENT_REPORT_RSP;
    T_DIMSE_N_EventReportRSP& rsp = answer.msg.NEventReportRSP;
    rsp.MessageIDBeingRespondedTo = rq.MessageID;
    rsp.DimseStatus = status;
    rsp.DataSetType = DIMSE_DATASET_NULL;
    rsp.opts = O_NEVENTREPORT_AFFECTEDSOPCLASSUID | O_NEVENTREPORT_AFFECTEDSOPINSTANCEUID;
    OFStandard::strlcpy(rsp.AffectedSOPClassUID, rq.AffectedSOPClassUID, sizeof rsp.AffectedSOPClassUID);
    OFStandard::strlcpy(rsp.AffectedSOPInstanceUID, rq.AffectedSOPInstanceUID, sizeof rsp.AffectedSOPInstanceUID);
    return sendDIMSEMessage(context.presentationContextID, &answer, nullptr);
  }

 private:
  bool received() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return report_.received;
  }

  // Reads the report into report_; the status to answer with.
  Uint16 take(const T_DIMSE_N_EventReportRQ& rq, DcmDataset& ds) {
    OFString transaction;
    ds.findAndGetOFString(DCM_TransactionUID, transaction);
    if (transaction != transaction_uid_.c_str()) return STATUS_N_NoSuchObjectInstance;  // another transaction's
    if (rq.EventTypeID != 1 && rq.EventTypeID != 2) return STATUS_N_NoSuchEventType;
    CommitmentReport report;
    report.received = true;
    DcmItem* item = nullptr;
    for (int i = 0; ds.findAndGetSequenceItem(DCM_ReferencedSOPSequence, item, i).good(); ++i) {
      OFString uid;
      if (item->findAndGetOFString(DCM_ReferencedSOPInstanceUID, uid).good()) report.committed.insert(uid.c_str());
    }
    for (int i = 0; ds.findAndGetSequenceItem(DCM_FailedSOPSequence, item, i).good(); ++i) {
      OFString uid;
      Uint16 reason = 0x0110;  // processing failure, when the PACS gives none
      item->findAndGetUint16(DCM_FailureReason, reason);
      if (item->findAndGetOFString(DCM_ReferencedSOPInstanceUID, uid).good()) {
        report.failed[uid.c_str()] = reason;
        report.committed.erase(uid.c_str());  // named both ways: not to be trusted as committed
      }
    }
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (report_.received) {  // a second report of the same transaction: both count
        report.committed.insert(report_.committed.begin(), report_.committed.end());
        report.failed.insert(report_.failed.begin(), report_.failed.end());
        for (const auto& [uid, reason] : report.failed) report.committed.erase(uid);
      }
      report_ = report;
    }
    arrived_.notify_all();
    return STATUS_Success;
  }

  ListenerLease lease_;  // from before the port opens until the thread has stopped
  std::unique_ptr<DcmTLSTransportLayer> tls_;  // a TLS node's: outlives the listening thread
  const std::string node_ae_title_;
  const std::set<std::string> node_addresses_;
  const std::string transaction_uid_;
  std::string peer_address_;  // the association being checked, on the listener's thread
  std::mutex mutex_;
  std::condition_variable arrived_;
  CommitmentReport report_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

std::string failure_reason_text(unsigned reason) {
  switch (reason) {
    case 0x0110: return "processing failure";
    case 0x0112: return "no such object instance";
    case 0x0119: return "class-instance conflict";
    case 0x0122: return "referenced SOP class not supported";
    case 0x0131: return "duplicate transaction UID";
    case 0x0213: return "resource limitation";
    default: return "failure reason " + status_text(Uint16(reason));
  }
}

CommitmentReport request_commitment(const DicomNode& node, const std::vector<CommitmentItem>& items,
                                    const NetworkSettings& settings) {
  if (settings.commitment_port <= 0) throw Error(ErrorCode::InvalidArgument, "no commitment port: storage commitment not asked");
  if (items.empty()) return {};
  const std::string transaction_uid = new_uid();
  CommitmentReportReceiver receiver(settings, node, transaction_uid);
  {
    ScuAssociation association;
    DcmSCU& scu = association.scu();
    scu.addPresentationContext(UID_StorageCommitmentPushModelSOPClass, uncompressed_after(""));
    scu.addPresentationContext(UID_VerificationSOPClass, uncompressed_after(""));  // opens even where the service is not offered
    association.open(node, settings);
    const T_ASC_PresentationContextID id = scu.findAnyPresentationContextID(UID_StorageCommitmentPushModelSOPClass, "");
    if (id == 0) {
      CommitmentReport none;
      none.offered = false;
      return none;
    }
    DcmDataset request = commitment_request(transaction_uid, items);
    Uint16 status = 0;
    const OFCondition c = scu.sendACTIONRequest(id, UID_StorageCommitmentPushModelSOPInstance, 1, &request, status);
    if (c.bad()) throw Error(ErrorCode::Network, "storage commitment request to " + node.text() + " failed: " + c.text());
    if (status != STATUS_Success)
      throw Error(ErrorCode::Network, node.text() + " refused the storage commitment request: status " + status_text(status));
    association.release();
  }
  return receiver.wait(std::chrono::seconds(std::max(1, settings.timeout_s)));
}

}  // namespace ft::dicom
