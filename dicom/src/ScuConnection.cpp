#include "ScuConnection.h"

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

}  // namespace ft::dicom::detail
