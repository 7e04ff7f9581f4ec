#include "ft/dicom/StoreScu.h"

#include <set>

#include "DatasetHelpers.h"
#include "DicomFileLoader.h"
#include "DicomWebClient.h"
#include "ScuConnection.h"
#include "Transcoding.h"
#include "ft/core/Error.h"

namespace ft::dicom {
namespace {
using namespace detail;

struct PreparedObject {
  std::string sop_class;
  std::string transfer_syntax;
};

PreparedObject inspect(StoreResult& r) {
  DicomFileLoader loader(r.file);
  r.sop_instance_uid = get_string(loader.dataset(), DCM_SOPInstanceUID);
  const std::string sop_class = get_string(loader.dataset(), DCM_SOPClassUID);
  if (sop_class.empty() || r.sop_instance_uid.empty()) throw Error(ErrorCode::CorruptData, r.file + ": no SOP class or instance UID");
  return {sop_class, DcmXfer(loader.dataset().getOriginalXfer()).getXferID()};
}

// Sends one object on the context the peer accepted for its own transfer syntax, or on
// an uncompressed one after decompressing it (the peer refused the compressed syntax).
void send_one(DcmSCU& scu, StoreResult& r) {
  DicomFileLoader loader(r.file);
  DcmDataset& ds = loader.dataset();
  ds.loadAllDataIntoMemory();
  const std::string sop_class = get_string(ds, DCM_SOPClassUID);
  const std::string own_xfer = DcmXfer(ds.getOriginalXfer()).getXferID();
  T_ASC_PresentationContextID id = scu.findPresentationContextID(sop_class.c_str(), own_xfer.c_str());
  if (id == 0) {
    id = scu.findAnyPresentationContextID(sop_class.c_str(), UID_LittleEndianExplicitTransferSyntax);
    if (id == 0) {
      r.message = "the peer accepted no transfer syntax for this object's SOP class";
      return;
    }
    if (DcmXfer(ds.getOriginalXfer()).isEncapsulated()) {
      decompress(ds, r.file);
      r.transcoded = true;
    }
  }
  Uint16 status = 0;
  const OFCondition c = scu.sendSTORERequest(id, OFFilename(), &ds, status);
  r.status = status;
  // Success, and the warnings that still mean "stored" (PS3.4 B.2.3, PS3.7 C.1.2).
  r.stored = c.good() && (status == 0 || (status & 0xF000) == 0xB000 || status == 0x0001 || status == 0x0107 ||
                          status == 0x0116);
  if (!r.stored) r.message = c.bad() ? std::string(c.text()) : "peer answered status " + status_text(status);
}

}  // namespace

void echo(const DicomNode& node, const NetworkSettings& settings) {
  if (node.is_dicomweb()) return dicomweb_echo(node, settings);
  ScuAssociation association;
  association.scu().addPresentationContext(UID_VerificationSOPClass, uncompressed_after(""));
  association.open(node, settings);
  const OFCondition c = association.scu().sendECHORequest(0);
  if (c.bad()) throw Error(ErrorCode::Network, "C-ECHO to " + node.text() + " failed: " + c.text());
}

std::vector<StoreResult> store(const DicomNode& node, const std::vector<std::string>& files,
                               const NetworkSettings& settings) {
  if (node.is_dicomweb()) return dicomweb_store(node, files, settings);
  std::vector<StoreResult> results;
  std::set<std::pair<std::string, std::string>> contexts;
  for (const std::string& f : files) {
    StoreResult r;
    r.file = f;
    try {
      const PreparedObject o = inspect(r);
      contexts.insert({o.sop_class, o.transfer_syntax});
    } catch (const Error& e) {
      r.message = e.what();
    }
    results.push_back(r);
  }
  if (contexts.empty()) return results;
  ScuAssociation association;
  DcmSCU& scu = association.scu();
  for (const auto& [sop_class, xfer] : contexts) scu.addPresentationContext(sop_class.c_str(), uncompressed_after(xfer));
  scu.setDatasetConversionMode(OFTrue);  // Explicit -> Implicit VR where only that was accepted
  association.open(node, settings);
  for (StoreResult& r : results) {
    if (!r.message.empty()) continue;
    try {
      send_one(scu, r);
    } catch (const Error& e) {
      r.message = e.what();  // this object cannot be decompressed; the others still go
    }
  }
  return results;
}

}  // namespace ft::dicom
