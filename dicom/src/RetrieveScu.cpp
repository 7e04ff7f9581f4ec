#include "ft/dicom/RetrieveScu.h"

#include <algorithm>
#include <atomic>
#include <netdb.h>
#include <sys/socket.h>

#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "DicomWebClient.h"
#include "FolderLock.h"
#include "ScuConnection.h"
#include "dcmtk/dcmnet/dstorscp.h"
#include "dcmtk/dcmnet/dul.h"
#include "ft/core/DurableFiles.h"
#include "ft/core/Error.h"
#include "ft/dicom/StudyStore.h"
#include "ft/dicom/UidFactory.h"

namespace ft::dicom {
namespace {
using namespace detail;
namespace fs = std::filesystem;

// What a study for musculoskeletal review holds: ultrasound, the secondary captures,
// reports and presentation states we and others write, and the common cross-sectional
// and radiographic images that a physician compares with.
const char* const kRetrievableClasses[] = {
    UID_UltrasoundImageStorage, UID_UltrasoundMultiframeImageStorage, UID_EnhancedUSVolumeStorage,
    UID_SecondaryCaptureImageStorage, UID_MultiframeGrayscaleByteSecondaryCaptureImageStorage,
    UID_MultiframeGrayscaleWordSecondaryCaptureImageStorage, UID_MultiframeTrueColorSecondaryCaptureImageStorage,
    UID_BasicTextSRStorage, UID_EnhancedSRStorage, UID_ComprehensiveSRStorage, UID_Comprehensive3DSRStorage,
    UID_GrayscaleSoftcopyPresentationStateStorage, UID_ColorSoftcopyPresentationStateStorage,
    UID_KeyObjectSelectionDocumentStorage, UID_EncapsulatedPDFStorage, UID_VLPhotographicImageStorage,
    UID_VideoPhotographicImageStorage, UID_CTImageStorage, UID_MRImageStorage,
    UID_DigitalXRayImageStorageForPresentation, UID_ComputedRadiographyImageStorage};

// Everything our reader decodes.
OFList<OFString> receivable_syntaxes() {
  OFList<OFString> list;
  for (const char* uid : {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
                          UID_DeflatedExplicitVRLittleEndianTransferSyntax, UID_JPEGProcess1TransferSyntax,
                          UID_JPEGProcess2_4TransferSyntax, UID_JPEGProcess14SV1TransferSyntax,
                          UID_JPEGLSLosslessTransferSyntax, UID_JPEGLSLossyTransferSyntax,
                          UID_JPEG2000LosslessOnlyTransferSyntax, UID_JPEG2000TransferSyntax, UID_RLELosslessTransferSyntax})
    list.push_back(uid);
  return list;
}

DcmDataset study_keys(const std::string& study_uid) {
  DcmDataset keys;
  put(keys, DCM_QueryRetrieveLevel, "STUDY");
  put(keys, DCM_StudyInstanceUID, study_uid);
  return keys;
}

std::vector<std::string> files_in(const std::string& directory) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(directory))
    if (e.is_regular_file()) files.push_back(e.path().string());
  return files;
}

// A PACS may take a while between the responses of a large retrieve (fetching from tape,
// decompressing): wait at least two minutes for the next one.
int retrieve_wait_s(const NetworkSettings& s) { return std::max(s.timeout_s, 120); }

// Only instances of the requested study are kept: a storage SCP accepts what it is sent.
void keep_requested_study(RetrieveResult& result, const std::string& study_uid) {
  std::vector<std::string> kept;
  for (const std::string& f : result.files) {
    std::string uid;
    try {
      DicomFileLoader loader(f);
      uid = get_string(loader.dataset(), DCM_StudyInstanceUID);
    } catch (const Error&) {
    }
    if (uid == study_uid) {
      kept.push_back(f);
    } else {
      std::error_code ec;
      fs::remove(f, ec);
      ++result.unrequested;
    }
  }
  result.files = std::move(kept);
}

// The last C-GET/C-MOVE response carries the outcome of the whole retrieve.
void take_outcome(OFList<RetrieveResponse*>& responses, OFCondition c, const DicomNode& node, RetrieveResult& result) {
  Uint16 status = 0;
  for (RetrieveResponse* r : responses) {
    status = r->m_status;
    result.failed = int(r->m_numberOfFailedSubops);
    result.warnings = int(r->m_numberOfWarningSubops);
    delete r;
  }
  responses.clear();
  if (c.bad())
    throw Error(ErrorCode::Network, result.method + " from " + node.text() + " failed: " + c.text() +
                                        " (does the peer know our AE title?)");
  // 0xB000: some sub-operations failed (counted); 0xAxxx/0xCxxx: the retrieve failed.
  if (status != 0 && (status & 0xF000) != 0xB000 && status != 0xFF00)
    throw Error(ErrorCode::Network, node.text() + " answered the " + result.method + " with status " + status_text(status) +
                                        (result.method == "C-MOVE" ? " (does the PACS know our AE title and retrieve port?)" : ""));
}

// Who may store to us during a C-MOVE: an AE title from one of its host's addresses.
struct MoveSender {
  std::string ae_title;
  std::set<std::string> addresses;
};

// The node retrieved from, and the other senders the settings name for it (a PACS cluster
// may send from another AE title or host than the one queried; "AET@host" each).
std::vector<MoveSender> move_senders(const DicomNode& node, const NetworkSettings& s) {
  std::vector<MoveSender> senders{{node.ae_title, addresses_of(node.host)}};
  for (const std::string& text : s.move_sources) {
    const auto at = text.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == text.size())
      throw Error(ErrorCode::InvalidArgument, "move_sources: '" + text + "' is not AET@host");
    senders.push_back({text.substr(0, at), addresses_of(text.substr(at + 1))});
  }
  return senders;
}

// Our storage SCP for C-MOVE: listens on the retrieve port while the move runs, on its
// own thread, and stops within a second of being asked. It accepts only the node being
// retrieved from, or a sender the settings name for it (its AE title from one of its
// addresses): anyone else who knows the port could otherwise slip objects into the store
// while a move is running.
class MoveDestination : public DcmStorageSCP {
 public:
  MoveDestination(const NetworkSettings& s, const std::string& directory, std::vector<MoveSender> senders)
      : lease_(s.retrieve_port, std::chrono::seconds(s.timeout_s), "C-MOVE"), senders_(std::move(senders)) {
    setAETitle(s.local_ae_title.c_str());
    setPort(Uint16(s.retrieve_port));
    if (setOutputDirectory(directory.c_str()).bad())  // else DCMTK would write into the working directory
      throw Error(ErrorCode::Io, "cannot receive into " + directory);
    setConnectionBlockingMode(DUL_NOBLOCK);
    setConnectionTimeout(1);
    setDIMSEBlockingMode(DIMSE_NONBLOCKING);  // else the DIMSE timeout below would not hold
    setACSETimeout(Uint32(s.timeout_s));
    setDIMSETimeout(Uint32(s.timeout_s));
    for (const char* uid : kRetrievableClasses) addPresentationContext(uid, receivable_syntaxes());
    const OFCondition c = openListenPort();
    if (c.bad()) {
      throw Error(ErrorCode::Network, "cannot listen on retrieve port " + std::to_string(s.retrieve_port) + ": " + c.text());
    }
    thread_ = std::thread([this] { acceptAssociations(); });
  }
  ~MoveDestination() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Who was turned away (empty: nobody); read after the move's final response.
  std::string refused() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return refused_;
  }

 protected:
  OFBool stopAfterConnectionTimeout() override { return stop_.load(); }
  // DcmSCP checks the host first, then the AE title; the pair must belong to one sender.
  OFBool checkCallingHostAccepted(const OFString&) override {
    // DcmSCP (3.6.7) passes the *called* presentation address here, which is empty for an
    // acceptor; the caller's (numeric, reverse DNS being off) is what getPeerIP() reads.
    peer_address_ = getPeerIP().c_str();
    for (const MoveSender& s : senders_)
      if (s.addresses.count(peer_address_)) return OFTrue;
    note_refused("host " + peer_address_);
    return OFFalse;
  }
  OFBool checkCallingAETitleAccepted(const OFString& calling) override {
    for (const MoveSender& s : senders_)
      if (calling == s.ae_title.c_str() && s.addresses.count(peer_address_)) return OFTrue;
    note_refused("AE title " + std::string(calling.c_str()) + " at " + peer_address_);
    return OFFalse;
  }

 private:
  void note_refused(const std::string& who) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (refused_.empty()) refused_ = who;
  }
  ListenerLease lease_;  // from before the port opens until the thread has stopped
  const std::vector<MoveSender> senders_;
  std::string peer_address_;  // the association being checked (one at a time, on the SCP's thread)
  mutable std::mutex mutex_;
  std::string refused_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Ends the association and reads the outcome; a cancelled retrieve says so (its partial
// responses are not judged).
void conclude(ScuAssociation& association, OFList<RetrieveResponse*>& responses, OFCondition c, const DicomNode& node,
              RetrieveResult& result) {
  association.release();
  if (association.stopped()) {
    for (RetrieveResponse* r : responses) delete r;
    responses.clear();
    throw Error(ErrorCode::Network, "retrieve cancelled");
  }
  take_outcome(responses, c, node, result);
}

RetrieveResult retrieve_by_get(const DicomNode& node, const std::string& study_uid, const std::string& directory,
                               const NetworkSettings& settings, const std::function<bool()>& keep_going) {
  RetrieveResult result;
  result.method = "C-GET";
  ScuAssociation association;
  DcmSCU& scu = association.scu();
  scu.addPresentationContext(UID_GETStudyRootQueryRetrieveInformationModel, uncompressed_after(""));
  for (const char* uid : kRetrievableClasses) scu.addPresentationContext(uid, receivable_syntaxes(), ASC_SC_ROLE_SCP);
  scu.setStorageDir(directory.c_str());
  scu.setStorageMode(DCMSCU_STORAGE_DISK);
  association.set_keep_going(keep_going);
  association.open(node, settings);
  scu.setDIMSETimeout(Uint32(retrieve_wait_s(settings)));
  const T_ASC_PresentationContextID id = scu.findAnyPresentationContextID(UID_GETStudyRootQueryRetrieveInformationModel, "");
  if (id == 0) throw Error(ErrorCode::Network, node.text() + " does not offer C-GET (configure a retrieve port for C-MOVE)");
  DcmDataset keys = study_keys(study_uid);
  OFList<RetrieveResponse*> responses;
  const OFCondition c = scu.sendCGETRequest(id, &keys, &responses);
  conclude(association, responses, c, node, result);
  return result;
}

RetrieveResult retrieve_by_move(const DicomNode& node, const std::string& study_uid, const std::string& directory,
                                const NetworkSettings& settings, const std::function<bool()>& keep_going) {
  RetrieveResult result;
  result.method = "C-MOVE";
  MoveDestination destination(settings, directory, move_senders(node, settings));  // listening before the PACS is asked
  ScuAssociation association;
  DcmSCU& scu = association.scu();
  scu.addPresentationContext(UID_MOVEStudyRootQueryRetrieveInformationModel, uncompressed_after(""));
  association.set_keep_going(keep_going);
  association.open(node, settings);
  scu.setDIMSETimeout(Uint32(retrieve_wait_s(settings)));
  const T_ASC_PresentationContextID id = scu.findAnyPresentationContextID(UID_MOVEStudyRootQueryRetrieveInformationModel, "");
  if (id == 0) throw Error(ErrorCode::Network, node.text() + " does not offer C-MOVE");
  DcmDataset keys = study_keys(study_uid);
  OFList<RetrieveResponse*> responses;
  const OFCondition c = scu.sendMOVERequest(id, settings.local_ae_title.c_str(), &keys, &responses);
  try {
    conclude(association, responses, c, node, result);
  } catch (const Error& e) {
    const std::string refused = destination.refused();
    if (refused.empty()) throw;
    throw Error(e.code(), std::string(e.what()) + "; objects were sent from " + refused + ", not from " + node.text() +
                              ", and refused (a PACS that sends from another AE title or host: list it in the "
                              "settings' move_sources as AET@host)");
  }
  result.refused = destination.refused();
  return result;  // the destination stops (and joins) here, after the final response
}

}  // namespace

RetrieveResult retrieve_study(const DicomNode& node, const std::string& study_uid, const std::string& directory,
                              const NetworkSettings& settings, const std::function<bool()>& keep_going) {
  if (study_uid.empty()) throw Error(ErrorCode::InvalidArgument, "retrieve needs a Study Instance UID");
  if (keep_going && !keep_going()) throw Error(ErrorCode::Network, "retrieve cancelled");
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) throw Error(ErrorCode::Io, "cannot create " + directory + ": " + ec.message());
  // A TLS node retrieves by C-GET: everything then stays on the one TLS association (our
  // C-MOVE storage SCP listens without TLS).
  const bool move = settings.retrieve_port > 0 && !node.tls;
  RetrieveResult result = node.is_dicomweb() ? dicomweb_retrieve_study(node, study_uid, directory, settings)
                          : move             ? retrieve_by_move(node, study_uid, directory, settings, keep_going)
                                             : retrieve_by_get(node, study_uid, directory, settings, keep_going);
  if (result.method != "WADO-RS") result.files = files_in(directory);
  keep_requested_study(result, study_uid);
  return result;
}

StoreRetrieveResult retrieve_into_store(const DicomNode& node, const std::string& study_uid, StudyStore& store,
                                        const NetworkSettings& settings, const std::function<bool()>& keep_going) {
  StoreRetrieveResult out;
  // What arrives waits in a staging folder this process holds locked; one a crash left (patient
  // data nobody would import) is removed by the next retrieve into the store.
  remove_abandoned_folders(store.directory(), "incoming-");
  const std::string staging = store.directory() + "/incoming-" + new_uid().substr(5, 12);
  create_directories_durably(staging, FolderAccess::OwnerOnly);
  const FolderLock retrieving(staging, /*wait=*/true);
  try {
    out.retrieve = retrieve_study(node, study_uid, staging, settings, keep_going);
  } catch (const Error& e) {
    out.error = e.what();
    std::error_code ec;
    if (fs::exists(staging, ec)) out.retrieve.files = files_in(staging);
    keep_requested_study(out.retrieve, study_uid);
  }
  for (const std::string& f : out.retrieve.files) {
    try {
      store.import_file(f);
      ++out.imported;
    } catch (const Error& e) {
      out.not_stored.push_back(f + ": " + e.what());
    }
  }
  std::error_code ec;
  fs::remove_all(staging, ec);
  return out;
}

}  // namespace ft::dicom
