#include "ScuConnection.h"

#include <cstdio>

#include "ft/core/Error.h"

namespace ft::dicom::detail {

OFList<OFString> uncompressed_after(const std::string& preferred) {
  OFList<OFString> list;
  if (!preferred.empty()) list.push_back(preferred.c_str());
  for (const char* uid : {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax})
    if (preferred != uid) list.push_back(uid);
  return list;
}

void open_association(DcmSCU& scu, const DicomNode& node, const NetworkSettings& s) {
  scu.setAETitle(s.local_ae_title.c_str());
  scu.setPeerHostName(node.host.c_str());
  scu.setPeerPort(Uint16(node.port));
  scu.setPeerAETitle(node.ae_title.c_str());
  scu.setACSETimeout(Uint32(s.timeout_s));
  scu.setDIMSETimeout(Uint32(s.timeout_s));
  scu.setConnectionTimeout(Sint32(s.timeout_s));
  OFCondition c = scu.initNetwork();
  if (c.good()) c = scu.negotiateAssociation();
  if (c.bad()) throw Error(ErrorCode::Network, "cannot open an association with " + node.text() + ": " + c.text());
}

std::vector<std::unique_ptr<DcmDataset>> find_on_association(const DicomNode& node, const NetworkSettings& settings,
                                                             const char* sop_class, const std::string& service,
                                                             DcmDataset& keys) {
  DcmSCU scu;
  scu.addPresentationContext(sop_class, uncompressed_after(""));
  open_association(scu, node, settings);
  const T_ASC_PresentationContextID id = scu.findAnyPresentationContextID(sop_class, "");
  if (id == 0) {
    scu.releaseAssociation();
    throw Error(ErrorCode::Network, node.text() + " does not offer the " + service + " C-FIND");
  }
  OFList<QRResponse*> responses;
  const OFCondition c = scu.sendFINDRequest(id, &keys, &responses);
  scu.releaseAssociation();
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
  if (final_status != 0 && final_status != 0xFF00 && final_status != 0xFF01) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04X", final_status);
    throw Error(ErrorCode::Network, node.text() + " answered the " + service + " query with status 0x" + buf);
  }
  return matches;
}

}  // namespace ft::dicom::detail
