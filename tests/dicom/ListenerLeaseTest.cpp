// One listener per port in a process, and DCMTK's process-wide globals restored when the last
// listener ends, whatever order they end in (a retrieve and a storage commitment may overlap).
#include <gtest/gtest.h>

#include <memory>

#include "ScuConnection.h"
#include "dcmtk/dcmdata/dcobject.h"
#include "dcmtk/dcmnet/dul.h"
#include "ft/core/Error.h"

namespace ft::dicom::detail {

TEST(ListenerLease, ASecondListenerOnAPortIsRefusedAfterItsWait) {
  const ListenerLease retrieve(41999, std::chrono::seconds(0), "C-MOVE");
  try {
    const ListenerLease commitment(41999, std::chrono::seconds(0), "storage commitment reports");
    FAIL() << "two listeners on one port";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("listening there for something else"), std::string::npos) << e.what();
  }
  const ListenerLease other_port(41998, std::chrono::seconds(0), "storage commitment reports");
}

TEST(ListenerLease, TheToolkitsGlobalsComeBackWhenTheLastListenerEnds) {
  dcmEnableAutomaticInputDataCorrection.set(OFTrue);
  dcmDisableGethostbyaddr.set(OFFalse);
  auto first = std::make_unique<ListenerLease>(41997, std::chrono::seconds(0), "C-MOVE");
  EXPECT_TRUE(dcmDisableGethostbyaddr.get()) << "numeric addresses while listening";
  dcmEnableAutomaticInputDataCorrection.set(OFFalse);  // what DcmSCP does while it listens
  auto second = std::make_unique<ListenerLease>(41996, std::chrono::seconds(0), "storage commitment reports");
  first.reset();  // the first to start ends first
  EXPECT_TRUE(dcmDisableGethostbyaddr.get()) << "the other listener still checks numeric addresses";
  second.reset();
  EXPECT_TRUE(dcmEnableAutomaticInputDataCorrection.get());
  EXPECT_FALSE(dcmDisableGethostbyaddr.get());
}

}  // namespace ft::dicom::detail
