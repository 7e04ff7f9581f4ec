#include "ft/dicom/StoreScu.h"

#include <map>
#include <set>

#include "DatasetHelpers.h"
#include "ScuConnection.h"
#include "DicomFileLoader.h"
#include "dcmtk/dcmnet/scu.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomClipInfo.h"

namespace ft::dicom {
namespace {
using namespace detail;

}  // namespace

DicomNode parse_node(const std::string& text) {
  const auto at = text.find('@'), colon = text.rfind(':');
  if (at == std::string::npos || colon == std::string::npos || colon < at || at == 0)
    throw Error(ErrorCode::InvalidArgument, "node '" + text + "' is not AET@host:port");
  DicomNode n;
  n.ae_title = text.substr(0, at);
  n.host = text.substr(at + 1, colon - at - 1);
  try {
    n.port = std::stoi(text.substr(colon + 1));
  } catch (...) {
    throw Error(ErrorCode::InvalidArgument, "node '" + text + "': port is not a number");
  }
  if (n.ae_title.size() > 16) throw Error(ErrorCode::InvalidArgument, "AE title '" + n.ae_title + "' is longer than 16");
  if (n.port <= 0 || n.port > 65535) throw Error(ErrorCode::InvalidArgument, "node '" + text + "': port out of range");
  return n;
}

void echo(const DicomNode& node, const NetworkSettings& settings) {
  DcmSCU scu;
  scu.addPresentationContext(UID_VerificationSOPClass, uncompressed_after(""));
  open_association(scu, node, settings);
  const OFCondition c = scu.sendECHORequest(0);
  scu.releaseAssociation();
  if (c.bad()) throw Error(ErrorCode::Network, "C-ECHO to " + node.text() + " failed: " + c.text());
}

std::vector<StoreResult> store(const DicomNode& node, const std::vector<std::string>& files,
                               const NetworkSettings& settings) {
  std::vector<StoreResult> results;
  std::vector<DicomClipInfo> infos;
  std::set<std::pair<std::string, std::string>> contexts;
  for (const std::string& f : files) {
    StoreResult r;
    r.file = f;
    try {
      DicomFileLoader loader(f);
      r.sop_instance_uid = get_string(loader.dataset(), DCM_SOPInstanceUID);
      const std::string sop_class = get_string(loader.dataset(), DCM_SOPClassUID);
      if (sop_class.empty() || r.sop_instance_uid.empty()) throw Error(ErrorCode::CorruptData, f + ": no SOP class or instance UID");
      contexts.insert({sop_class, DcmXfer(loader.dataset().getOriginalXfer()).getXferID()});
    } catch (const Error& e) {
      r.message = e.what();
    }
    results.push_back(r);
  }
  DcmSCU scu;
  for (const auto& [sop_class, xfer] : contexts) scu.addPresentationContext(sop_class.c_str(), uncompressed_after(xfer));
  if (contexts.empty()) return results;
  open_association(scu, node, settings);
  for (StoreResult& r : results) {
    if (!r.message.empty()) continue;
    DicomFileLoader loader(r.file);
    DcmDataset& ds = loader.dataset();
    ds.loadAllDataIntoMemory();
    const std::string sop_class = get_string(ds, DCM_SOPClassUID);
    T_ASC_PresentationContextID id = scu.findPresentationContextID(sop_class.c_str(), DcmXfer(ds.getOriginalXfer()).getXferID());
    if (id == 0) id = scu.findAnyPresentationContextID(sop_class.c_str(), UID_LittleEndianExplicitTransferSyntax);
    if (id == 0) {
      r.message = "the peer accepted no transfer syntax for this object's SOP class";
      continue;
    }
    Uint16 status = 0;
    const OFCondition c = scu.sendSTORERequest(id, OFFilename(), &ds, status);
    r.status = status;
    r.stored = c.good() && (status == 0 || (status & 0xF000) == 0xB000);
    if (!r.stored)
      r.message = c.bad() ? std::string(c.text()) : "peer answered status 0x" + [&] {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%04X", status);
        return std::string(buf);
      }();
  }
  scu.releaseAssociation();
  return results;
}

}  // namespace ft::dicom
